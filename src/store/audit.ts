/**
 * What the audit log records of vigie's own actions: who (OS user), the
 * command line with anything secret removed, targets, scope, mode, and the
 * ids of the credentials used — never a password, community or key.
 */
import { userInfo } from 'node:os';
import type { Result } from '../core/model.ts';

export function osUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return process.env.USER || 'unknown';
  }
}

/** Option names whose value is a secret (the key file's path is not, its content is). */
const SECRET_OPTION = /^--?(?:[\w-]*(?:pass(?:word|phrase)?|secret|token|community|api-?key|auth)[\w-]*|key)$/i;

/** A URL without its user-info and query values (webhook tokens live there). */
function redactUrl(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^/\s@]*@)?([^\s?#]*)(\?[^\s#]*)?/gi, (_m, scheme: string, userinfo: string | undefined, rest: string, query: string | undefined) => {
    const q = query ? `?${query.slice(1).split('&').map((kv) => `${kv.split('=')[0]}=[redacted]`).join('&')}` : '';
    return `${scheme}${userinfo ? '[redacted]@' : ''}${rest}${q}`;
  });
}

/**
 * The command line as recorded: argv after the executable, the value of any
 * secret-looking option replaced, URLs stripped of credentials and query values.
 */
export function redactArgv(argv: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    if (arg.startsWith('-') && eq > 0 && SECRET_OPTION.test(arg.slice(0, eq))) {
      out.push(`${arg.slice(0, eq)}=[redacted]`);
      continue;
    }
    if (SECRET_OPTION.test(arg) && i + 1 < argv.length) {
      out.push(arg, '[redacted]');
      i++;
      continue;
    }
    out.push(redactUrl(arg));
  }
  return out.map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

/** Ids of the credentials the scan used: site credentials and dictionary entries actually tried (from the credential facts). */
export function credentialIdsUsed(result: Pick<Result, 'facts'>): string[] {
  const ids = new Set<string>();
  for (const f of result.facts) {
    if (!f.type.startsWith('credential.')) continue;
    const d = f.data as { entry?: unknown; tried?: unknown };
    if (typeof d.entry === 'string') ids.add(d.entry);
    if (Array.isArray(d.tried)) for (const t of d.tried) if (t && typeof (t as { entry?: unknown }).entry === 'string') ids.add((t as { entry: string }).entry);
  }
  return [...ids].sort();
}
