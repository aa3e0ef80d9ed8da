/**
 * SNMP agents of simulated devices, served by net-snmp's Agent (an
 * implementation independent of vigie's own SNMP code), plus misbehaving
 * UDP responders built on node:dgram for the hostile-device tests.
 */
import dgram from 'node:dgram';
import snmp from 'net-snmp';
import type { ServiceEnv } from '../personalities.ts';

export interface LabInterface {
  index: number;
  descr: string;
  /** IANAifType: 6 = ethernetCsmacd, 24 = softwareLoopback, 53 = propVirtual. */
  type: number;
  /** 1 up, 2 down. */
  admin: number;
  oper: number;
  alias?: string;
  name?: string;
}

export interface LabSnmpUser {
  name: string;
  level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
  authProtocol?: 'md5' | 'sha';
  authKey?: string;
  privProtocol?: 'aes' | 'des';
  privKey?: string;
  /** `none`: the user exists but has no view (the agent answers noAccess). */
  access: 'none' | 'read-only' | 'read-write';
}

export interface SnmpAgentOptions {
  communities?: { name: string; access: 'read-only' | 'read-write' }[];
  users?: LabSnmpUser[];
  system: { descr: string; objectId: string; contact: string; name: string; location: string; services?: number };
  interfaces?: LabInterface[];
  /** ARP cache rows (ipNetToMediaTable): a table beyond system/interfaces that a default community should not read. */
  arp?: { ifIndex: number; ip: string; mac: string }[];
  /**
   * A faulty agent whose sysContact.0 is an INTEGER: a "wrong-type" INTEGER
   * SET is then accepted and changes it (exercises vigie's restore path).
   */
  integerSysContact?: number;
  engineId?: string;
}

/** What the agent saw, for tests that count from the device's side. */
export interface SnmpAgentStats {
  setRequests: number;
}

const STATS = new Map<string, SnmpAgentStats>();

/** Counters of the agent at `address:port` (this process only). */
export function snmpAgentStats(address: string, port: number): SnmpAgentStats | undefined {
  return STATS.get(`${address}:${port}`);
}

/** The part of net-snmp's provider definitions used here (@types/net-snmp does not describe the Agent). */
interface Provider {
  name: string;
  type: number;
  oid: string;
  maxAccess: number;
  scalarType?: number;
  tableColumns?: { number: number; name: string; type: number; maxAccess: number }[];
  tableIndex?: { columnName: string }[];
  tableAugments?: string;
}

const OBJ = snmp.ObjectType;
const RO = snmp.MaxAccess['read-only'];
const RW = snmp.MaxAccess['read-write'];
const NA = snmp.MaxAccess['not-accessible'];

function scalar(name: string, oid: string, type: number, access: number): Provider {
  return { name, type: snmp.MibProviderType.Scalar, oid, scalarType: type, maxAccess: access };
}

/** A UDP service spec body: start a net-snmp agent on `address:port`. */
export function snmpAgent(opts: SnmpAgentOptions) {
  return (env: ServiceEnv, port: number): Promise<{ close(): Promise<void> }> =>
    new Promise((resolve, reject) => {
      const stats: SnmpAgentStats = { setRequests: 0 };
      let started = false;
      const agent = snmp.createAgent(
        {
          port,
          address: env.address,
          accessControlModelType: snmp.AccessControlModelType.Simple,
          ...(opts.engineId ? { engineID: opts.engineId } : {}),
        },
        () => undefined, // bad communities, malformed packets: a device just drops them
      );
      const socket = Object.values((agent as unknown as { listener: { sockets: Record<string, dgram.Socket> } }).listener.sockets)[0]!;
      socket.once('error', (err) => {
        if (started) return;
        try {
          agent.close();
        } catch {
          /* never bound */
        }
        reject(err);
      });
      socket.once('listening', () => {
        started = true;
        STATS.set(`${env.address}:${port}`, stats);
        resolve({
          close: () =>
            new Promise<void>((r) => {
              STATS.delete(`${env.address}:${port}`);
              try {
                agent.close(() => r());
              } catch {
                r();
              }
            }),
        });
      });

      const authorizer = agent.getAuthorizer();
      const acm = authorizer.getAccessControlModel();
      const level = (a: 'none' | 'read-only' | 'read-write') => (a === 'read-write' ? snmp.AccessLevel.ReadWrite : a === 'read-only' ? snmp.AccessLevel.ReadOnly : snmp.AccessLevel.None);
      for (const c of opts.communities ?? []) {
        authorizer.addCommunity(c.name);
        acm.setCommunityAccess(c.name, level(c.access));
      }
      for (const u of opts.users ?? []) {
        const user: snmp.User = { name: u.name, level: snmp.SecurityLevel[u.level] };
        if (u.authProtocol) {
          user.authProtocol = snmp.AuthProtocols[u.authProtocol];
          user.authKey = u.authKey!;
        }
        if (u.privProtocol) {
          user.privProtocol = snmp.PrivProtocols[u.privProtocol];
          user.privKey = u.privKey!;
        }
        authorizer.addUser(user);
        acm.setUserAccess(u.name, level(u.access));
      }
      agent.setBulkSetHandler((_requests: unknown, _mib: unknown, testSet: boolean) => {
        if (testSet) stats.setRequests++;
        return snmp.ErrorStatus.NoError;
      });

      const mib = agent.getMib();
      const sys = opts.system;
      mib.registerProviders([
        scalar('sysDescr', '1.3.6.1.2.1.1.1', OBJ.OctetString, RO),
        scalar('sysObjectID', '1.3.6.1.2.1.1.2', OBJ.OID, RO),
        scalar('sysUpTime', '1.3.6.1.2.1.1.3', OBJ.TimeTicks, RO),
        scalar('sysContact', '1.3.6.1.2.1.1.4', opts.integerSysContact !== undefined ? OBJ.Integer : OBJ.OctetString, RW),
        scalar('sysName', '1.3.6.1.2.1.1.5', OBJ.OctetString, RW),
        scalar('sysLocation', '1.3.6.1.2.1.1.6', OBJ.OctetString, RW),
        scalar('sysServices', '1.3.6.1.2.1.1.7', OBJ.Integer, RO),
      ]);
      mib.setScalarValue('sysDescr', sys.descr);
      mib.setScalarValue('sysObjectID', sys.objectId);
      mib.setScalarValue('sysUpTime', 123456);
      mib.setScalarValue('sysContact', opts.integerSysContact ?? sys.contact);
      mib.setScalarValue('sysName', sys.name);
      mib.setScalarValue('sysLocation', sys.location);
      mib.setScalarValue('sysServices', sys.services ?? 72);

      if (opts.interfaces?.length) {
        mib.registerProvider(scalar('ifNumber', '1.3.6.1.2.1.2.1', OBJ.Integer, RO));
        mib.setScalarValue('ifNumber', opts.interfaces.length);
        mib.registerProvider({
          name: 'ifTable',
          type: snmp.MibProviderType.Table,
          oid: '1.3.6.1.2.1.2.2.1',
          maxAccess: NA,
          tableColumns: [
            { number: 1, name: 'ifIndex', type: OBJ.Integer, maxAccess: RO },
            { number: 2, name: 'ifDescr', type: OBJ.OctetString, maxAccess: RO },
            { number: 3, name: 'ifType', type: OBJ.Integer, maxAccess: RO },
            { number: 7, name: 'ifAdminStatus', type: OBJ.Integer, maxAccess: RW },
            { number: 8, name: 'ifOperStatus', type: OBJ.Integer, maxAccess: RO },
          ],
          tableIndex: [{ columnName: 'ifIndex' }],
        } satisfies Provider);
        mib.registerProvider({
          name: 'ifXTable',
          type: snmp.MibProviderType.Table,
          oid: '1.3.6.1.2.1.31.1.1.1',
          maxAccess: NA,
          tableColumns: [
            { number: 1, name: 'ifName', type: OBJ.OctetString, maxAccess: RO },
            { number: 18, name: 'ifAlias', type: OBJ.OctetString, maxAccess: RW },
          ],
          tableAugments: 'ifTable',
        } satisfies Provider);
        for (const i of opts.interfaces) {
          mib.addTableRow('ifTable', [i.index, i.descr, i.type, i.admin, i.oper]);
          mib.addTableRow('ifXTable', [i.index, i.name ?? i.descr, i.alias ?? '']);
        }
      }
      if (opts.arp?.length) {
        mib.registerProvider({
          name: 'ipNetToMediaTable',
          type: snmp.MibProviderType.Table,
          oid: '1.3.6.1.2.1.4.22.1',
          maxAccess: NA,
          tableColumns: [
            { number: 1, name: 'ipNetToMediaIfIndex', type: OBJ.Integer, maxAccess: RO },
            { number: 2, name: 'ipNetToMediaPhysAddress', type: OBJ.OctetString, maxAccess: RO },
            { number: 3, name: 'ipNetToMediaNetAddress', type: OBJ.IpAddress, maxAccess: RO },
            { number: 4, name: 'ipNetToMediaType', type: OBJ.Integer, maxAccess: RO },
          ],
          tableIndex: [{ columnName: 'ipNetToMediaIfIndex' }, { columnName: 'ipNetToMediaNetAddress' }],
        } satisfies Provider);
        for (const a of opts.arp) {
          mib.addTableRow('ipNetToMediaTable', [a.ifIndex, Buffer.from(a.mac.replace(/:/g, ''), 'hex'), a.ip, 3]);
        }
      }
    });
}

/**
 * A UDP "agent" that answers every datagram with the given bytes (garbage,
 * a truncated message, a v3 Report to a v2c request …), or never answers.
 */
export function hostileUdp(answer: ((request: Buffer) => Buffer[]) | 'silent') {
  return (env: ServiceEnv, port: number): Promise<{ close(): Promise<void> }> =>
    new Promise((resolve, reject) => {
      const socket = dgram.createSocket('udp4');
      socket.once('error', reject);
      socket.on('message', (msg, rinfo) => {
        if (answer === 'silent') return;
        for (const out of answer(msg)) socket.send(out, rinfo.port, rinfo.address);
      });
      socket.bind(port, env.address, () => {
        socket.off('error', reject);
        socket.on('error', () => undefined);
        resolve({ close: () => new Promise<void>((r) => socket.close(() => r())) });
      });
    });
}

// ——— hand-made datagrams for the hostile agents (node built-ins only) ———

function berLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function ber(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), berLength(content.length), content]);
}

function berInt(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return ber(0x02, b);
}

/** The request-id of a v1/v2c request (SEQUENCE, version, community, PDU, request-id), or undefined. */
export function requestIdOf(msg: Buffer): number | undefined {
  try {
    let at = 0;
    const skipHeader = () => {
      const first = msg[at + 1]!;
      at += 2 + (first & 0x80 ? first & 0x7f : 0);
    };
    const skipElement = () => {
      const first = msg[at + 1]!;
      const n = first & 0x80 ? first & 0x7f : 0;
      let len = first & 0x80 ? 0 : first;
      for (let i = 0; i < n; i++) len = len * 256 + msg[at + 2 + i]!;
      at += 2 + n + len;
    };
    skipHeader(); // message SEQUENCE
    skipElement(); // version
    skipElement(); // community
    skipHeader(); // PDU
    if (msg[at] !== 0x02) return undefined;
    const len = msg[at + 1]!;
    let v = 0;
    for (let i = 0; i < len; i++) v = v * 256 + msg[at + 2 + i]!;
    return msg[at + 2]! & 0x80 ? v - 2 ** (8 * len) : v;
  } catch {
    return undefined;
  }
}

/**
 * Answers that must never be taken for a v1/v2c "community accepted": an
 * SNMPv3 Report carrying the request's id as msgID, a v2c Report PDU with the
 * right request-id, and a v2c Response with the wrong request-id.
 */
export function deceptiveAnswers(request: Buffer): Buffer[] {
  const id = requestIdOf(request) ?? 1;
  const sysDescr = ber(0x06, Buffer.from([0x2b, 6, 1, 2, 1, 1, 1, 0]));
  const varbinds = ber(0x30, ber(0x30, Buffer.concat([sysDescr, ber(0x04, Buffer.from('deceptive agent'))])));
  const pdu = (tag: number, reqId: number) => ber(tag, Buffer.concat([berInt(reqId), berInt(0), berInt(0), varbinds]));
  const usmUnknownEngine = ber(0x30, ber(0x30, Buffer.concat([ber(0x06, Buffer.from([0x2b, 6, 1, 6, 3, 15, 1, 1, 4, 0])), ber(0x41, Buffer.from([1]))])));
  const usm = ber(0x30, Buffer.concat([ber(0x04, Buffer.from('80001f8880aabbccdd', 'hex')), berInt(1), berInt(100), ber(0x04, Buffer.alloc(0)), ber(0x04, Buffer.alloc(0)), ber(0x04, Buffer.alloc(0))]));
  const v3Report = ber(
    0x30,
    Buffer.concat([
      berInt(3),
      ber(0x30, Buffer.concat([berInt(id), berInt(65507), ber(0x04, Buffer.from([0])), berInt(3)])),
      ber(0x04, usm),
      ber(0x30, Buffer.concat([ber(0x04, Buffer.from('80001f8880aabbccdd', 'hex')), ber(0x04, Buffer.alloc(0)), ber(0xa8, Buffer.concat([berInt(id), berInt(0), berInt(0), usmUnknownEngine]))])),
    ]),
  );
  const v2c = (p: Buffer) => ber(0x30, Buffer.concat([berInt(1), ber(0x04, Buffer.from('public')), p]));
  return [v3Report, v2c(pdu(0xa8, id)), v2c(pdu(0xa2, id ^ 0x5a5a))];
}

/** Malformed answers: huge claimed lengths, truncation, indefinite length, deep nesting, noise. */
export function garbageAnswers(): Buffer[] {
  let nested = ber(0x04, Buffer.from('x'));
  for (let i = 0; i < 2000; i++) nested = ber(0x30, nested);
  const valid = ber(0x30, Buffer.concat([berInt(1), ber(0x04, Buffer.from('public')), ber(0xa2, Buffer.concat([berInt(1), berInt(0), berInt(0), ber(0x30, Buffer.alloc(0))]))]));
  return [
    Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02, 0x01, 0x01]),
    valid.subarray(0, 9),
    Buffer.from([0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00]),
    nested.subarray(0, 60_000),
    Buffer.from(Array.from({ length: 1400 }, (_, i) => (i * 97 + 13) & 0xff)),
  ];
}
