/**
 * Failed-login throttle per key (the client's IP address): after `maxFailures` failures within
 * `windowMs`, further attempts from that key are refused without checking credentials until the
 * window has passed. Bounded: at most `maxKeys` keys are tracked (the oldest are dropped).
 */
export class FailureThrottle {
  readonly #failures = new Map<string, number[]>();

  constructor(
    readonly maxFailures = 20,
    readonly windowMs = 60_000,
    readonly now: () => number = Date.now,
    readonly maxKeys = 10_000,
  ) {}

  #recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const list = (this.#failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) this.#failures.set(key, list);
    else this.#failures.delete(key);
    return list;
  }

  blocked(key: string): boolean {
    return this.maxFailures > 0 && this.#recent(key).length >= this.maxFailures;
  }

  fail(key: string): void {
    const list = this.#recent(key);
    list.push(this.now());
    this.#failures.delete(key); // re-insert: Map order = least recently failed first
    this.#failures.set(key, list.slice(-this.maxFailures));
    if (this.#failures.size > this.maxKeys) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
  }

  succeed(key: string): void {
    this.#failures.delete(key);
  }
}
