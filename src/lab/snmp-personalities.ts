/**
 * SNMP devices of the simulated site: net-snmp agents (public ro / private
 * rw camera, v3-only switch, IF-MIB switch, weak v3) and hostile UDP
 * responders. None has a TCP port: discovery must find them over UDP.
 */
import type { Personality } from './personalities.ts';
import { LAB_SECRETS } from './secrets.ts';
import { deceptiveAnswers, garbageAnswers, hostileUdp, snmpAgent, type LabInterface } from './devices/snmp.ts';

const snmp = (start: ReturnType<typeof snmpAgent>) => [{ name: 'snmp', port: 161, start }];

/** 24 access ports (14 up without description, 4 up and described, 6 down), 2 uplinks, a VLAN interface. */
function switchPorts(): LabInterface[] {
  const ports: LabInterface[] = [];
  for (let i = 1; i <= 24; i++) {
    const up = i <= 18;
    const alias = i <= 4 ? `CAM-${String(i).padStart(2, '0')} parking` : undefined;
    ports.push({ index: 10100 + i, descr: `GigabitEthernet0/${i}`, name: `Gi0/${i}`, type: 6, admin: 1, oper: up ? 1 : 2, ...(alias ? { alias } : {}) });
  }
  ports.push({ index: 10125, descr: 'GigabitEthernet0/25', name: 'Gi0/25', type: 6, admin: 1, oper: 1, alias: 'UPLINK core-1' });
  ports.push({ index: 10126, descr: 'GigabitEthernet0/26', name: 'Gi0/26', type: 6, admin: 1, oper: 1, alias: 'UPLINK core-2' });
  ports.push({ index: 1, descr: 'Vlan1', name: 'Vl1', type: 53, admin: 1, oper: 1 });
  return ports;
}

/** Ten described ports, all up: a documented switch. */
function documentedPorts(): LabInterface[] {
  return Array.from({ length: 10 }, (_, k) => ({ index: k + 1, descr: `port ${k + 1}`, name: `ge-0/0/${k}`, type: 6, admin: 1, oper: 1, alias: `DOOR-${k + 1} controller` }));
}

const v3Account = {
  name: LAB_SECRETS.snmpV3Auth.user,
  level: 'authPriv' as const,
  authProtocol: 'sha' as const,
  authKey: LAB_SECRETS.snmpV3Auth.password,
  privProtocol: 'aes' as const,
  privKey: LAB_SECRETS.snmpV3Priv.password,
  access: 'read-only' as const,
};

/** The SNMPv3 account of `snmp-v3-only`, as a site file would give it (ctx.params.snmpV3). */
export const LAB_SNMP_V3_SITE = [{ user: v3Account.name, authProtocol: 'SHA', authKey: v3Account.authKey, privProtocol: 'AES', privKey: v3Account.privKey }];

export const SNMP_PERSONALITIES: Record<string, Personality> = {
  'snmp-camera': {
    id: 'snmp-camera',
    class: 'camera',
    description: 'Camera whose SNMP agent kept the factory communities: public read-only, private read-write',
    services: [],
    udpServices: snmp(
      snmpAgent({
        communities: [
          { name: 'public', access: 'read-only' },
          { name: 'private', access: 'read-write' },
        ],
        system: { descr: 'Network Camera', objectId: '1.3.6.1.4.1.39165.1.1', contact: 'security-desk@site.invalid', name: 'cam-hall-01', location: 'Main hall' },
        interfaces: [
          { index: 1, descr: 'eth0', type: 6, admin: 1, oper: 1 },
          { index: 2, descr: 'lo', type: 24, admin: 1, oper: 1 },
        ],
      }),
    ),
    expected: ['snmp.community-readable', 'snmp.community-writable', 'snmp.v1v2c-enabled'],
  },
  'snmp-v3-only': {
    id: 'snmp-v3-only',
    class: 'switch',
    description: 'Hardened switch: SNMPv3 only, one authPriv SHA/AES user, no v1/v2c community; documented ports. Its template user "initial" was left without any view: the agent refuses it (noAccess), as Debian snmpd answers authorizationError',
    services: [],
    udpServices: snmp(
      snmpAgent({
        users: [v3Account, { name: 'initial', level: 'noAuthNoPriv', access: 'none' }],
        system: { descr: 'Managed switch, 10 ports', objectId: '1.3.6.1.4.1.2636.1.1.1.2.1', contact: 'noc@site.invalid', name: 'sw-doors', location: 'Rack B' },
        interfaces: documentedPorts(),
      }),
    ),
    expected: [],
  },
  'snmp-switch': {
    id: 'snmp-switch',
    class: 'switch',
    description: 'Access switch of the camera network: public read-only community reading IF-MIB and the ARP cache, many ports up without description',
    services: [],
    udpServices: snmp(
      snmpAgent({
        communities: [{ name: 'public', access: 'read-only' }],
        system: {
          descr: 'Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE7, RELEASE SOFTWARE (fc1)',
          objectId: '1.3.6.1.4.1.9.1.1208',
          contact: 'noc@site.invalid',
          name: 'sw-cameras-01',
          location: 'Basement IDF',
          services: 2,
        },
        interfaces: switchPorts(),
        arp: [
          { ifIndex: 1, ip: '192.0.2.21', mac: '44:19:b6:00:00:21' },
          { ifIndex: 1, ip: '192.0.2.22', mac: '44:19:b6:00:00:22' },
        ],
      }),
    ),
    expected: ['snmp.community-readable', 'snmp.v1v2c-enabled', 'switch.snmp-exposure', 'switch.unused-ports-up'],
  },
  'snmp-v3-weak': {
    id: 'snmp-v3-weak',
    class: 'camera',
    description: 'Camera with SNMPv3 only, but its template user "initial" answers without authentication (noAuthNoPriv); a monitoring user with HMAC-MD5 authNoPriv',
    services: [],
    udpServices: snmp(
      snmpAgent({
        users: [
          { name: 'initial', level: 'noAuthNoPriv', access: 'read-only' },
          { name: LAB_SECRETS.snmpV3Md5.user, level: 'authNoPriv', authProtocol: 'md5', authKey: LAB_SECRETS.snmpV3Md5.password, access: 'read-only' },
        ],
        system: { descr: 'Network Camera', objectId: '1.3.6.1.4.1.368.1', contact: '', name: 'cam-yard-02', location: 'Yard' },
      }),
    ),
    expected: ['snmp.v3-weak'],
  },
  'snmp-site-community': {
    id: 'snmp-site-community',
    class: 'camera',
    description: 'Camera with SNMP v2c and one non-default read community (the site knows it; vigie only finds it when the site supplies it, then snmp.v1v2c-enabled fires)',
    services: [],
    udpServices: snmp(
      snmpAgent({
        communities: [{ name: LAB_SECRETS.snmpSiteCommunity.password, access: 'read-only' }],
        system: { descr: 'Network Camera', objectId: '1.3.6.1.4.1.36849.1', contact: '', name: 'cam-gate-03', location: 'Gate' },
      }),
    ),
    expected: [],
  },
  'snmp-faulty-set': {
    id: 'snmp-faulty-set',
    class: 'camera',
    description: 'Faulty agent: sysContact.0 is an INTEGER and "private" may write, so the wrong-type probe value is accepted (vigie must restore it)',
    services: [],
    udpServices: snmp(
      snmpAgent({
        communities: [
          { name: 'private', access: 'read-write' },
          { name: 'write', access: 'read-write' },
        ],
        system: { descr: 'Network Camera', objectId: '1.3.6.1.4.1.39165.1.1', contact: '', name: 'cam-faulty', location: 'Lab' },
        integerSysContact: 42,
      }),
    ),
    expected: ['snmp.community-readable', 'snmp.community-writable', 'snmp.v1v2c-enabled'],
  },

  // ——— hostile SNMP responders ———
  'snmp-garbage': {
    id: 'snmp-garbage',
    class: 'unknown',
    description: 'Answers every SNMP datagram with malformed BER: huge lengths, truncation, indefinite length, 2000-deep nesting, noise',
    services: [],
    udpServices: snmp(hostileUdp(() => garbageAnswers())),
    expected: [],
  },
  'snmp-deceptive': {
    id: 'snmp-deceptive',
    class: 'unknown',
    description: 'Answers v1/v2c requests with an SNMPv3 Report, a v2c Report PDU and a Response with the wrong request-id: none is a community answer',
    services: [],
    udpServices: snmp(hostileUdp((req) => deceptiveAnswers(req))),
    expected: [],
  },
  'snmp-silent': {
    id: 'snmp-silent',
    class: 'unknown',
    description: 'Listens on udp/161 and never answers',
    services: [],
    udpServices: snmp(hostileUdp('silent')),
    expected: [],
  },
};
