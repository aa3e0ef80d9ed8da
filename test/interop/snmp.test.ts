/**
 * Interop: vigie's SNMP scanner against Debian's net-snmp `snmpd`, bound to
 * 127.43.0.40-41 only: a v2c agent with `public` read-only and `private`
 * read-write, and a v3-only agent with one authPriv SHA/AES user. The write
 * probe must tell the two communities apart without changing anything: the
 * test reads sysContact.0 with Debian's `snmpget` before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePackages, startDaemon, stopAll } from './support.ts';
import { Scope } from '../../src/core/scope.ts';
import { loadProfile } from '../../src/core/profile.ts';
import { runScan } from '../../src/engine/engine.ts';
import type { Result } from '../../src/core/model.ts';
import type { ScanContext } from '../../src/core/scanner.ts';
import { Net } from '../../src/core/net.ts';
import { snmpV3LoginProtocol } from '../../scanners/snmp.ts';

const V2C = '127.43.0.40';
const V3 = '127.43.0.41';
const USER = { user: 'vigie-interop', authProtocol: 'SHA', authKey: 'interop-auth-5c2e91', privProtocol: 'AES', privKey: 'interop-priv-0b7d44' };
const SYS_CONTACT = '1.3.6.1.2.1.1.4.0';

let result: Result;
let contactBefore: string;
let contactAfter: string;

function snmpget(host: string, oid: string, args: string[]): string | undefined {
  try {
    return execFileSync('/usr/bin/snmpget', [...args, '-t', '0.5', '-r', '0', '-Oqv', '-On', `udp:${host}:161`, oid], { encoding: 'utf8', env: { ...process.env, MIBS: '' }, timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

async function waitForAgent(host: string, args: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (snmpget(host, '1.3.6.1.2.1.1.1.0', args) !== undefined) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`interop: snmpd on ${host} does not answer`);
}

const v3Args = ['-v3', '-l', 'authPriv', '-u', USER.user, '-a', 'SHA', '-A', USER.authKey, '-x', 'AES', '-X', USER.privKey];

beforeAll(async () => {
  ensurePackages({ snmpd: '/usr/sbin/snmpd', snmp: '/usr/bin/snmpget' });
  const dir = mkdtempSync(join(tmpdir(), 'vigie-interop-snmp-'));
  // sysContact is NOT set in the file: snmpd makes file-configured system values read-only.
  writeFileSync(join(dir, 'v2c.conf'), [`agentaddress udp:${V2C}:161`, 'rocommunity public 127.0.0.0/8', 'rwcommunity private 127.0.0.0/8', 'sysName interop-v2c', ''].join('\n'));
  writeFileSync(
    join(dir, 'v3.conf'),
    [`agentaddress udp:${V3}:161`, `createUser ${USER.user} SHA "${USER.authKey}" AES "${USER.privKey}"`, `rouser ${USER.user} priv`, 'sysName interop-v3', ''].join('\n'),
  );
  for (const name of ['v2c', 'v3'] as const) {
    const persistent = mkdtempSync(join(dir, `${name}-state-`));
    // The listening address comes from `agentaddress` only (naming it again on the command line makes snmpd bind twice and exit).
    startDaemon('/usr/sbin/snmpd', ['-f', '-Lo', '-C', '-c', join(dir, `${name}.conf`), '-p', join(persistent, 'snmpd.pid')], {
      env: { SNMP_PERSISTENT_DIR: persistent, MIBS: '' },
    });
  }
  await Promise.all([waitForAgent(V2C, ['-v2c', '-c', 'public']), waitForAgent(V3, v3Args)]);
  contactBefore = snmpget(V2C, SYS_CONTACT, ['-v2c', '-c', 'public'])!;
  const targets = [V2C, V3].map((address) => ({ address }));
  result = await runScan({
    targets,
    specs: targets.map((t) => t.address),
    scope: Scope.parse(['127.43.0.40/31']),
    profile: loadProfile(),
    ports: [22],
    udpPorts: { snmp: [161], sip: [], ssdp: [], wsdiscovery: [] },
    params: { snmp: { rate: 50, timeoutMs: 800 }, snmpV3: [USER] },
  });
  contactAfter = snmpget(V2C, SYS_CONTACT, ['-v2c', '-c', 'public'])!;
}, 300_000);

afterAll(async () => {
  await stopAll();
});

const facts = (host: string, type: string) => result.facts.filter((f) => f.host === host && f.type === type);
const checks = (host: string) => [...new Set(result.findings.filter((f) => f.host === host && /^(snmp|switch)\./.test(f.check)).map((f) => f.check))].sort();

describe('snmpd v2c: public read-only, private read-write', () => {
  it('finds the agent with no TCP port open', () => {
    expect(result.hosts.find((h) => h.address === V2C)?.services).toEqual([{ port: 161, proto: 'udp', kind: 'snmp', tls: false }]);
  });

  it('tells the writable community from the read-only one, and nothing changed', () => {
    expect(contactBefore).toBeTruthy();
    expect(contactAfter).toBe(contactBefore);
    const verdicts = Object.fromEntries(facts(V2C, 'snmp.write-probe').map((f) => [f.data.community, f.data.verdict]));
    expect(verdicts).toEqual({ public: 'read-only', private: 'writable' });
    expect(result.findings.filter((f) => f.check === 'snmp.community-writable').map((f) => [f.host, f.key])).toEqual([[V2C, 'private']]);
  });

  it('reports the default communities, v1/v2c, and reads the system group', () => {
    expect(checks(V2C)).toEqual(['snmp.community-readable', 'snmp.community-writable', 'snmp.v1v2c-enabled']);
    expect(facts(V2C, 'snmp.community').map((f) => [f.data.community, f.data.versions])).toEqual([
      ['public', ['v2c', 'v1']],
      ['private', ['v2c', 'v1']],
    ]);
    const sys = facts(V2C, 'snmp.system')[0]!.data;
    expect(sys.sysName).toBe('interop-v2c');
    expect(sys.sysObjectID).toMatch(/^1\.3\.6\.1\.4\.1\.8072\./);
    expect((facts(V2C, 'snmp.interfaces')[0]!.data.rows as unknown[]).length).toBeGreaterThan(0);
  });
});

describe('snmpd v3-only: one authPriv SHA/AES user', () => {
  it('is an SNMPv3 engine and is never reported as v1/v2c', () => {
    expect(facts(V3, 'snmp.v3-engine')[0]?.data.enterprise).toBe(8072);
    expect(facts(V3, 'snmp.community')).toEqual([]);
    expect(checks(V3)).toEqual([]);
  });

  it('answers the credential engine: right key accepted, wrong key rejected (usmStatsWrongDigests)', async () => {
    const net = new Net({ scope: Scope.parse(['127.43.0.40/31']) });
    const ctx: ScanContext = { net, mode: 'credentials', signal: new AbortController().signal, params: { snmp: { rate: 50, timeoutMs: 800 } }, warn: () => undefined };
    const service = { port: 161, proto: 'udp' as const, kind: 'snmp', tls: false };
    try {
      expect((await snmpV3LoginProtocol.attempt(ctx, V3, service, { user: USER.user, password: USER.authKey })).result).toBe('accepted');
      const wrong = await snmpV3LoginProtocol.attempt(ctx, V3, service, { user: USER.user, password: 'not-the-key-42' });
      expect([wrong.result, wrong.reason]).toEqual(['rejected', 'wrong key (usmStatsWrongDigests)']);
      expect((await snmpV3LoginProtocol.attempt(ctx, V3, service, { user: 'nobody', password: 'not-the-key-42' })).result).toBe('rejected');
    } finally {
      await net.close();
    }
  });

  it('reads the agent with the site account over authPriv, and keeps its keys out of the result', () => {
    const user = facts(V3, 'snmp.v3-user').find((f) => f.data.level === 'authPriv');
    expect(user?.data).toMatchObject({ user: USER.user, result: 'accepted', authProtocol: 'sha', privProtocol: 'aes' });
    expect(facts(V3, 'snmp.system')[0]?.data).toMatchObject({ via: `SNMPv3 user "${USER.user}" (authPriv)`, sysName: 'interop-v3' });
    const text = JSON.stringify(result);
    expect(text).not.toContain(USER.authKey);
    expect(text).not.toContain(USER.privKey);
  });
});
