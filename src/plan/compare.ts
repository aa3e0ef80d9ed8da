/**
 * Follow-up of a validated plan: a later scan says, for each action, whether it
 * is done, partly done or not done. Actions are matched by their stable id;
 * on each device, an action is still needed while the device has an open
 * finding of one of the action's checks (whatever the port: a service moved to
 * another port is not fixed). A waived finding counts as settled, not as done.
 */
import type { Finding, Host, Plan, PlanPhase, Localized } from '../core/model.ts';
import { findingKey } from './keys.ts';

export type DeviceProgressStatus = 'done' | 'partly-done' | 'not-done' | 'waived' | 'not-verified';
export type ActionProgressStatus = 'done' | 'partly-done' | 'not-done' | 'not-verified';

export interface DeviceProgress {
  host: string;
  status: DeviceProgressStatus;
  /** Keys of the open findings that still call for the action on this device. */
  open: string[];
}

export interface ActionProgress {
  id: string;
  title: Localized;
  phase: PlanPhase;
  status: ActionProgressStatus;
  devices: DeviceProgress[];
}

export interface PlanComparison {
  actions: ActionProgress[];
  /** Open findings of the new scan that no action of the previous plan covered. */
  newFindings: string[];
}

/** What a later scan tells: its findings, and (when known) which devices it reached. */
export type CurrentScan = readonly Finding[] | { findings: readonly Finding[]; hosts?: readonly Pick<Host, 'address' | 'incomplete'>[] };

export function comparePlans(previous: Pick<Plan, 'actions'>, current: CurrentScan): PlanComparison {
  const findings = Array.isArray(current) ? (current as readonly Finding[]) : (current as { findings: readonly Finding[] }).findings;
  const hosts = Array.isArray(current) ? undefined : (current as { hosts?: readonly Pick<Host, 'address' | 'incomplete'>[] }).hosts;
  const verified = hosts ? new Set(hosts.filter((h) => !h.incomplete).map((h) => h.address)) : undefined;
  const open = findings.filter((f) => f.status === 'open' && f.severity !== 'info');
  const waived = findings.filter((f) => f.status === 'waived');

  const actions: ActionProgress[] = previous.actions.map((action) => {
    const checks = new Set(action.checks);
    const devices: DeviceProgress[] = action.devices.map((d) => {
      if (verified && !verified.has(d.host)) return { host: d.host, status: 'not-verified', open: [] };
      const still = open.filter((f) => f.host === d.host && checks.has(f.check)).map(findingKey).sort();
      if (!still.length) {
        const settledByWaiver = waived.some((f) => f.host === d.host && checks.has(f.check));
        return { host: d.host, status: settledByWaiver ? 'waived' : 'done', open: [] };
      }
      // Partly done: some of the planned findings are gone and nothing new replaced them (a service moved to another port is not progress).
      const partly = d.findings.some((k) => !still.includes(k)) && still.every((k) => d.findings.includes(k));
      return { host: d.host, status: partly ? 'partly-done' : 'not-done', open: still };
    });
    return { id: action.id, title: action.title, phase: action.phase, status: actionStatus(devices), devices };
  });

  const covered = new Set(previous.actions.flatMap((a) => a.devices.flatMap((d) => a.checks.map((c) => `${c}@${d.host}`))));
  const newFindings = open.filter((f) => f.check !== 'inventory.device' && !covered.has(`${f.check}@${f.host}`)).map(findingKey).sort();
  return { actions, newFindings };
}

function actionStatus(devices: readonly DeviceProgress[]): ActionProgressStatus {
  const statuses = devices.map((d) => d.status);
  if (statuses.every((s) => s === 'not-verified')) return 'not-verified';
  if (statuses.every((s) => s === 'done' || s === 'waived')) return 'done';
  if (statuses.every((s) => s === 'not-done' || s === 'not-verified')) return 'not-done';
  return 'partly-done';
}
