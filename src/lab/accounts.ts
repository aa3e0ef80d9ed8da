/**
 * Accounts of a simulated device, with the device's own count of login
 * attempts per user (what tests compare with the credential budget) and an
 * optional lockout, as real cameras do after a few failures.
 */
export type LoginVerdict = 'ok' | 'bad' | 'locked';

export class Accounts {
  /** Every attempt, per user name, as the device saw it. */
  readonly attempts = new Map<string, number>();
  readonly failures = new Map<string, number>();
  totalFailures = 0;
  private locked = false;

  constructor(
    private readonly users: Readonly<Record<string, string>>,
    /** Lock every account after this many failures on the device (undefined: never). */
    private readonly lockAfter?: number,
  ) {}

  check(user: string, password: string): LoginVerdict {
    this.attempts.set(user, (this.attempts.get(user) ?? 0) + 1);
    if (this.locked) return 'locked';
    if (Object.hasOwn(this.users, user) && this.users[user] === password) return 'ok';
    this.failures.set(user, (this.failures.get(user) ?? 0) + 1);
    this.totalFailures++;
    if (this.lockAfter !== undefined && this.totalFailures >= this.lockAfter) this.locked = true;
    return 'bad';
  }

  get isLocked(): boolean {
    return this.locked;
  }

  /** Attempts on accounts that exist on the device (the ones a lockout would hit). */
  attemptsOnRealAccounts(): Map<string, number> {
    return new Map([...this.attempts].filter(([u]) => Object.hasOwn(this.users, u)));
  }
}
