/**
 * Limits for the anonymous public identity (the mobile companion), which anybody on the internet may
 * use: at most `maxConnectionsPerAddress` open connections per IP address, and per connection a token
 * bucket of `subscribeBurst` SUBSCRIBE filters refilled at `subscribesPerSecond`. Screens and the server
 * are not limited here (they authenticate with secrets). Bounded: counts exist only for open connections.
 */
export interface PublicLimitOptions {
  maxConnectionsPerAddress?: number;
  subscribesPerSecond?: number;
  subscribeBurst?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class PublicLimiter {
  readonly maxConnectionsPerAddress: number;
  readonly subscribesPerSecond: number;
  readonly subscribeBurst: number;
  readonly #now: () => number;
  readonly #open = new Map<string, number>();
  readonly #buckets = new WeakMap<object, Bucket>();

  constructor(opts: PublicLimitOptions = {}) {
    this.maxConnectionsPerAddress = opts.maxConnectionsPerAddress ?? 20;
    this.subscribesPerSecond = opts.subscribesPerSecond ?? 5;
    this.subscribeBurst = opts.subscribeBurst ?? 20;
    this.#now = opts.now ?? Date.now;
  }

  /** Takes a connection slot for `address`; returns a release function (idempotent), or null when full. */
  connect(address: string): (() => void) | null {
    const n = this.#open.get(address) ?? 0;
    if (n >= this.maxConnectionsPerAddress) return null;
    this.#open.set(address, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#open.get(address) ?? 1) - 1;
      if (left <= 0) this.#open.delete(address);
      else this.#open.set(address, left);
    };
  }

  /** Open public connections from this address. */
  openFrom(address: string): number {
    return this.#open.get(address) ?? 0;
  }

  /** Spends one subscription token of this connection; false when it has none left right now. */
  subscribe(connection: object): boolean {
    const now = this.#now();
    const b = this.#buckets.get(connection) ?? { tokens: this.subscribeBurst, at: now };
    b.tokens = Math.min(this.subscribeBurst, b.tokens + ((now - b.at) / 1000) * this.subscribesPerSecond);
    b.at = now;
    this.#buckets.set(connection, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
