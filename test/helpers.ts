/** Shared test plumbing: simulated sites, in-process scans, the CLI as a child process. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startSite, type DeviceSpec, type RunningSite } from '../src/lab/site.ts';
import { Scope, type Target } from '../src/core/scope.ts';
import { loadProfile } from '../src/core/profile.ts';
import { runScan, type ScanOptions } from '../src/engine/engine.ts';
import type { Result } from '../src/core/model.ts';
import { ROOT } from '../src/core/paths.ts';
import { PERSONALITIES } from '../src/lab/personalities.ts';

export { startSite };
export type { RunningSite };

export function siteTargets(site: RunningSite): Target[] {
  return site.devices.map((d) => ({ address: d.address, name: d.name, expectedClass: d.personality.class }));
}

/** Scan a running site in-process with the default profile and the site's ports. */
export async function scanSite(site: RunningSite, overrides: Partial<ScanOptions> = {}): Promise<Result> {
  const profile = loadProfile('anssi-base');
  const targets = siteTargets(site);
  return runScan({
    targets,
    specs: targets.map((t) => t.address),
    scope: Scope.parse(site.blocks.map((b) => `127.42.${b}.0/24`)),
    profile,
    ports: [...new Set([...profile.ports.tcp, ...site.ports])],
    // UDP services are named after the host scanner that speaks them (sip, ssdp, snmp …): add the ports the site bound.
    udpPorts: Object.fromEntries(Object.entries(site.udpPorts).map(([id, bound]) => [id, [...new Set([...(profile.ports.udp[id] ?? []), ...bound])]])),
    ...overrides,
    // The site's private CA plays the client's CA (`--ca`); pass `params: { caPem: '' }` to scan without it.
    params: { caPem: site.caPem, ...overrides.params },
  });
}

export async function withSite<T>(devices: DeviceSpec[], fn: (site: RunningSite) => Promise<T>): Promise<T> {
  const site = await startSite(devices);
  try {
    return await fn(site);
  } finally {
    await site.stop();
  }
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export const VIGIE = join(ROOT, 'bin', 'vigie.js');

/** Run the real `vigie` executable. `onStderr` sees stderr as it arrives. */
export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; onSpawn?: (p: ReturnType<typeof spawn>) => void; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VIGIE, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, LANG: 'C', VIGIE_LANG: '', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`vigie ${args.join(' ')} did not finish in time\n${stderr}`));
    }, opts.timeoutMs ?? 45_000);
    opts.onSpawn?.(child);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function findingsOf(result: Result, check: string, host?: string) {
  return result.findings.filter((f) => f.check === check && (host === undefined || f.host === host));
}

/**
 * A personality's ground truth in a mode. `expected` lists what fires in mode
 * credentials (the demo's and the benchmark's); in safe or passive mode no
 * default credential is tried, so the credential checks drop out.
 */
export function groundTruth(personality: string, mode: 'passive' | 'safe' | 'credentials' = 'credentials'): string[] {
  const expected = PERSONALITIES[personality]?.expected;
  if (!expected) throw new Error(`unknown personality ${personality}`);
  const list = mode === 'credentials' ? expected : expected.filter((c) => !['cred.default-accepted', 'cred.reused', 'cred.no-auth', 'cred.lockout-observed'].includes(c));
  return [...list].sort();
}
