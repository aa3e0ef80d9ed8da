/** Shared test plumbing: simulated sites, in-process scans, the CLI as a child process. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startSite, type DeviceSpec, type RunningSite } from '../src/lab/site.ts';
import { Scope, type Target } from '../src/core/scope.ts';
import { loadProfile } from '../src/core/profile.ts';
import { runScan, type ScanOptions } from '../src/engine/engine.ts';
import type { Result } from '../src/core/model.ts';
import { ROOT } from '../src/core/paths.ts';

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
    scope: Scope.parse([`127.42.${site.block}.0/24`]),
    profile,
    ports: [...new Set([...profile.ports.tcp, ...site.ports])],
    ...overrides,
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
