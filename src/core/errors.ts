/** Exit codes, documented in the README and in `vigie --help`. */
export const EXIT = {
  ok: 0,
  findings: 1,
  usage: 2,
  runtime: 3,
  interrupted: 130,
} as const;

/** A mistake in what the user asked: one clear line, exit 2, no stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An address outside the declared scope was about to be contacted. */
export class ScopeViolation extends Error {
  override name = 'ScopeViolation';
  constructor(readonly address: string) {
    super(`refused: ${address} is outside the declared scope; no packet was sent to it`);
  }
}

/** A probe ran out of time. Recorded as an error fact, never a verdict. */
export class ProbeTimeout extends Error {
  override name = 'ProbeTimeout';
  readonly code = 'ETIMEDOUT';
}

/** A device sent more than a parser accepts. */
export class SizeLimitExceeded extends Error {
  override name = 'SizeLimitExceeded';
  readonly code = 'ESIZE';
}

/** The scan was interrupted (Ctrl-C). */
export class Aborted extends Error {
  override name = 'Aborted';
  readonly code = 'EABORTED';
}

export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
