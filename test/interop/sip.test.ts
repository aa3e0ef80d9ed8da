/**
 * Interop: Debian's kamailio as the SIP side of an intercom, on
 * 127.43.14.2 udp/5060 and tcp/5060 only, with a minimal stateless
 * configuration: 200 OK to OPTIONS, 405 to anything else.
 *
 * vigie asks OPTIONS over UDP (its host scanner, from the profile's
 * `ports.udp.sip`) and over TCP (the discovery found the port) → sip.cleartext
 * on both transports, with kamailio's Server header in the finding.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePackages, startDaemon, stopAll, waitForPort } from './support.ts';
import { runScan } from '../../src/engine/engine.ts';
import { loadProfile } from '../../src/core/profile.ts';
import { Scope } from '../../src/core/scope.ts';
import type { Result } from '../../src/core/model.ts';
import type { SipOptionsData } from '../../src/core/facts.ts';

const run = promisify(execFile);
const KAMAILIO = '/usr/sbin/kamailio';
const MULTIARCH = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
const ADDRESS = '127.43.14.2';
const PORT = 5060;

let dir: string;
let result: Result;

function config(): string {
  return [
    '#!KAMAILIO',
    'debug=1',
    'log_stderror=yes',
    // One worker per transport is plenty, and keeps the shared memory small.
    'children=1',
    'tcp_children=1',
    // No DNS at all: loopback addresses only, no resolver traffic.
    'dns=no',
    'rev_dns=no',
    'auto_aliases=no',
    `listen=udp:${ADDRESS}:${PORT}`,
    `listen=tcp:${ADDRESS}:${PORT}`,
    `mpath="/usr/lib/${MULTIARCH}/kamailio/modules/"`,
    'loadmodule "sl.so"',
    'request_route {',
    '  if (method == "OPTIONS") {',
    '    sl_send_reply("200", "OK");',
    '    exit;',
    '  }',
    '  sl_send_reply("405", "Method Not Allowed");',
    '  exit;',
    '}',
    '',
  ].join('\n');
}

beforeAll(async () => {
  ensurePackages({ kamailio: KAMAILIO });
  dir = mkdtempSync(join(tmpdir(), 'vigie-kamailio-'));
  mkdirSync(join(dir, 'run'));
  const cfg = join(dir, 'kamailio.cfg');
  writeFileSync(cfg, config());
  await run(KAMAILIO, ['-c', '-f', cfg]); // configuration errors surface here, with kamailio's message
  // -DD: stay in the foreground (the pid started is the main process, which ends its children); -E: log to stderr.
  const daemon = startDaemon(KAMAILIO, ['-DD', '-E', '-f', cfg, '-Y', join(dir, 'run'), '-P', join(dir, 'kamailio.pid'), '-m', '16', '-M', '4']);
  let stderr = '';
  daemon.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2000)));
  await waitForPort(ADDRESS, PORT).catch((err: Error) => {
    throw new Error(`${err.message}; kamailio said: ${stderr.trim() || '(nothing)'}`);
  });
  result = await runScan({
    targets: [{ address: ADDRESS }],
    specs: [ADDRESS],
    scope: Scope.parse(['127.43.14.0/24']),
    profile: loadProfile('anssi-base'),
    ports: [PORT],
  });
});

afterAll(async () => {
  await stopAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const options = () => result.facts.filter((f) => f.host === ADDRESS && f.type === 'sip.options');

describe('kamailio answering OPTIONS on udp and tcp 5060', () => {
  it('both transports are found and answer 200 with kamailio’s Server header, without errors', () => {
    expect(result.errors).toEqual([]);
    const byTransport = Object.fromEntries(options().map((f) => [(f.data as unknown as SipOptionsData).transport, f]));
    expect(Object.keys(byTransport).sort()).toEqual(['tcp', 'udp']);
    for (const t of ['udp', 'tcp']) {
      expect(byTransport[t]!.data, t).toMatchObject({ answered: true, status: 200, reason: 'OK', server: expect.stringMatching(/^kamailio \(5\./) });
      expect(byTransport[t]!.port).toBe(PORT);
      expect(byTransport[t]!.proto).toBe(t);
    }
    const services = result.hosts.find((h) => h.address === ADDRESS)!.services.filter((s) => s.port === PORT).map((s) => `${s.proto}/${s.kind}`).sort();
    expect(services).toEqual(['tcp/sip', 'udp/sip']);
  });

  it('sip.cleartext fires once per transport, and nothing else', () => {
    const found = result.findings.filter((f) => f.host === ADDRESS && f.check !== 'inventory.device');
    expect(found.map((f) => `${f.check} ${f.proto}/${f.port}`).sort()).toEqual([`sip.cleartext tcp/${PORT}`, `sip.cleartext udp/${PORT}`]);
    for (const f of found) expect(f.detail).toMatch(/\(200 OK\), kamailio \(5\.[^)]*\)\); no SIP over TLS offered$/);
  });
});
