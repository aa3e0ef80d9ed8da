/**
 * `npm run bench`: simulated sites of 12, 250 and 1000 devices, each audited
 * in mode credentials by a separate vigie process (`node bin/vigie.js scan`),
 * so that the peak memory of that process alone is measured; nmap -sS -sV on
 * the 12-device site side by side; WS-Discovery over 1000 responders.
 * Writes bench/results.json and bench/results.md and prints the table.
 *
 *   npm run bench                         all of it
 *   npm run bench -- --sizes 12,250       some sizes only
 *   npm run bench -- --no-nmap --no-wsd --no-endpoints
 *
 * Never part of `npm test`: a benchmark measures, a test asserts.
 * Runs as root so that the lab's UDP services keep their standard ports: the
 * scan CLI has no option for UDP ports (TCP ports that moved are passed with
 * --ports), so a site whose UDP ports moved is flagged in the results.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir, release } from 'node:os';
import { join } from 'node:path';
import { startSite, type DeviceSpec, type RunningSite } from '../src/lab/site.ts';
import { loadProfile } from '../src/core/profile.ts';
import type { Result } from '../src/core/model.ts';
import { ROOT } from '../src/core/paths.ts';
import { composition, expectedFindings, protocolsOf, WSD_ONLY } from './mix.ts';

const VIGIE = join(ROOT, 'bin', 'vigie.js');
const RSS_HOOK = join(ROOT, 'bench', 'peak-rss.mjs');
const MB = 1024 * 1024;

/** The issue's targets on the 2-core machine. */
const TARGETS: Record<number, number> = { 12: 10_000, 250: 45_000, 1000: 240_000 };
const RSS_TARGET_MB = 300;

interface Args {
  sizes: number[];
  nmap: boolean;
  wsd: boolean;
  endpoints: boolean;
  out: string;
  /** Keep the work directory (results, reports, progress) for a look afterwards. */
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { sizes: [12, 250, 1000], nmap: true, wsd: true, endpoints: true, out: join(ROOT, 'bench'), keep: false };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i]!;
    if (v === '--sizes') a.sizes = argv[++i]!.split(',').map(Number).filter((n) => n > 0);
    else if (v === '--no-nmap') a.nmap = false;
    else if (v === '--no-wsd') a.wsd = false;
    else if (v === '--no-endpoints') a.endpoints = false;
    else if (v === '--out') a.out = argv[++i]!;
    else if (v === '--keep') a.keep = true;
    else throw new Error(`unknown argument ${v}`);
  }
  return a;
}

const log = (line: string) => process.stdout.write(`${line}\n`);

// ——— one vigie process, measured ———

interface VigieRun {
  exitCode: number | null;
  wallMs: number;
  /** Spawn to the progress "start" event: Node, tsx, loading the profile and dictionaries. */
  startupMs: number;
  /** Progress "end" event to exit: rendering and writing the outputs. */
  reportMs: number;
  peakRssMb: number;
  /** The highest VmHWM read from /proc while it ran (cross-check of the exit hook). */
  polledHwmMb: number;
  /** VmHWM when the scan ended (progress "end"): the peak before the outputs and the history store are written. */
  scanPeakRssMb: number;
  cpuMs: number;
  result: Result;
  stderrTail: string;
}

function readStatusKb(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // already gone
  }
}

async function runVigie(args: string[], dir: string): Promise<VigieRun> {
  const rssFile = join(dir, 'rss.json');
  const t0 = performance.now();
  // VIGIE_BENCH_NODE_ARGS: extra node options for the vigie process when investigating (e.g. --heapsnapshot-signal=SIGUSR2).
  const extra = (process.env.VIGIE_BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...extra, '--import', RSS_HOOK, VIGIE, ...args], {
    cwd: dir,
    env: { ...process.env, LANG: 'C', VIGIE_LANG: 'en', VIGIE_BENCH_RSS_FILE: rssFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let startAt = 0;
  let endAt = 0;
  let hwmKb = 0;
  let scanHwmKb = 0;
  let pending = '';
  const tail: string[] = [];
  child.stdout.on('data', () => undefined);
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.startsWith('{')) {
        try {
          const e = JSON.parse(line) as { type: string };
          if (e.type === 'start') startAt = performance.now();
          else if (e.type === 'end') {
            endAt = performance.now();
            scanHwmKb = readStatusKb(child.pid!, 'VmHWM');
          }
          else if (e.type === 'error') tail.push(line);
        } catch {
          tail.push(line);
        }
      } else if (line.trim()) tail.push(line);
      if (tail.length > 40) tail.shift();
    }
  });
  const poll = setInterval(() => {
    hwmKb = Math.max(hwmKb, readStatusKb(child.pid!, 'VmHWM'));
  }, 200);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  clearInterval(poll);
  const wallMs = performance.now() - t0;
  const rss = existsSync(rssFile) ? (JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRssKb: number; userCpuMs: number; systemCpuMs: number }) : { maxRssKb: 0, userCpuMs: 0, systemCpuMs: 0 };
  const resultFile = join(dir, 'out', 'result.json');
  if (!existsSync(resultFile)) throw new Error(`vigie exited with ${exitCode} and wrote no result:\n${tail.join('\n')}`);
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as Result;
  return {
    exitCode,
    wallMs: Math.round(wallMs),
    startupMs: Math.round((startAt || t0) - t0),
    reportMs: endAt ? Math.round(t0 + wallMs - endAt) : 0,
    peakRssMb: +(Math.max(rss.maxRssKb, hwmKb) / 1024).toFixed(1),
    polledHwmMb: +(hwmKb / 1024).toFixed(1),
    scanPeakRssMb: +(scanHwmKb / 1024).toFixed(1),
    cpuMs: rss.userCpuMs + rss.systemCpuMs,
    result,
    stderrTail: tail.join('\n'),
  };
}

/**
 * The history store: saving the result is what a scan does by default, so it
 * is part of what is measured, in a workspace of the run's own (never the
 * user's ~/.local/share/vigie). VIGIE_BENCH_STORE=off measures without it.
 */
function storeArgs(dir: string): string[] {
  return process.env.VIGIE_BENCH_STORE === 'off' ? ['--no-store'] : ['--store', join(dir, 'store')];
}

/** Targets and scope of a site, as a technician would type them: one range and one /24 per block. */
function siteArgs(site: RunningSite): { targets: string[]; scope: string[] } {
  const targets: string[] = [];
  for (const block of site.blocks) {
    const last = site.devices.filter((d) => d.address.startsWith(`127.42.${block}.`)).map((d) => Number(d.address.split('.')[3]));
    targets.push(`127.42.${block}.${Math.min(...last)}-${Math.max(...last)}`);
  }
  return { targets, scope: site.blocks.map((b) => `127.42.${b}.0/24`) };
}

function sitePorts(site: RunningSite): number[] {
  return [...new Set([...loadProfile('anssi-base').ports.tcp, ...site.ports])].sort((a, b) => a - b);
}

/** UDP services the lab had to move: the scan CLI cannot be told, so their findings would be missed. */
function movedUdp(site: RunningSite): string[] {
  return site.notes.filter((n) => /udp port/.test(n));
}

// ——— ground truth ———

interface Comparison {
  expected: number;
  found: number;
  matched: number;
  missing: string[];
  extra: string[];
}

function compare(site: RunningSite, specs: readonly DeviceSpec[], result: Result): Comparison {
  const truth = expectedFindings(specs);
  const got = new Map<string, Set<string>>();
  for (const f of result.findings) {
    if (f.check === 'inventory.device' || f.status !== 'open') continue;
    const set = got.get(f.host) ?? new Set<string>();
    set.add(f.check);
    got.set(f.host, set);
  }
  const c: Comparison = { expected: 0, found: 0, matched: 0, missing: [], extra: [] };
  const addresses = new Set(site.devices.map((d) => d.address));
  site.devices.forEach((d, i) => {
    const want = truth[i]!;
    const have = [...(got.get(d.address) ?? [])].sort();
    c.expected += want.length;
    c.found += have.length;
    for (const check of want) {
      if (have.includes(check)) c.matched++;
      else c.missing.push(`${d.address} ${d.personality.id}: ${check}`);
    }
    for (const check of have) if (!want.includes(check)) c.extra.push(`${d.address} ${d.personality.id}: ${check}`);
  });
  for (const [host, checks] of got) {
    if (addresses.has(host)) continue;
    c.found += checks.size;
    for (const check of checks) c.extra.push(`${host} (not a device of the site): ${check}`);
  }
  return c;
}

// ——— the runs ———

interface SizeRun {
  size: number;
  devices: number;
  protocols: string[];
  labStartMs: number;
  ports: number;
  wallMs: number;
  targetMs: number;
  startupMs: number;
  timings: Record<string, number>;
  reportMs: number;
  peakRssMb: number;
  polledHwmMb: number;
  scanPeakRssMb: number;
  cpuMs: number;
  msPerDevice: number;
  rssKbPerDevice: number;
  connections: number;
  errors: number;
  /** Error lines by scanner and code (a benchmark site behaves: each one deserves a look). */
  errorsByKind: Record<string, number>;
  notEvaluated: number;
  findings: Comparison;
  movedUdp: string[];
  notes: string[];
  pass: { time: boolean; rss: boolean; truth: boolean };
}

async function benchSize(size: number, work: string): Promise<{ run: SizeRun; site: RunningSite; result: Result }> {
  const specs = composition(size);
  const t0 = performance.now();
  const site = await startSite(specs);
  const labStartMs = Math.round(performance.now() - t0);
  const dir = mkdtempSync(join(work, `size-${size}-`));
  writeFileSync(join(dir, 'ca.pem'), site.caPem);
  const { targets, scope } = siteArgs(site);
  const ports = sitePorts(site);
  log(`\n[${size} devices] site up in ${(labStartMs / 1000).toFixed(1)} s on ${scope.join(' ')}; ${ports.length} TCP ports; scanning…`);
  let v: VigieRun;
  try {
    v = await runVigie(['scan', ...targets, '--scope', scope.join(','), '--ports', ports.join(','), '--ca', join(dir, 'ca.pem'), '--mode', 'credentials', '--progress', 'json', '--out', join(dir, 'out'), ...storeArgs(dir)], dir);
  } catch (err) {
    await site.stop();
    throw err;
  }
  const findings = compare(site, specs, v.result);
  const run: SizeRun = {
    size,
    devices: site.devices.length,
    protocols: protocolsOf(specs),
    labStartMs,
    ports: ports.length,
    wallMs: v.wallMs,
    targetMs: TARGETS[size] ?? 0,
    startupMs: v.startupMs,
    timings: v.result.scan.timings,
    reportMs: v.reportMs,
    peakRssMb: v.peakRssMb,
    polledHwmMb: v.polledHwmMb,
    scanPeakRssMb: v.scanPeakRssMb,
    cpuMs: v.cpuMs,
    msPerDevice: Math.round(v.wallMs / site.devices.length),
    rssKbPerDevice: Math.round((v.peakRssMb * 1024) / site.devices.length),
    connections: v.result.scan.stats.connections,
    errors: v.result.errors.length,
    errorsByKind: v.result.errors.reduce<Record<string, number>>((m, e) => ((m[`${e.scanner} ${e.code ?? '?'}`] = (m[`${e.scanner} ${e.code ?? '?'}`] ?? 0) + 1), m), {}),
    notEvaluated: v.result.notEvaluated.length,
    findings,
    movedUdp: movedUdp(site),
    notes: site.notes,
    pass: { time: !TARGETS[size] || v.wallMs <= TARGETS[size]!, rss: v.peakRssMb <= RSS_TARGET_MB, truth: findings.missing.length === 0 && findings.extra.length === 0 },
  };
  log(`[${size} devices] ${(v.wallMs / 1000).toFixed(1)} s (exit ${v.exitCode}), peak RSS ${v.peakRssMb} MB, ${run.connections} connections, phases ${JSON.stringify(run.timings)}`);
  log(`[${size} devices] findings: ${findings.matched}/${findings.expected} expected found, ${findings.extra.length} extra, ${run.errors} error lines ${JSON.stringify(run.errorsByKind)}`);
  for (const m of findings.missing) log(`  MISSING ${m}`);
  for (const x of findings.extra) log(`  EXTRA   ${x}`);
  if (run.movedUdp.length) log(`  UDP ports moved (run as root): ${run.movedUdp.join('; ')}`);
  if (v.exitCode !== 0 && v.exitCode !== 1) log(v.stderrTail);
  return { run, site, result: v.result };
}

interface NmapRun {
  version: string;
  command: string;
  wallMs: number;
  openPorts: number;
  vigieServices: number;
  vigieWallMs: number;
  ratio: number;
  installed: boolean;
}

/** nmap from the Debian package; installed with apt-get when missing (root only). */
function ensureNmap(): { ok: boolean; installed: boolean; why?: string } {
  if (spawnSync('nmap', ['--version']).status === 0) return { ok: true, installed: false };
  if (process.getuid?.() !== 0) return { ok: false, installed: false, why: 'nmap is missing and installing it needs root (apt-get install nmap)' };
  log('nmap missing: apt-get install -y nmap');
  spawnSync('apt-get', ['update'], { stdio: 'ignore', timeout: 300_000 });
  const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'nmap'], { stdio: 'ignore', timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0 ? { ok: true, installed: true } : { ok: false, installed: false, why: `apt-get install nmap failed (${r.status})` };
}

async function benchNmap(site: RunningSite, vigie: SizeRun, result: Result): Promise<NmapRun | { skipped: string }> {
  const ok = ensureNmap();
  if (!ok.ok) return { skipped: ok.why! };
  const version = /Nmap version (\S+)/.exec(spawnSync('nmap', ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? '?';
  const ports = sitePorts(site);
  const { targets } = siteArgs(site);
  // -n: no DNS, -Pn: no ping (vigie does neither); -oG -: one greppable line per host.
  const args = ['-sS', '-sV', '-n', '-Pn', '-p', ports.join(','), '-oG', '-', ...targets];
  const t0 = performance.now();
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('nmap', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (text += d));
    child.on('error', reject);
    child.on('close', () => resolve(text));
  });
  const wallMs = Math.round(performance.now() - t0);
  const openPorts = (out.match(/\d+\/open\/tcp/g) ?? []).length;
  const vigieServices = result.hosts.reduce((n, h) => n + h.services.filter((s) => s.proto === 'tcp').length, 0);
  const run: NmapRun = { version, command: `nmap ${args.slice(0, -targets.length).join(' ')} ${targets.join(' ')}`, wallMs, openPorts, vigieServices, vigieWallMs: vigie.wallMs, ratio: +(vigie.wallMs / wallMs).toFixed(2), installed: ok.installed };
  log(`[nmap ${version}] -sS -sV on the ${site.devices.length}-device site: ${(wallMs / 1000).toFixed(1)} s, ${openPorts} open TCP ports (vigie: ${vigieServices} TCP services); vigie/nmap = ${run.ratio}`);
  return run;
}

interface WsdRun {
  responders: number;
  found: number;
  wallMs: number;
  discoverMs: number;
  peakRssMb: number;
  missing: string[];
}

async function benchWsd(work: string): Promise<WsdRun> {
  const specs: DeviceSpec[] = Array.from({ length: 1000 }, (_, i) => ({ name: `wsd-${i + 1}`, personality: WSD_ONLY }));
  const site = await startSite(specs);
  try {
    const dir = mkdtempSync(join(work, 'wsd-'));
    const { targets, scope } = siteArgs(site);
    log(`\n[WS-Discovery] ${site.devices.length} responders on ${scope.join(' ')}; scanning (passive)…`);
    if (movedUdp(site).length) log(`  UDP ports moved (run as root): ${movedUdp(site).length} responders not on 3702`);
    // Passive: WS-Discovery is the discovery; one TCP port keeps the TCP sweep minimal (nothing listens on it).
    const v = await runVigie(['scan', ...targets, '--scope', scope.join(','), '--ports', '80', '--mode', 'passive', '--progress', 'json', '--out', join(dir, 'out'), '--format', 'json', ...storeArgs(dir)], dir);
    const heard = new Set(v.result.facts.filter((f) => f.type === 'wsdiscovery.match').map((f) => f.host));
    const missing = site.devices.filter((d) => !heard.has(d.address)).map((d) => d.address);
    const run: WsdRun = { responders: site.devices.length, found: heard.size, wallMs: v.wallMs, discoverMs: v.result.scan.timings.discover ?? 0, peakRssMb: v.peakRssMb, missing: missing.slice(0, 20) };
    log(`[WS-Discovery] ${heard.size}/${site.devices.length} responders found in ${(v.wallMs / 1000).toFixed(1)} s (discover phase ${run.discoverMs} ms), peak RSS ${v.peakRssMb} MB`);
    if (missing.length) log(`  not heard: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ' …' : ''}`);
    return run;
  } finally {
    await site.stop();
  }
}

interface EndpointRun {
  protocol: 'ssh' | 'tls';
  device: string;
  vigieMs: number;
  vigieConnections: number;
  tool: string;
  toolMs: number | null;
}

/** One SSH and one TLS endpoint of the small site: vigie's collect phase alone, next to ssh-audit and sslscan. */
async function benchEndpoints(site: RunningSite, work: string): Promise<EndpointRun[]> {
  const out: EndpointRun[] = [];
  const pick = (personality: string) => site.devices.find((d) => d.personality.id === personality);
  const cases: { protocol: 'ssh' | 'tls'; personality: string; service: string; tool: string; toolArgs: (a: string, p: number) => string[] }[] = [
    { protocol: 'ssh', personality: 'legacy-ssh-factory-key', service: 'ssh', tool: 'ssh-audit', toolArgs: (a, p) => ['-n', '-p', String(p), a] },
    { protocol: 'tls', personality: 'legacy-tls-camera', service: 'https', tool: 'sslscan', toolArgs: (a, p) => ['--no-colour', `${a}:${p}`] },
  ];
  for (const c of cases) {
    const d = pick(c.personality);
    if (!d) continue;
    const port = d.ports[c.service]!;
    const dir = mkdtempSync(join(work, `endpoint-${c.protocol}-`));
    writeFileSync(join(dir, 'ca.pem'), site.caPem);
    const v = await runVigie(['scan', d.address, '--ports', String(port), '--ca', join(dir, 'ca.pem'), '--mode', 'safe', '--progress', 'json', '--out', join(dir, 'out'), '--format', 'json', ...storeArgs(dir)], dir);
    let toolMs: number | null = null;
    if (spawnSync('which', [c.tool]).status === 0) {
      const t0 = performance.now();
      spawnSync(c.tool, c.toolArgs(d.address, port), { stdio: 'ignore', timeout: 120_000 });
      toolMs = Math.round(performance.now() - t0);
    }
    out.push({ protocol: c.protocol, device: c.personality, vigieMs: v.result.scan.timings.collect ?? 0, vigieConnections: v.result.scan.stats.connections, tool: c.tool, toolMs });
    log(`[${c.protocol} endpoint] ${c.personality}: vigie collect ${v.result.scan.timings.collect} ms (${v.result.scan.stats.connections} connections), ${c.tool} ${toolMs ?? 'not installed'} ms`);
  }
  return out;
}

// ——— the table ———

const s1 = (ms: number) => (ms / 1000).toFixed(1);

function markdown(runs: SizeRun[], nmap: NmapRun | { skipped: string } | undefined, wsd: WsdRun | undefined, endpoints: EndpointRun[], machine: Record<string, unknown>): string {
  const phases = ['discover', 'collect', 'fingerprint', 'credentials', 'evaluate'];
  const lines = [
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, Linux ${machine.kernel}, load average ${(machine.loadavg as number[]).join(' ')} at start; ${machine.date}. Default politeness (2 connections per device, 64 in all), mode credentials, the simulated devices and vigie sharing the two cores.`,
    '',
    `| devices | wall (s) | target (s) | start-up | ${phases.join(' | ')} | report | peak RSS (MB) | of which scan | ms / device | KB / device | connections | expected found | extra | verdict |`,
    `|---:|---:|---:|---:|${phases.map(() => '---:').join('|')}|---:|---:|---:|---:|---:|---:|---:|---:|:---|`,
  ];
  for (const r of runs) {
    const ok = r.pass.time && r.pass.rss && r.pass.truth;
    const why = [!r.pass.time && 'time', !r.pass.rss && 'memory', !r.pass.truth && 'findings'].filter(Boolean).join(', ');
    lines.push(
      `| ${r.devices} | ${s1(r.wallMs)} | ${r.targetMs ? s1(r.targetMs) : '—'} | ${s1(r.startupMs)} | ${phases.map((p) => s1(r.timings[p] ?? 0)).join(' | ')} | ${s1(r.reportMs)} | ${r.peakRssMb} | ${r.scanPeakRssMb} | ${r.msPerDevice} | ${r.rssKbPerDevice} | ${r.connections} | ${r.findings.matched}/${r.findings.expected} | ${r.findings.extra.length} | ${ok ? 'met' : `missed: ${why}`} |`,
    );
  }
  lines.push(
    '',
    'Phase times in seconds, from `result.scan.timings`; start-up is process start to the first progress event (Node, tsx, profile, opening the history store), report is the last progress event to exit (result.json, report.md, saving in a fresh history store). Peak RSS is the vigie process alone (getrusage at exit, cross-checked with /proc VmHWM); "of which scan" is VmHWM when the scan ended, before the outputs and the store.',
  );
  if (nmap && 'skipped' in nmap) lines.push('', `nmap: skipped (${nmap.skipped}).`);
  else if (nmap) {
    lines.push(
      '',
      `| tool, ${runs.find((r) => r.size === 12)?.devices ?? 12}-device site | wall (s) | open TCP ports / services |`,
      '|---|---:|---:|',
      `| vigie (full audit, mode credentials) | ${s1(nmap.vigieWallMs)} | ${nmap.vigieServices} |`,
      `| nmap ${nmap.version} \`-sS -sV -n -Pn\` (same ports) | ${s1(nmap.wallMs)} | ${nmap.openPorts} |`,
      `| **ratio vigie / nmap** | **${nmap.ratio}** | |`,
    );
  }
  if (wsd) lines.push('', `WS-Discovery: **${wsd.found} of ${wsd.responders}** responders found (one unicast Probe per type to each, one socket), discover phase ${s1(wsd.discoverMs)} s, whole run ${s1(wsd.wallMs)} s, peak RSS ${wsd.peakRssMb} MB.`);
  if (endpoints.length) {
    lines.push('', '| endpoint | vigie (collect phase) | connections | other tool |', '|---|---:|---:|---:|');
    for (const e of endpoints) lines.push(`| ${e.protocol.toUpperCase()} ${e.device} | ${s1(e.vigieMs)} s | ${e.vigieConnections} | ${e.tool}: ${e.toolMs === null ? 'not installed' : `${s1(e.toolMs)} s`} |`);
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const work = mkdtempSync(join(tmpdir(), 'vigie-bench-'));
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? '?',
    memoryGb: Math.round(totalmem() / 1024 / MB),
    node: process.versions.node,
    kernel: release(),
    /** Other work on the machine when the run started (1, 5, 15 min). */
    loadavg: loadavg().map((l) => +l.toFixed(2)),
    root: process.getuid?.() === 0,
    date: new Date().toISOString(),
  };
  if (!machine.root) log('note: not root: UDP services may move off their standard ports and the scan CLI cannot be told (their findings would be missing); nmap -sS needs root too');
  const runs: SizeRun[] = [];
  let nmap: NmapRun | { skipped: string } | undefined;
  let wsd: WsdRun | undefined;
  let endpoints: EndpointRun[] = [];
  try {
    for (const size of args.sizes) {
      const { run, site, result } = await benchSize(size, work);
      try {
        runs.push(run);
        if (size === 12) {
          if (args.nmap) nmap = await benchNmap(site, run, result);
          if (args.endpoints) endpoints = await benchEndpoints(site, work);
        }
      } finally {
        await site.stop();
      }
    }
    if (args.wsd) wsd = await benchWsd(work);
  } finally {
    if (args.keep) log(`work directory kept: ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  const md = markdown(runs, nmap, wsd, endpoints, machine);
  writeFileSync(join(args.out, 'results.json'), `${JSON.stringify({ machine, runs, nmap, wsd, endpoints, targets: { timeMs: TARGETS, rssMb: RSS_TARGET_MB } }, null, 2)}\n`);
  writeFileSync(join(args.out, 'results.md'), md);
  log(`\n${md}`);
  log(`→ ${join(args.out, 'results.json')}, ${join(args.out, 'results.md')}`);
}

await main();
