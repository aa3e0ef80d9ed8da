/**
 * `vigie supervise --notify URL`: one JSON POST of the run's summary with
 * undici — bounded time-outs, 2 retries on a network error or a 5xx, never a
 * secret in the body (counts, keys and titles only), never a redirect
 * followed. vigie itself listens on nothing.
 */
import { request } from 'undici';

export interface NotifyOptions {
  timeoutMs?: number;
  retries?: number;
  /** Wait before retry n (1-based). */
  backoffMs?: (attempt: number) => number;
}

export interface NotifyOutcome {
  ok: boolean;
  attempts: number;
  status?: number;
  error?: string;
}

/** The URL as it may be printed: no user-info, no query (webhook tokens live there). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

export async function notify(url: string, body: unknown, opts: NotifyOptions = {}): Promise<NotifyOutcome> {
  const u = new URL(url);
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`--notify needs an http(s) URL, not ${u.protocol}`);
  const retries = opts.retries ?? 2;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const payload = JSON.stringify(body);
  let last: NotifyOutcome = { ok: false, attempts: 0 };
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    try {
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'vigie-supervise' },
        body: payload,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Read at most a little of the answer: nothing in it matters beyond the status.
      await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      last = { ok: res.statusCode >= 200 && res.statusCode < 300, attempts: attempt, status: res.statusCode };
      if (last.ok || res.statusCode < 500) return last;
    } catch (err) {
      last = { ok: false, attempts: attempt, error: (err as Error).message };
    }
    if (attempt <= retries) await new Promise((r) => setTimeout(r, opts.backoffMs?.(attempt) ?? 500 * attempt));
  }
  return last;
}
