/**
 * SNMP: the BER/message codec against hostile bytes, USM crypto against the
 * RFC vectors, then real scans of net-snmp agents and hostile UDP responders
 * on loopback, and every SNMP/switch check fired and not fired.
 */
import { describe, expect, it } from 'vitest';
import snmp from 'net-snmp';
import { findingsOf, scanSite, withSite } from './helpers.ts';
import { runScan } from '../src/engine/engine.ts';
import { loadProfile } from '../src/core/profile.ts';
import { Scope } from '../src/core/scope.ts';
import { Net } from '../src/core/net.ts';
import { ScopeViolation } from '../src/core/errors.ts';
import type { Fact, Result } from '../src/core/model.ts';
import type { HostView } from '../src/checks/types.ts';
import { BerError, decodeInteger, decodeOid, encodeInteger, encodeOid, readTlv, sequence, tlv, TAG } from '../scanners/lib/ber.ts';
import { PDU, MAX_VARBINDS, decodeMessage, describeMessage, encodeCommunityMessage, encodePdu, encodeValue, type VarBind } from '../scanners/lib/snmp-message.ts';
import { aesDecrypt, aesEncrypt, engineEnterprise, localizeKey, signMessage, verifyMessage } from '../scanners/lib/snmp-usm.ts';
import { deceptiveAnswers, garbageAnswers, snmpAgentStats } from '../src/lab/devices/snmp.ts';
import { LAB_SNMP_V3_SITE } from '../src/lab/snmp-personalities.ts';
import { LAB_SECRETS } from '../src/lab/secrets.ts';
import { snmpV3LoginProtocol } from '../scanners/snmp.ts';
import type { ScanContext } from '../src/core/scanner.ts';
import type { RunningSite } from '../src/lab/site.ts';
import { snmpCommunityReadable } from '../src/checks/snmp/community-readable.ts';
import { snmpCommunityWritable } from '../src/checks/snmp/community-writable.ts';
import { snmpV3Weak } from '../src/checks/snmp/v3-weak.ts';
import { snmpV1v2cEnabled } from '../src/checks/snmp/v1v2c-enabled.ts';
import { switchSnmpExposure } from '../src/checks/switch/snmp-exposure.ts';
import { switchUnusedPortsUp } from '../src/checks/switch/unused-ports-up.ts';

/** Tests run the agents at a higher packet rate than the polite default (5/s) to stay fast. */
const FAST = { snmp: { rate: 100, timeoutMs: 700 } };
const SNMP_CHECKS = ['snmp.community-readable', 'snmp.community-writable', 'snmp.v3-weak', 'snmp.v1v2c-enabled', 'switch.snmp-exposure', 'switch.unused-ports-up'];
const SYS_CONTACT = '1.3.6.1.2.1.1.4.0';

/** Read sysContact.0 with net-snmp's own client (independent of vigie's code). */
function readContact(address: string, port: number, community: string): Promise<string | number> {
  return new Promise((resolve, reject) => {
    const session = snmp.createSession(address, community, { port, version: snmp.Version2c, timeout: 1000, retries: 1 });
    session.get([SYS_CONTACT], (err: Error | null, vbs?: snmp.Varbind[]) => {
      session.close();
      if (err) return reject(err);
      const v = vbs![0]!.value as unknown;
      resolve(Buffer.isBuffer(v) ? v.toString('utf8') : (v as number));
    });
  });
}

/** Every check that fired on a host, inventory aside: compared exactly with the personality's ground truth. */
function snmpFindings(result: Result, host: string): string[] {
  return [...new Set(result.findings.filter((f) => f.host === host && f.check !== 'inventory.device').map((f) => f.check))].sort();
}

function device(site: RunningSite, name: string) {
  const d = site.devices.find((x) => x.name === name)!;
  return { ...d, port: d.ports.snmp! };
}

const vb = (oid: string): VarBind => ({ oid, value: { type: 'null' } });

describe('BER and SNMP messages (hostile bytes)', () => {
  it.each([
    ['a 4-byte length claiming 2 GiB', Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02, 0x01, 0x01])],
    ['an indefinite length', Buffer.from([0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00])],
    ['a length field of 5 bytes', Buffer.from([0x30, 0x85, 0, 0, 0, 0, 3, 1, 2, 3])],
    ['a multi-byte tag', Buffer.from([0x1f, 0x81, 0x01, 0x00])],
    ['a tag and nothing else', Buffer.from([0x30])],
    ['an empty buffer', Buffer.alloc(0)],
  ])('readTlv refuses %s with a BerError', (_name, bytes) => {
    expect(() => readTlv(bytes, 0)).toThrow(BerError);
  });

  it('decodes every malformed answer of the garbage agent as a BerError, never a crash', () => {
    for (const g of garbageAnswers()) expect(() => decodeMessage(g)).toThrow(BerError);
  });

  it('refuses a truncated valid message at every cut, and trailing bytes', () => {
    const msg = encodeCommunityMessage('v2c', 'public', { type: PDU.response, requestId: 7, errorStatus: 0, errorIndex: 0, varbinds: [{ oid: '1.3.6.1.2.1.1.1.0', value: { type: 'octets', value: Buffer.from('cam') } }] });
    expect(decodeMessage(msg).version).toBe(1);
    for (let cut = 0; cut < msg.length; cut++) expect(() => decodeMessage(msg.subarray(0, cut))).toThrow(BerError);
    expect(() => decodeMessage(Buffer.concat([msg, Buffer.from([0])]))).toThrow(/trailing/);
  });

  it('refuses nested garbage inside a varbind without descending into it', () => {
    let deep = tlv(TAG.octetString, Buffer.from('x'));
    for (let i = 0; i < 5000; i++) deep = sequence(deep);
    const body = Buffer.concat([encodeInteger(1), encodeInteger(0), encodeInteger(0), sequence(sequence(encodeOid('1.3.6.1.2.1.1.1.0'), deep))]);
    const msg = sequence(encodeInteger(1), tlv(TAG.octetString, Buffer.from('public')), tlv(PDU.response, body));
    const m = decodeMessage(msg);
    // The unknown value is kept as opaque bytes (bounded), not parsed.
    expect(m.version === 1 && m.pdu.varbinds[0]!.value.type).toBe('unknown');
  });

  it('caps the number of variable bindings and the size of integers and OIDs', () => {
    const many = Array.from({ length: MAX_VARBINDS + 1 }, () => vb('1.3.6.1'));
    expect(() => decodeMessage(encodeCommunityMessage('v2c', 'x', { type: PDU.response, requestId: 1, errorStatus: 0, errorIndex: 0, varbinds: many }))).toThrow(/more than/);
    expect(() => decodeInteger(Buffer.from([1, 2, 3, 4, 5, 6]))).toThrow(BerError);
    expect(() => decodeOid(Buffer.from([0x2b, 0x80, 0x01]))).toThrow(/leading 0x80/);
    expect(() => decodeOid(Buffer.from([0x2b, 0x90, 0x80, 0x80, 0x80, 0x00]))).toThrow(/32 bits/);
    expect(() => decodeOid(Buffer.alloc(200, 0x01))).toThrow(/sub-identifiers/);
    expect(() => decodeOid(Buffer.from([0x2b, 0x86]))).toThrow(/truncated/);
  });

  it.each([0, 1, 127, 128, 255, 256, -1, -128, -129, 2 ** 31 - 1, -(2 ** 31), 2 ** 32 - 1])('round-trips INTEGER %d', (n) => {
    const t = readTlv(encodeInteger(n), 0);
    expect(decodeInteger(t.value)).toBe(n);
  });

  it.each(['1.3.6.1.2.1.1.1.0', '1.3.6.1.4.1.1004849.2.1.3.0', '2.999.4294967295', '0.0'])('round-trips OID %s', (oid) => {
    expect(decodeOid(readTlv(encodeOid(oid), 0).value)).toBe(oid);
  });

  it('reads a v3 discovery Report from the deceptive agent as v3, never as a community answer', () => {
    const request = encodeCommunityMessage('v2c', 'public', { type: PDU.get, requestId: 4242, errorStatus: 0, errorIndex: 0, varbinds: [vb('1.3.6.1.2.1.1.1.0')] });
    const [v3, v2Report, wrongId] = deceptiveAnswers(request).map((b) => decodeMessage(b));
    expect(v3!.version).toBe(3);
    expect(v2Report!.version === 1 && v2Report!.pdu.type).toBe(PDU.report);
    expect(wrongId!.version === 1 && wrongId!.pdu.requestId).not.toBe(4242);
  });

  it('never shows the community in a message description', () => {
    const msg = encodeCommunityMessage('v2c', 'S3cret-community', { type: PDU.get, requestId: 1, errorStatus: 0, errorIndex: 0, varbinds: [vb('1.3.6.1.2.1.1.5.0')] });
    expect(describeMessage(decodeMessage(msg))).not.toContain('S3cret');
  });

  it('encodes a GetBulk with non-repeaters and max-repetitions in the error fields', () => {
    const pdu = encodePdu({ type: PDU.getBulk, requestId: 9, errorStatus: 0, errorIndex: 25, varbinds: [vb('1.3.6.1.2.1.2.2.1.2')] });
    const m = decodeMessage(sequence(encodeInteger(1), tlv(TAG.octetString, Buffer.from('p')), pdu));
    expect(m.version === 1 && [m.pdu.type, m.pdu.errorIndex]).toEqual([PDU.getBulk, 25]);
    expect(encodeValue({ type: 'counter64', value: 2n ** 63n }).length).toBe(11);
  });
});

describe('USM cryptography', () => {
  const engine = Buffer.from('000000000000000000000002', 'hex');
  it('localises keys as RFC 3414 A.3 says (MD5 and SHA vectors)', () => {
    expect(localizeKey('md5', 'maplesyrup', engine).toString('hex')).toBe('526f5eed9fcce26f8964c2930787d82b');
    expect(localizeKey('sha', 'maplesyrup', engine).toString('hex')).toBe('6695febc9288e36282235fc7151f128497b38f3f');
  });

  it('signs and verifies a message, and refuses a tampered one', () => {
    const key = localizeKey('sha', 'maplesyrup', engine);
    const msg = Buffer.concat([Buffer.from('header'), Buffer.alloc(12), Buffer.from('payload')]);
    signMessage('sha', key, msg, 6);
    const mac = Buffer.from(msg.subarray(6, 18));
    expect(verifyMessage('sha', key, msg, 6, mac)).toBe(true);
    const tampered = Buffer.from(msg);
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 1;
    expect(verifyMessage('sha', key, tampered, 6, mac)).toBe(false);
    expect(verifyMessage('sha', key, msg, 6, mac.subarray(0, 11))).toBe(false);
  });

  it('round-trips AES-128-CFB privacy and reads the enterprise of an RFC 3411 engine ID', () => {
    const key = localizeKey('sha', 'privacy-pass', engine);
    const { encrypted, salt } = aesEncrypt(key, 3, 1000, Buffer.from('scoped pdu bytes'));
    expect(aesDecrypt(key, 3, 1000, salt, encrypted).toString()).toBe('scoped pdu bytes');
    expect(engineEnterprise(Buffer.from('80001f888056', 'hex'))).toBe(8072);
    expect(engineEnterprise(Buffer.from('000000000000000000000002', 'hex'))).toBeUndefined();
  });

  it('never lets a conversation leave the scope', async () => {
    const net = new Net({ scope: Scope.parse(['127.42.255.0/24']) });
    await expect(net.withUdp('127.0.0.1', 161, {}, async () => 1)).rejects.toBeInstanceOf(ScopeViolation);
    await net.close();
  });
});

describe('SNMP agents on loopback', () => {
  it('tells readable from writable communities without any SET taking effect, and fingerprints the devices', async () => {
    await withSite(
      [
        { name: 'cam', personality: 'snmp-camera' },
        { name: 'sw', personality: 'snmp-switch' },
        { name: 'v3', personality: 'snmp-v3-only' },
        { name: 'weak', personality: 'snmp-v3-weak' },
      ],
      async (site) => {
        const cam = device(site, 'cam');
        const before = await readContact(cam.address, cam.port, 'public');
        const result = await scanSite(site, { params: { ...FAST, snmpV3: LAB_SNMP_V3_SITE } });
        const after = await readContact(cam.address, cam.port, 'public');
        expect(after).toBe(before);
        expect(before).toBe('security-desk@site.invalid');

        for (const d of site.devices) expect(snmpFindings(result, d.address), d.name).toEqual([...d.personality.expected].sort());
        for (const f of result.findings.filter((x) => SNMP_CHECKS.includes(x.check))) {
          expect(f.references.length, f.check).toBeGreaterThan(0);
          expect(f.remediation.fr, f.check).not.toBe(f.remediation.en);
          expect(f.evidence?.received, f.check).toBeTruthy();
        }
        // This one site makes every SNMP and switch check fire somewhere, and nothing else.
        expect(new Set(result.findings.map((f) => f.check))).toEqual(new Set([...SNMP_CHECKS, 'inventory.device']));

        const probes = result.facts.filter((f) => f.type === 'snmp.write-probe' && f.host === cam.address).map((f) => [f.data.community, f.data.verdict, f.data.answer]);
        expect(probes).toEqual([
          ['public', 'read-only', 'noAccess'],
          ['private', 'writable', 'wrongType'],
        ]);
        expect(findingsOf(result, 'snmp.community-writable', cam.address).map((f) => f.key)).toEqual(['private']);

        // The v3-only switch: a Report is not a v1/v2c answer; the site's authPriv SHA/AES account reads it.
        const v3 = device(site, 'v3');
        expect(result.facts.some((f) => f.host === v3.address && f.type === 'snmp.community')).toBe(false);
        expect(result.facts.find((f) => f.host === v3.address && f.type === 'snmp.v3-engine')).toBeDefined();
        const user = result.facts.find((f) => f.host === v3.address && f.type === 'snmp.v3-user' && f.data.level === 'authPriv');
        expect(user?.data).toMatchObject({ user: 'vigie-ops', result: 'accepted', authProtocol: 'sha', privProtocol: 'aes' });
        expect(result.facts.find((f) => f.host === v3.address && f.type === 'snmp.system')?.data.via).toBe('SNMPv3 user "vigie-ops" (authPriv)');
        // A user without a view answers with an error status: refused, not weak (Debian snmpd: authorizationError).
        expect(result.facts.find((f) => f.host === v3.address && f.type === 'snmp.v3-user' && f.data.user === 'initial')?.data).toMatchObject({ result: 'refused', detail: 'noAccess' });
        const v3Ifs = result.facts.find((f) => f.host === v3.address && f.type === 'snmp.interfaces');
        expect((v3Ifs?.data.rows as unknown[]).length).toBe(10);

        const sw = device(site, 'sw');
        const host = result.hosts.find((h) => h.address === sw.address)!;
        expect([host.class, host.vendor, host.model, host.firmware]).toEqual(['switch', 'Cisco', 'C2960', '12.2(55)SE7']);
        const ifs = result.facts.find((f) => f.host === sw.address && f.type === 'snmp.interfaces')!;
        expect((ifs.data.rows as unknown[]).length).toBe(27);
        expect(findingsOf(result, 'switch.unused-ports-up', sw.address)[0]!.detail).toMatch(/^14 Ethernet ports up without a description/);
        expect(findingsOf(result, 'switch.snmp-exposure', sw.address)[0]!.detail).toContain('ARP cache');
        expect(result.hosts.find((h) => h.address === cam.address)?.vendor).toBe('Hikvision');
        expect(result.hosts.find((h) => h.address === v3.address)?.vendor).toBe('Juniper');

        // The v3 secrets never leave the scanner.
        const text = JSON.stringify(result);
        for (const s of [LAB_SECRETS.snmpV3Auth.password, LAB_SECRETS.snmpV3Priv.password]) expect(text).not.toContain(s);
        // Nothing was written on any agent except the wrong-typed probes.
        expect(snmpAgentStats(cam.address, cam.port)?.setRequests).toBe(2);
      },
    );
  });

  it('restores sysContact.0 when a faulty agent accepts the mistyped value, warns, and probes that device no further', async () => {
    await withSite([{ name: 'faulty', personality: 'snmp-faulty-set' }], async (site) => {
      const d = device(site, 'faulty');
      const result = await scanSite(site, { params: FAST });
      expect(await readContact(d.address, d.port, 'private')).toBe(42);
      const probes = result.facts.filter((f) => f.type === 'snmp.write-probe');
      expect(probes.map((f) => f.data)).toEqual([expect.objectContaining({ community: 'private', verdict: 'changed', before: '42', after: '0', restored: true })]);
      expect(snmpAgentStats(d.address, d.port)?.setRequests).toBe(2); // the probe and the restore; "write" was never probed
      expect(result.errors.some((e) => e.code === 'ECHANGED' && /CHANGED/.test(e.message) && /restored/.test(e.message))).toBe(true);
      expect(findingsOf(result, 'snmp.community-writable')[0]!.detail).toMatch(/ACCEPTED a mistyped value.*restored by vigie/);
      expect(snmpFindings(result, d.address)).toEqual([...d.personality.expected].sort());
    });
  });

  it('sends no SET in passive mode and says the write access was not evaluated', async () => {
    await withSite([{ name: 'cam', personality: 'snmp-camera' }], async (site) => {
      const d = device(site, 'cam');
      const result = await scanSite(site, { mode: 'passive', params: FAST });
      expect(snmpAgentStats(d.address, d.port)?.setRequests).toBe(0);
      expect(findingsOf(result, 'snmp.community-readable').map((f) => f.key)).toEqual(['public']);
      expect(result.notEvaluated.find((n) => n.check === 'snmp.community-writable')?.reason).toMatch(/passive mode/);
    });
  });

  it('treats site communities as secrets: v1v2c-enabled fires, community-readable does not, the value never appears', async () => {
    await withSite([{ name: 'gate', personality: 'snmp-site-community' }], async (site) => {
      const d = device(site, 'gate');
      const without = await scanSite(site, { params: FAST });
      expect(snmpFindings(without, d.address)).toEqual([]);
      const secret = LAB_SECRETS.snmpSiteCommunity.password;
      const withSiteCommunity = await scanSite(site, { params: { ...FAST, snmpCommunities: [secret] } });
      expect(snmpFindings(withSiteCommunity, d.address)).toEqual(['snmp.v1v2c-enabled']);
      expect(findingsOf(withSiteCommunity, 'snmp.v1v2c-enabled')[0]!.detail).toContain('1 site-supplied (not shown)');
      expect(JSON.stringify(withSiteCommunity)).not.toContain(secret);
      expect(withSiteCommunity.facts.find((f) => f.type === 'snmp.system')?.data.via).toBe('site community #1 (v2c)');
    });
  });

  it('finds hosts that answer only SNMP (no TCP port open), over v2c and over v3', async () => {
    await withSite(
      [
        { name: 'sw', personality: 'snmp-switch' },
        { name: 'v3', personality: 'snmp-v3-only' },
        { name: 'nvr', personality: 'legacy-nvr' },
      ],
      async (site) => {
        const profile = loadProfile('anssi-base');
        const empty = `127.42.${site.block}.200`;
        const targets = [...site.devices.map((d) => ({ address: d.address })), { address: empty }];
        const result = await runScan({
          targets,
          specs: targets.map((t) => t.address),
          scope: Scope.parse([`127.42.${site.block}.0/24`]),
          profile,
          ports: [device(site, 'nvr').ports.http!],
          udpPorts: { snmp: site.udpPorts.snmp!, sip: [], ssdp: [], wsdiscovery: [] },
          params: FAST,
        });
        expect(result.hosts.map((h) => h.address).sort()).toEqual(site.devices.map((d) => d.address).sort());
        for (const name of ['sw', 'v3']) expect(result.hosts.find((h) => h.address === device(site, name).address)?.services).toEqual([{ port: site.udpPorts.snmp![0], proto: 'udp', kind: 'snmp', tls: false }]);
        // The TCP-only recorder: udp/161 is closed (ICMP port-unreachable), so no SNMP fact at all.
        expect(result.facts.filter((f) => f.host === device(site, 'nvr').address && f.scanner === 'snmp')).toEqual([]);
        expect(result.facts.find((f) => f.host === device(site, 'v3').address && f.type === 'snmp.discovery')?.data).toEqual({ v3: true, v2cPublic: false });
      },
    );
  });

  it('tests an SNMPv3 login for the credential engine without leaking the key', async () => {
    await withSite([{ name: 'v3', personality: 'snmp-v3-only' }, { name: 'weak', personality: 'snmp-v3-weak' }], async (site) => {
      const d = device(site, 'weak');
      const net = new Net({ scope: Scope.parse([`127.42.${site.block}.0/24`]) });
      const ctx: ScanContext = { net, mode: 'credentials', signal: new AbortController().signal, params: FAST, warn: () => undefined };
      const service = { port: d.port, proto: 'udp' as const, kind: 'snmp', tls: false };
      const attempt = (user: string, password: string) => snmpV3LoginProtocol.attempt(ctx, d.address, service, { user, password });
      try {
        // An HMAC-MD5 user: the SHA tries get no answer, then MD5 authenticates.
        const good = await attempt(LAB_SECRETS.snmpV3Md5.user, LAB_SECRETS.snmpV3Md5.password);
        expect(good.result).toBe('accepted');
        expect(good.evidence?.sent).toContain('HMAC-MD5-96');
        expect(JSON.stringify(good)).not.toContain(LAB_SECRETS.snmpV3Md5.password);
        // net-snmp's node agent drops a wrong digest without a Report: silence proves nothing.
        expect((await attempt(LAB_SECRETS.snmpV3Md5.user, 'wrong-key-0000')).result).toBe('unknown');
        expect((await attempt('nobody-here', 'some-key-0000')).result).toBe('rejected');
        expect((await attempt(LAB_SECRETS.snmpV3Md5.user, 'short')).result).toBe('rejected');
        // An authPriv-only user on net-snmp's node agent: the level mismatch looks like wrongDigests and the
        // privacy key differs, so even the right authentication key proves nothing.
        const v3 = device(site, 'v3');
        const authPrivOnly = await snmpV3LoginProtocol.attempt(ctx, v3.address, { ...service, port: v3.port }, { user: LAB_SECRETS.snmpV3Auth.user, password: LAB_SECRETS.snmpV3Auth.password });
        expect(authPrivOnly.result).toBe('unknown');
      } finally {
        await net.close();
      }
    });
  });

  it('survives hostile responders: garbage, deceptive answers, silence', async () => {
    await withSite(
      [
        { name: 'garbage', personality: 'snmp-garbage' },
        { name: 'deceptive', personality: 'snmp-deceptive' },
        { name: 'silent', personality: 'snmp-silent' },
      ],
      async (site) => {
        const result = await scanSite(site, { params: FAST });
        for (const d of site.devices) expect(snmpFindings(result, d.address), d.name).toEqual([]);
        expect(result.facts.filter((f) => f.type === 'snmp.community' || f.type === 'snmp.v3-engine')).toEqual([]);
        const garbage = device(site, 'garbage');
        expect(result.errors.some((e) => e.host === garbage.address && e.scanner === 'snmp' && e.code === 'EBER')).toBe(true);
        const deceptive = result.facts.find((f) => f.host === device(site, 'deceptive').address && f.type === 'snmp.probe');
        expect(deceptive?.data).toMatchObject({ accepted: 0, anyCommunity: false, v3: false });
        expect(result.facts.find((f) => f.host === device(site, 'silent').address && f.type === 'snmp.probe')?.data).toMatchObject({ accepted: 0, v3: false, versionsTried: ['v2c'] });
      },
    );
  });
});

describe('SNMP and switch checks (fire / must not fire)', () => {
  const fact = (type: string, data: Record<string, unknown>, port = 161): Fact => ({ type, host: '192.0.2.9', port, proto: 'udp', scanner: 'snmp', data });
  const view = (facts: Fact[], cls: HostView['class'] = 'switch'): HostView => ({ address: '192.0.2.9', class: cls, services: [{ port: 161, proto: 'udp', kind: 'snmp', tls: false }], facts });
  const probe = (over: Record<string, unknown> = {}) => fact('snmp.probe', { defaultsTried: ['public'], siteCommunitiesTried: 0, versionsTried: ['v2c'], accepted: 0, anyCommunity: false, v3: false, malformed: 0, writeProbe: 'done', ...over });
  const community = (name: string, dflt = true, any = false) => fact('snmp.community', { community: name, default: dflt, versions: ['v2c'], anyCommunity: any });
  const kinds = (outcomes: { kind: string }[]) => outcomes.map((o) => o.kind);

  it.each([
    ['a default community', [probe(), community('public')], ['finding']],
    ['only a site community', [probe(), community('site community #1', false)], []],
    ['a v3-only agent (engine Report only)', [probe({ v3: true }), fact('snmp.v3-engine', { engineId: '80', engineBoots: 1, engineTime: 1 })], []],
    ['an agent that accepts any community (one finding)', [probe({ anyCommunity: true }), community('public', true, true), community('private', true, true)], ['finding']],
    ['an SNMP service that was never audited', [], ['not-evaluated']],
  ])('snmp.community-readable: %s', (_n, facts, expected) => {
    expect(kinds(snmpCommunityReadable.evaluate(view(facts as Fact[]), {}))).toEqual(expected);
  });

  const write = (verdict: string, answer: string, extra: Record<string, unknown> = {}) => fact('snmp.write-probe', { community: 'private', default: true, version: 'v2c', verdict, answer, ...extra });
  it.each([
    ['wrongType', [write('writable', 'wrongType')], ['finding']],
    ['read-only (noAccess)', [write('read-only', 'noAccess')], []],
    ['an inconclusive answer', [write('inconclusive', 'genErr')], ['not-evaluated']],
    ['a changed value not restored', [write('changed', 'noError', { before: 'a', after: '0', restored: false })], ['finding']],
    ['a readable community in passive mode', [probe({ writeProbe: 'passive-mode' }), community('public')], ['not-evaluated']],
    ['no readable community', [probe()], []],
  ])('snmp.community-writable: %s', (_n, facts, expected) => {
    const out = snmpCommunityWritable.evaluate(view(facts as Fact[]), {});
    expect(kinds(out)).toEqual(expected);
    if (_n === 'a changed value not restored') expect((out[0] as { detail: string }).detail).toMatch(/NOT restored/);
  });

  const user = (data: Record<string, unknown>) => fact('snmp.v3-user', { user: 'u', origin: 'site', level: 'authPriv', result: 'accepted', ...data });
  it.each([
    ['noAuthNoPriv accepted', [user({ level: 'noAuthNoPriv' })], ['finding']],
    ['MD5 authentication accepted', [user({ authProtocol: 'md5', privProtocol: 'aes' })], ['finding']],
    ['DES privacy accepted', [user({ level: 'authNoPriv', authProtocol: 'sha', privProtocol: 'des' })], ['finding']],
    ['SHA/AES authPriv', [user({ authProtocol: 'sha', privProtocol: 'aes' })], []],
    ['noAuthNoPriv refused (unknown user)', [user({ level: 'noAuthNoPriv', result: 'unknown-user' })], []],
    ['noAuthNoPriv answered with an error status (no view)', [user({ level: 'noAuthNoPriv', result: 'refused' })], []],
    ['DES declared, authenticated answer with an error status', [user({ level: 'authNoPriv', authProtocol: 'sha', privProtocol: 'des', result: 'refused' })], ['finding']],
  ])('snmp.v3-weak: %s', (_n, facts, expected) => {
    expect(kinds(snmpV3Weak.evaluate(view(facts as Fact[]), {}))).toEqual(expected);
  });

  it.each([
    ['a site community', [probe(), community('site community #1', false)], ['finding']],
    ['a default community', [probe(), community('public')], ['finding']],
    ['v3 only', [probe({ v3: true })], []],
  ])('snmp.v1v2c-enabled: %s', (_n, facts, expected) => {
    const out = snmpV1v2cEnabled.evaluate(view(facts as Fact[]), {});
    expect(kinds(out)).toEqual(expected);
    for (const o of out) expect(JSON.stringify(o)).not.toMatch(/Site-Comm/);
  });

  const exposure = (readable: boolean, dflt = true) => fact('snmp.mib-exposure', { community: dflt ? 'public' : 'site community #1', default: dflt, subtrees: [{ name: 'ipNetToMediaTable (ARP cache)', oid: '1.3.6.1.2.1.4.22', readable }] });
  it.each([
    ['ARP cache readable with public', [probe(), community('public'), exposure(true)], ['finding']],
    ['nothing sensitive readable', [probe(), community('public'), exposure(false)], []],
    ['readable only with a site community', [probe(), community('site community #1', false), exposure(true, false)], []],
    ['a default community whose view was not probed', [probe(), community('public')], ['not-evaluated']],
  ])('switch.snmp-exposure: %s', (_n, facts, expected) => {
    expect(kinds(switchSnmpExposure.evaluate(view(facts as Fact[]), {}))).toEqual(expected);
  });

  const port = (i: number, oper: number, alias?: string) => ({ index: i, name: `Gi0/${i}`, type: 6, adminStatus: 1, operStatus: oper, ...(alias ? { alias } : {}) });
  const table = (rows: unknown[], truncated = false) => fact('snmp.interfaces', { via: 'x', rows, truncated });
  it.each([
    ['5 undocumented ports up', [table([1, 2, 3, 4, 5].map((i) => port(i, 1)))], ['finding']],
    ['3 undocumented ports up (below 4)', [table([1, 2, 3].map((i) => port(i, 1)))], []],
    ['every port up is described', [table([1, 2, 3, 4, 5].map((i) => port(i, 1, `CAM-${i}`)))], []],
    ['undocumented ports that are down', [table([1, 2, 3, 4, 5].map((i) => port(i, 2)))], []],
    ['a truncated walk below the threshold', [table([port(1, 1)], true)], ['not-evaluated']],
    ['no interface table', [], ['not-evaluated']],
  ])('switch.unused-ports-up: %s', (_n, facts, expected) => {
    expect(kinds(switchUnusedPortsUp.evaluate(view(facts as Fact[]), { minPorts: 4 }))).toEqual(expected);
  });
});
