/**
 * The hardening score: a number 0–100 and a letter A–F per device, per device
 * class and for the site, from the open findings under the profile. Pure (no
 * I/O, no clock): the engine calls it after evaluation, and offline
 * re-evaluation of a saved result calls it again. docs/scoring.md is the
 * user's description; its worked example is computed by this code in a test.
 *
 * Per device:
 *   1. points = 100 − the weight of each check that has an open finding on the
 *      device, counted once (at its most severe finding) however many ports show it;
 *      the weight is the profile's weight for the severity, or the check's own weight;
 *   2. grade = the letter of the points, then each cap that matches an open
 *      finding holds it at the cap's letter or below; a capped grade also caps the
 *      score at the top of that letter's band, so number and letter never disagree;
 *   3. withheld ("incomplete") when a required check could not conclude on the
 *      device, or the device was not scanned to the end — unless the grade is
 *      already F, which missing data cannot make worse. An incomplete device
 *      carries its best case (what is missing can only lower it).
 * Waived findings never count. A finding that weighs 0 (e.g. a private CA the
 * profile accepts) neither costs points nor caps.
 *
 * Per class and for the site: the mean of the device scores, graded, and held
 * at most `weakestLinkSpread` letters above the weakest device (one camera with
 * a default password is a foothold into the whole network). Incomplete when any
 * of its devices is, with the best case, unless that best case is already F.
 */
import type { DeviceClass, DeviceScore, Finding, Mode, Grade, GradeOrIncomplete, GroupScore, Host, Localized, NotEvaluated, Score, ScoreCap, Severity } from '../core/model.ts';
import { GRADES, atLeast, severityRank } from '../core/model.ts';
import type { Profile } from '../core/profile.ts';
import { resolveScoring, type ResolvedScoring } from './config.ts';

export interface ScoreInput {
  hosts: readonly Host[];
  findings: readonly Finding[];
  notEvaluated: readonly NotEvaluated[];
  /** The scan's mode: in mode passive no login is tried, so the credential checks cannot conclude. */
  scan?: { mode: Mode };
}

export type ScoreProfile = Pick<Profile, 'id' | 'scoring'>;

/** Findings that are not about the device's hardening (the inventory line). */
const NOT_SCORED = new Set(['inventory.device']);

export function gradeOf(score: number, cfg: Pick<ResolvedScoring, 'thresholds'>): Grade {
  for (const g of ['A', 'B', 'C', 'D', 'E'] as const) if (score >= cfg.thresholds[g]) return g;
  return 'F';
}

/** The worse of two grades. */
export function worse(a: Grade, b: Grade): Grade {
  return GRADES.indexOf(a) >= GRADES.indexOf(b) ? a : b;
}

/** The highest score a grade allows (a capped grade caps the number too). */
export function ceilingOf(grade: Grade, cfg: Pick<ResolvedScoring, 'thresholds'>): number {
  const i = GRADES.indexOf(grade);
  if (i === 0) return 100;
  return cfg.thresholds[GRADES[i - 1] as Exclude<Grade, 'F'>] - 1;
}

function weightOf(f: Finding, cfg: ResolvedScoring): number {
  return cfg.checkWeights[f.check] ?? cfg.weights[f.severity];
}

function where(port: number | undefined): string {
  return port !== undefined ? ` (${port})` : '';
}

interface Graded {
  score: number;
  grade: Grade;
}

function scoreDevice(host: Host, input: ScoreInput, cfg: ResolvedScoring): DeviceScore {
  const { findings, notEvaluated } = input;
  const mine = findings.filter((f) => f.host === host.address && !NOT_SCORED.has(f.check));
  const open = mine.filter((f) => f.status === 'open' && weightOf(f, cfg) > 0);
  const waived = [...new Set(mine.filter((f) => f.status === 'waived').map((f) => f.check))];

  // 1. points: each check once, at its most severe open finding.
  const byCheck = new Map<string, Finding>();
  for (const f of open) {
    const prev = byCheck.get(f.check);
    if (!prev || severityRank(f.severity) < severityRank(prev.severity)) byCheck.set(f.check, f);
  }
  const deductions = [...byCheck.values()]
    .map((f) => ({ check: f.check, severity: f.severity as Severity, points: weightOf(f, cfg) }))
    .sort((a, b) => b.points - a.points || a.check.localeCompare(b.check));
  const points = Math.max(0, 100 - deductions.reduce((sum, d) => sum + d.points, 0));

  // 2. caps.
  const fromPoints = gradeOf(points, cfg);
  let grade = fromPoints;
  const matched: { cap: ResolvedScoring['caps'][number]; checks: string[] }[] = [];
  for (const cap of cfg.caps) {
    const hits = open.filter((f) => cap.checks.includes(f.check) || (cap.severity !== undefined && atLeast(f.severity, cap.severity)));
    if (!hits.length) continue;
    matched.push({ cap, checks: [...new Set(hits.map((f) => f.check))].sort() });
    grade = worse(grade, cap.grade);
  }
  const score = Math.min(Math.round(points), ceilingOf(grade, cfg));
  const caps: ScoreCap[] = matched
    .map(({ cap, checks }) => ({ id: cap.id, grade: cap.grade, reason: cap.reason, checks, binding: cap.grade === grade && grade !== fromPoints }))
    .sort((a, b) => GRADES.indexOf(b.grade) - GRADES.indexOf(a.grade) || a.id.localeCompare(b.id));

  // 3. withheld when a required check could not conclude.
  const incomplete = notEvaluated
    .filter((n) => n.host === host.address && cfg.required.includes(n.check))
    .map((n) => ({ check: n.check, ...(n.port !== undefined ? { port: n.port } : {}), reason: n.reason }));
  // Mode passive tries no login: the credential checks stay silent there, which is not a pass.
  if (input.scan?.mode === 'passive') {
    for (const check of cfg.required.filter((c) => c.startsWith('cred.'))) incomplete.push({ check, reason: 'mode passive: no login was tried' });
  }
  if (host.incomplete) incomplete.push({ check: 'scan', reason: 'the device was not scanned to the end (time-out or interruption)' });

  // The caps at the final grade say why in full; those above it are listed briefly.
  const reasons: Localized[] = [];
  for (const c of caps.filter((x) => x.grade === grade)) {
    reasons.push({
      en: `capped at ${c.grade} (${c.id}): ${c.reason.en} — ${c.checks.join(', ')}`,
      fr: `plafonnée à ${c.grade} (${c.id}) : ${c.reason.fr} — ${c.checks.join(', ')}`,
    });
  }
  const above = caps.filter((x) => x.grade !== grade);
  if (above.length) {
    const list = above.map((c) => `${c.id} → ${c.grade} (${c.checks.join(', ')})`).join('; ');
    reasons.push({ en: `also matched, not binding: ${list}`, fr: `également atteints, sans effet : ${list}` });
  }
  const out: DeviceScore = {
    host: host.address,
    class: host.class,
    grade,
    points,
    deductions,
    caps,
    waived,
    reasons,
  };
  if (host.name) out.name = host.name;
  if (incomplete.length && grade !== 'F') {
    out.grade = 'incomplete';
    out.best = { score, grade };
    out.incomplete = incomplete;
    reasons.unshift({
      en: `grade withheld: ${incomplete.map((n) => `${n.check}${where(n.port)}: ${n.reason}`).join('; ')} — at best ${grade} (${score})`,
      fr: `note suspendue : ${incomplete.map((n) => `${n.check}${where(n.port)} : ${n.reason}`).join(' ; ')} — au mieux ${grade} (${score})`,
    });
  } else {
    out.score = score;
    if (incomplete.length) {
      out.incomplete = incomplete;
      reasons.push({
        en: `F whatever the checks that could not run would show: ${incomplete.map((n) => `${n.check}${where(n.port)}`).join(', ')}`,
        fr: `F quel que soit le résultat des contrôles qui n'ont pas pu s'exécuter : ${incomplete.map((n) => `${n.check}${where(n.port)}`).join(', ')}`,
      });
    }
  }
  if (waived.length) {
    reasons.push({ en: `waived, not counted: ${waived.join(', ')}`, fr: `dérogations, non comptées : ${waived.join(', ')}` });
  }
  return out;
}

function bestOf(d: DeviceScore): Graded {
  return d.best ?? { score: d.score!, grade: d.grade as Grade };
}

function scoreGroup(devices: readonly DeviceScore[], cfg: ResolvedScoring): GroupScore {
  const incompleteDevices = devices.filter((d) => d.grade === 'incomplete').map((d) => d.host);
  if (!devices.length) return { devices: 0, grade: 'incomplete', mean: 0, incompleteDevices, reasons: [{ en: 'no device to grade', fr: 'aucun équipement à noter' }] };
  const bests = devices.map(bestOf);
  const mean = Math.round(bests.reduce((s, b) => s + b.score, 0) / bests.length);
  const weakest = bests.reduce<Grade>((w, b) => worse(w, b.grade), 'A');
  const ceiling = GRADES[Math.max(0, GRADES.indexOf(weakest) - cfg.weakestLinkSpread)]!;
  const fromMean = gradeOf(mean, cfg);
  const grade = worse(fromMean, ceiling);
  const score = Math.min(mean, ceilingOf(grade, cfg));
  const reasons: Localized[] = [];
  if (grade !== fromMean) {
    reasons.push({
      en: `held at ${grade}: at most ${cfg.weakestLinkSpread} letter(s) above the weakest device (${weakest}); the mean alone gives ${fromMean} (${mean})`,
      fr: `limitée à ${grade} : au plus ${cfg.weakestLinkSpread} lettre(s) au-dessus de l'équipement le plus faible (${weakest}) ; la moyenne seule donne ${fromMean} (${mean})`,
    });
  }
  const out: GroupScore = { devices: devices.length, grade, mean, weakest, incompleteDevices, reasons };
  if (incompleteDevices.length && grade !== 'F') {
    out.grade = 'incomplete' satisfies GradeOrIncomplete;
    out.best = { score, grade };
    reasons.unshift({
      en: `grade withheld: ${incompleteDevices.length} device(s) incomplete (${incompleteDevices.join(', ')}) — at best ${grade} (${score})`,
      fr: `note suspendue : ${incompleteDevices.length} équipement(s) incomplet(s) (${incompleteDevices.join(', ')}) — au mieux ${grade} (${score})`,
    });
  } else {
    out.score = score;
  }
  return out;
}

export function scoreResult(input: ScoreInput, profile: ScoreProfile): Score {
  const cfg = resolveScoring(profile);
  const devices = input.hosts.map((h) => scoreDevice(h, input, cfg));
  const classes = [...new Set(devices.map((d) => d.class))]
    .sort()
    .map((cls: DeviceClass) => ({ class: cls, ...scoreGroup(devices.filter((d) => d.class === cls), cfg) }));
  return {
    profile: profile.id,
    thresholds: { ...cfg.thresholds },
    devices,
    classes,
    site: scoreGroup(devices, cfg),
  };
}
