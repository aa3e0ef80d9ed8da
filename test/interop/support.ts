/**
 * Interop suite plumbing: make sure Debian packages are installed (as root,
 * with apt-get), start real daemons bound to 127.43.x.y only, and stop them by
 * the pid we started, whatever happens in the tests.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let aptUpdated = false;

/** Install the Debian packages whose marker binary is missing. Throws a clear error when it cannot. */
export function ensurePackages(pkgs: Record<string, string>): void {
  const missing = Object.entries(pkgs).filter(([, marker]) => !existsSync(marker)).map(([pkg]) => pkg);
  if (!missing.length) return;
  if (process.getuid?.() !== 0) throw new Error(`interop: missing Debian packages ${missing.join(', ')} and not root to install them (apt-get install ${missing.join(' ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    if (!aptUpdated) {
      execFileSync('apt-get', ['update', '-qq'], { env, stdio: 'pipe', timeout: 180_000 });
      aptUpdated = true;
    }
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env, stdio: 'pipe', timeout: 240_000 });
  } catch (err) {
    throw new Error(`interop: apt-get install ${missing.join(' ')} failed: ${String((err as { stderr?: Buffer }).stderr ?? err).slice(0, 500)}`);
  }
  const still = Object.entries(pkgs).filter(([, marker]) => !existsSync(marker));
  if (still.length) throw new Error(`interop: installed ${missing.join(', ')} but ${still.map(([, m]) => m).join(', ')} is still missing`);
}

/**
 * A package's files without installing it (`apt-get download` + `dpkg-deb -x`):
 * for packages that would replace a system one (busybox-static conflicts with
 * busybox). Returns the extraction directory.
 */
export function extractPackage(pkg: string, marker: string): string {
  const dir = join(tmpdir(), 'vigie-interop', pkg);
  if (existsSync(join(dir, marker))) return dir;
  mkdirSync(dir, { recursive: true });
  try {
    if (!aptUpdated && process.getuid?.() === 0) {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'pipe', timeout: 180_000 });
      aptUpdated = true;
    }
    execFileSync('apt-get', ['download', '-qq', pkg], { cwd: dir, stdio: 'pipe', timeout: 180_000 });
    const deb = readdirSync(dir).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error('no .deb downloaded');
    execFileSync('dpkg-deb', ['-x', join(dir, deb), dir], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`interop: cannot fetch Debian package ${pkg}: ${String((err as { stderr?: Buffer }).stderr ?? err).slice(0, 300)}`);
  }
  if (!existsSync(join(dir, marker))) throw new Error(`interop: ${pkg} extracted but ${marker} is missing`);
  return dir;
}

const started = new Set<ChildProcess>();

/** Start a daemon in the foreground; it is killed by `stopAll()` (call it in afterAll). */
export function startDaemon(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): ChildProcess {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env }, cwd: opts.cwd, detached: false });
  child.stdout?.resume();
  child.stderr?.resume();
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}

export async function stopAll(): Promise<void> {
  await Promise.all(
    [...started].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const t = setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, 3000);
          child.once('exit', () => {
            clearTimeout(t);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

process.once('exit', () => {
  for (const child of started) child.kill('SIGKILL');
});

/** Wait until a TCP port accepts connections (the daemon is up). */
export async function waitForPort(host: string, port: number, timeoutMs = 10_000): Promise<void> {
  const net = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
      s.setTimeout(500, () => {
        s.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`interop: nothing listens on ${host}:${port} after ${timeoutMs} ms`);
}
