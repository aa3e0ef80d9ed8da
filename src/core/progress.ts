/**
 * Progress events and their two displays: a live status line on a TTY, or
 * JSON lines on stderr for machines. Events never carry secrets: they name
 * hosts, checks and counts only.
 */
import type { Phase, Severity } from './model.ts';
import { SEVERITIES } from './model.ts';

export type ProgressEvent =
  | { type: 'start'; hosts: number; ports: number; mode: string; profile: string }
  | { type: 'phase'; phase: Phase }
  | { type: 'host'; phase: Phase; host: string; done: number; total: number }
  | { type: 'finding'; host: string; check: string; severity: Severity }
  | { type: 'error'; host?: string; scanner: string; message: string }
  | { type: 'interrupt'; graceMs: number }
  | { type: 'end'; partial: boolean; hosts: number; findings: number };

export type ProgressSink = (e: ProgressEvent) => void;

export const silent: ProgressSink = () => undefined;

export function jsonLines(stream: NodeJS.WritableStream = process.stderr): ProgressSink {
  return (e) => {
    stream.write(`${JSON.stringify({ ts: new Date().toISOString(), ...e })}\n`);
  };
}

/** A single status line redrawn in place: hosts done / total, phase, findings so far. */
export function ttyLine(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  let phase = 'start';
  let done = 0;
  let total = 0;
  let errors = 0;
  const bySeverity: Record<string, number> = {};
  let last = 0;
  const draw = (force = false) => {
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    const counts = SEVERITIES.filter((s) => bySeverity[s]).map((s) => `${bySeverity[s]} ${s}`).join(', ');
    const line = `vigie · ${phase} · hosts ${done}/${total} · findings: ${counts || 'none yet'}${errors ? ` · ${errors} error(s)` : ''}`;
    const width = stream.columns ?? 100;
    stream.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
  };
  return (e) => {
    switch (e.type) {
      case 'start':
        total = e.hosts;
        draw(true);
        break;
      case 'phase':
        phase = e.phase;
        done = 0;
        draw(true);
        break;
      case 'host':
        done = e.done;
        total = e.total;
        draw();
        break;
      case 'finding':
        if (e.check !== 'inventory.device') bySeverity[e.severity] = (bySeverity[e.severity] ?? 0) + 1;
        draw();
        break;
      case 'error':
        errors++;
        draw();
        break;
      case 'interrupt':
        phase = `interrupted — finishing open probes (≤ ${Math.round(e.graceMs / 1000)} s)`;
        draw(true);
        break;
      case 'end':
        phase = e.partial ? 'interrupted' : 'done';
        draw(true); // the final counts, then the line is cleared for the summary
        stream.write('\r\x1b[2K');
        break;
    }
  };
}
