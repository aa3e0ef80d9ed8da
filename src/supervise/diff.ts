/**
 * Two scans of one site, compared: devices that appeared or disappeared,
 * findings that are new (regressions) or fixed, firmware changes, and — when
 * the earlier result carries a plan — which plan actions the later scan
 * shows done. Findings are matched by their key (check@host:port/proto#key,
 * src/plan/keys.ts); a finding whose device the later scan did not reach to
 * the end is "not verified", never "fixed".
 */
import type { Result, Severity } from '../core/model.ts';
import { severityRank } from '../core/model.ts';
import { findingKey } from '../plan/keys.ts';
import { comparePlans, type ActionProgressStatus } from '../plan/compare.ts';
import { countsForHistory, snapshotOf, walkHistory } from '../store/snapshot.ts';

export interface DiffDevice {
  address: string;
  name?: string;
  class: string;
  vendor?: string;
  model?: string;
  firmware?: string;
}

export interface DiffFinding {
  key: string;
  check: string;
  host: string;
  port?: number;
  proto?: string;
  severity: Severity;
  title: string;
  /** The device itself is new in the later scan. */
  newDevice?: boolean;
}

export interface ScanDiff {
  a: { id: string; started: string };
  b: { id: string; started: string; partial: boolean };
  newDevices: DiffDevice[];
  disappearedDevices: DiffDevice[];
  /** Open in B and not open in A: regressions (and the findings of new devices, flagged). */
  newFindings: DiffFinding[];
  /** Open in A, absent from B on a device B reached to the end. */
  fixedFindings: DiffFinding[];
  /** Open in A, waived in B: settled by the client, not fixed. */
  waivedFindings: DiffFinding[];
  /** Open in A, device missing or incomplete in B: cannot say. */
  notVerified: DiffFinding[];
  firmwareChanges: { address: string; name?: string; vendor?: string; model?: string; from: string; to: string }[];
  /** Absent when A has no plan (results written before the planner existed). */
  plan?: { actions: { id: string; title: string; phase: string; status: ActionProgressStatus }[]; done: number; partlyDone: number; notDone: number; notVerified: number };
  /** New findings on devices A already had. */
  regressions: number;
  /** New findings on devices A did not have. */
  newDeviceFindings: number;
}

function device(h: Result['hosts'][number]): DiffDevice {
  return {
    address: h.address,
    ...(h.name ? { name: h.name } : {}),
    class: h.class,
    ...(h.vendor ? { vendor: h.vendor } : {}),
    ...(h.model ? { model: h.model } : {}),
    ...(h.firmware ? { firmware: h.firmware } : {}),
  };
}

function bySeverityThenKey(a: DiffFinding, b: DiffFinding): number {
  return severityRank(a.severity) - severityRank(b.severity) || a.key.localeCompare(b.key);
}

function compareAddress(a: { address: string }, b: { address: string }): number {
  const pa = a.address.split('.').map(Number);
  const pb = b.address.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return a.address.localeCompare(b.address);
}

export function diffResults(a: Result, b: Result): ScanDiff {
  const countable = (r: Result) => r.findings.filter(countsForHistory);
  const openA = new Map(countable(a).filter((f) => f.status === 'open').map((f) => [findingKey(f), f]));
  const openB = new Map(countable(b).filter((f) => f.status === 'open').map((f) => [findingKey(f), f]));
  const waivedB = new Set(countable(b).filter((f) => f.status === 'waived').map(findingKey));
  const hostsA = new Set(a.hosts.map((h) => h.address));
  const verifiedB = new Set(b.hosts.filter((h) => !h.incomplete).map((h) => h.address));
  const ref = (key: string, f: Result['findings'][number], extra: Partial<DiffFinding> = {}): DiffFinding => ({
    key,
    check: f.check,
    host: f.host,
    ...(f.port !== undefined ? { port: f.port } : {}),
    ...(f.proto ? { proto: f.proto } : {}),
    severity: f.severity,
    title: f.title.en,
    ...extra,
  });

  const newFindings = [...openB].filter(([k]) => !openA.has(k)).map(([k, f]) => ref(k, f, hostsA.has(f.host) ? {} : { newDevice: true }));
  const fixedFindings: DiffFinding[] = [];
  const waivedFindings: DiffFinding[] = [];
  const notVerified: DiffFinding[] = [];
  for (const [k, f] of openA) {
    if (openB.has(k)) continue;
    if (waivedB.has(k)) waivedFindings.push(ref(k, f));
    else if (verifiedB.has(f.host)) fixedFindings.push(ref(k, f));
    else notVerified.push(ref(k, f));
  }
  // Firmware: the same walk the KPIs use, over these two scans.
  const firmwareChanges = walkHistory([snapshotOf(a), snapshotOf(b)]).flatMap((s) => s.firmwareChanges).map(({ scan: _s, at: _a, ...c }) => c);

  let plan: ScanDiff['plan'];
  if (a.plan) {
    const cmp = comparePlans(a.plan, { findings: b.findings, hosts: b.hosts });
    const actions = cmp.actions.map((x) => ({ id: x.id, title: x.title.en, phase: x.phase, status: x.status }));
    const count = (s: ActionProgressStatus) => actions.filter((x) => x.status === s).length;
    plan = { actions, done: count('done'), partlyDone: count('partly-done'), notDone: count('not-done'), notVerified: count('not-verified') };
  }
  return {
    a: { id: a.scan.id, started: a.scan.started },
    b: { id: b.scan.id, started: b.scan.started, partial: b.scan.partial },
    newDevices: b.hosts.filter((h) => !hostsA.has(h.address)).map(device).sort(compareAddress),
    disappearedDevices: a.hosts.filter((h) => !b.hosts.some((x) => x.address === h.address)).map(device).sort(compareAddress),
    newFindings: newFindings.sort(bySeverityThenKey),
    fixedFindings: fixedFindings.sort(bySeverityThenKey),
    waivedFindings: waivedFindings.sort(bySeverityThenKey),
    notVerified: notVerified.sort(bySeverityThenKey),
    firmwareChanges: firmwareChanges.sort(compareAddress),
    ...(plan ? { plan } : {}),
    regressions: newFindings.filter((f) => !f.newDevice).length,
    newDeviceFindings: newFindings.filter((f) => f.newDevice).length,
  };
}

const label = (d: { address: string; name?: string }) => `${d.address}${d.name ? ` (${d.name})` : ''}`;
const deviceLine = (d: DiffDevice) => `${label(d)} ${[d.class, d.vendor, d.model, d.firmware].filter(Boolean).join(' ')}`;
const findingLine = (f: DiffFinding) => `${f.severity.padEnd(8)} ${f.key}  ${f.title}${f.newDevice ? '  [new device]' : ''}`;

export function renderDiffText(d: ScanDiff, site?: string): string {
  const lines = [`Diff${site ? ` of site "${site}"` : ''}: ${d.a.id} (${d.a.started}) → ${d.b.id} (${d.b.started})${d.b.partial ? ' [partial]' : ''}`];
  const section = (title: string, items: string[]) => {
    lines.push(`${title}: ${items.length}`);
    for (const i of items) lines.push(`  ${i}`);
  };
  section('New devices', d.newDevices.map(deviceLine));
  section('Disappeared devices', d.disappearedDevices.map(deviceLine));
  section(`New findings (${d.regressions} regression(s) on known devices, ${d.newDeviceFindings} on new devices)`, d.newFindings.map(findingLine));
  section('Fixed findings', d.fixedFindings.map(findingLine));
  if (d.waivedFindings.length) section('Now waived', d.waivedFindings.map(findingLine));
  if (d.notVerified.length) section('Not verified (device missing or incomplete)', d.notVerified.map(findingLine));
  section('Firmware changes', d.firmwareChanges.map((c) => `${label(c)} ${c.from} → ${c.to}`));
  if (d.plan) section(`Plan actions (done ${d.plan.done}, partly done ${d.plan.partlyDone}, not done ${d.plan.notDone}, not verified ${d.plan.notVerified})`, d.plan.actions.map((x) => `${x.status.padEnd(12)} ${x.id}  ${x.title}`));
  else lines.push('Plan actions: the earlier result has no plan');
  return lines.join('\n');
}

const md = (s: string) => s.replace(/[\\`*_[\]|<>]/g, (c) => `\\${c}`);

export function renderDiffMarkdown(d: ScanDiff, site?: string): string {
  const out = [`# Diff${site ? ` — ${md(site)}` : ''}`, '', `From \`${d.a.id}\` (${d.a.started}) to \`${d.b.id}\` (${d.b.started})${d.b.partial ? ' — **partial**' : ''}.`, ''];
  out.push('| | count |', '|---|---:|');
  for (const [t, n] of [
    ['New devices', d.newDevices.length],
    ['Disappeared devices', d.disappearedDevices.length],
    ['New findings (regressions)', d.newFindings.length],
    ['Fixed findings', d.fixedFindings.length],
    ['Firmware changes', d.firmwareChanges.length],
  ] as const)
    out.push(`| ${t} | ${n} |`);
  const devices = (title: string, list: DiffDevice[]) => {
    if (!list.length) return;
    out.push('', `## ${title}`, '', '| address | name | class | vendor | model | firmware |', '|---|---|---|---|---|---|');
    for (const x of list) out.push(`| ${x.address} | ${md(x.name ?? '')} | ${x.class} | ${md(x.vendor ?? '')} | ${md(x.model ?? '')} | ${md(x.firmware ?? '')} |`);
  };
  const findings = (title: string, list: DiffFinding[]) => {
    if (!list.length) return;
    out.push('', `## ${title}`, '', '| severity | finding | key |', '|---|---|---|');
    for (const f of list) out.push(`| ${f.severity} | ${md(f.title)}${f.newDevice ? ' (new device)' : ''} | \`${f.key}\` |`);
  };
  devices('New devices', d.newDevices);
  devices('Disappeared devices', d.disappearedDevices);
  findings('New findings (regressions)', d.newFindings);
  findings('Fixed findings', d.fixedFindings);
  findings('Now waived', d.waivedFindings);
  findings('Not verified (device missing or incomplete)', d.notVerified);
  if (d.firmwareChanges.length) {
    out.push('', '## Firmware changes', '', '| device | from | to |', '|---|---|---|');
    for (const c of d.firmwareChanges) out.push(`| ${md(label(c))} | ${md(c.from)} | ${md(c.to)} |`);
  }
  out.push('', '## Plan actions', '');
  if (!d.plan) out.push('The earlier result has no plan.');
  else {
    out.push('| status | action | phase |', '|---|---|---|');
    for (const x of d.plan.actions) out.push(`| ${x.status} | ${md(x.title)} (\`${x.id}\`) | ${x.phase} |`);
  }
  return `${out.join('\n')}\n`;
}
