import type { Logger } from '../log.ts';

/** What the watcher reads from the store: each screen's current token hash, and a change counter. */
export interface CredentialSource {
  /** screen id -> current token hash. Called after every store write, so it must not copy records. */
  screenTokenHashes(): ReadonlyMap<string, string>;
  readonly writes: number;
}

/**
 * Ends live sessions whose credentials are gone: when a screen is deleted or its device token is
 * rotated, its open MQTT connections are closed (the next CONNECT with the old token is refused by
 * authentication anyway). Checks the store only after it changed.
 */
export class CredentialWatcher {
  #known: ReadonlyMap<string, string> = new Map<string, string>();
  #lastWrites = -1;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly source: CredentialSource,
    private readonly revoke: (screenId: string) => number,
    private readonly log: Logger,
    private readonly intervalMs = 500,
  ) {}

  /** Compares with the last snapshot; returns the screens whose connections were closed. */
  check(): string[] {
    const writes = this.source.writes;
    if (writes === this.#lastWrites) return [];
    this.#lastWrites = writes;
    // Every audit entry and campaign is a store write, so this runs during pushes and storms: it
    // reads the hashes in place (a copy of 10,000 screen records here cost ~1 s of event loop per write).
    const now = this.source.screenTokenHashes();
    const revoked: string[] = [];
    for (const [id, hash] of this.#known) {
      if (now.get(id) !== hash) {
        revoked.push(id);
        const n = this.revoke(id);
        if (n > 0)
          this.log.info({ screenId: id, closed: n, deleted: !now.has(id) }, 'revoked screen disconnected');
      }
    }
    this.#known = now;
    return revoked;
  }

  start(): void {
    this.check();
    this.#timer = setInterval(() => this.check(), this.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
