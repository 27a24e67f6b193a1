import { EventEmitter } from 'node:events';
import { StatusSchema, decodePayload, filters, parseTopic } from '../../protocol/index.ts';
import type { Bus } from '../bus.ts';
import type { Logger } from '../log.ts';
import { invalidMessages, reasonOf, screensOnline } from '../metrics.ts';

/**
 * Which screens are online, and when each was last heard from.
 *
 * Sources, in both broker modes: the retained `status` each screen publishes (its last will says
 * "offline", so an abrupt death shows once the broker notices: 1.5 x keepalive), and any message a
 * screen sends (lastSeen). In embedded mode the broker also reports connections and disconnections
 * directly (`connected`/`disconnected`), which covers a screen that never published a status.
 * Times are the server's clock, never the screen's.
 */
export interface ScreenPresence {
  screenId: string;
  online: boolean;
  /** ISO time the server last heard from the screen; null if never. */
  lastSeen: string | null;
  /** ISO time the current online/offline state began. */
  since: string | null;
  appVersion: string | null;
  contentVersion: string | null;
}

export interface PresenceEvents {
  change: [presence: ScreenPresence];
}

interface Track {
  online: boolean;
  lastSeen: number | null;
  since: number | null;
  appVersion: string | null;
  contentVersion: string | null;
  /** Live connections seen by the embedded broker. */
  connections: number;
}

export interface PresenceOptions {
  bus: Bus;
  log: Logger;
  now?: () => number;
}

export class Presence extends EventEmitter<PresenceEvents> {
  readonly #bus: Bus;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #screens = new Map<string, Track>();
  /** Screens online now: kept as a running count, so a connect or disconnect never walks the fleet. */
  #online = 0;
  readonly #unsubs: Array<() => void> = [];

  constructor(o: PresenceOptions) {
    super();
    this.#bus = o.bus;
    this.#log = o.log;
    this.#now = o.now ?? Date.now;
  }

  async start(): Promise<void> {
    this.#unsubs.push(
      await this.#bus.subscribe(filters.allScreenChannel('status'), (t, p) => this.#onStatus(t, p)),
    );
    for (const channel of ['health', 'plays', 'cmd/result'] as const) {
      this.#unsubs.push(
        await this.#bus.subscribe(filters.allScreenChannel(channel), (t) => {
          const parsed = parseTopic(t);
          if (parsed?.kind === 'screen') this.seen(parsed.screenId);
        }),
      );
    }
  }

  stop(): void {
    for (const u of this.#unsubs.splice(0)) u();
  }

  /** Restores lastSeen (and versions) persisted from a previous run; everyone starts offline. */
  restore(
    list: ReadonlyArray<Pick<ScreenPresence, 'screenId' | 'lastSeen' | 'appVersion' | 'contentVersion'>>,
  ) {
    for (const p of list) {
      const t = this.#track(p.screenId);
      const seen = p.lastSeen ? Date.parse(p.lastSeen) : Number.NaN;
      if (Number.isFinite(seen) && (t.lastSeen === null || seen > t.lastSeen)) t.lastSeen = seen;
      t.appVersion ??= p.appVersion;
      t.contentVersion ??= p.contentVersion;
    }
  }

  get(screenId: string): ScreenPresence {
    return this.#view(screenId, this.#screens.get(screenId));
  }

  list(): ScreenPresence[] {
    return [...this.#screens.entries()].map(([id, t]) => this.#view(id, t));
  }

  onlineCount(): number {
    return this.#online;
  }

  /** Forgets a deleted screen. */
  forget(screenId: string): void {
    const t = this.#screens.get(screenId);
    if (!t) return;
    this.#screens.delete(screenId);
    if (t.online) this.#online--;
    screensOnline.set(this.#online);
  }

  /** Embedded broker: a connection of this screen was accepted. */
  connected(screenId: string): void {
    const t = this.#track(screenId);
    t.connections++;
    t.lastSeen = this.#now();
    this.#set(screenId, t, true);
  }

  /** Embedded broker: a connection of this screen ended (any cause). */
  disconnected(screenId: string): void {
    const t = this.#track(screenId);
    t.connections = Math.max(0, t.connections - 1);
    t.lastSeen = this.#now();
    if (t.connections === 0) this.#set(screenId, t, false);
  }

  /** Any message from the screen. */
  seen(screenId: string): void {
    const t = this.#track(screenId);
    t.lastSeen = this.#now();
  }

  #onStatus(topic: string, payload: Buffer): void {
    const parsed = parseTopic(topic);
    if (parsed?.kind !== 'screen') return;
    if (payload.length === 0) return; // a cleared retained status says nothing
    const r = decodePayload(StatusSchema, payload);
    if (!r.ok) {
      invalidMessages.inc({ kind: 'status', reason: reasonOf(r.error) });
      this.#log.warn({ topic, error: r.error }, 'invalid status dropped');
      return;
    }
    const t = this.#track(parsed.screenId);
    t.lastSeen = this.#now();
    if (r.value.appVersion !== undefined) t.appVersion = r.value.appVersion;
    if (r.value.contentVersion !== undefined) t.contentVersion = r.value.contentVersion;
    // A late "offline" will of an old connection must not hide a live one (embedded mode knows).
    const online = r.value.state === 'online' || t.connections > 0;
    this.#set(parsed.screenId, t, online, true);
  }

  #track(screenId: string): Track {
    let t = this.#screens.get(screenId);
    if (!t) {
      t = {
        online: false,
        lastSeen: null,
        since: null,
        appVersion: null,
        contentVersion: null,
        connections: 0,
      };
      this.#screens.set(screenId, t);
    }
    return t;
  }

  #set(screenId: string, t: Track, online: boolean, forceEmit = false): void {
    const changed = t.online !== online || t.since === null;
    if (changed) {
      if (t.online !== online) this.#online += online ? 1 : -1;
      t.online = online;
      t.since = this.#now();
      screensOnline.set(this.#online);
      this.#log.info({ screenId, online }, online ? 'screen online' : 'screen offline');
    }
    if (changed || forceEmit) this.emit('change', this.#view(screenId, t));
  }

  #view(screenId: string, t: Track | undefined): ScreenPresence {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      screenId,
      online: t?.online ?? false,
      lastSeen: iso(t?.lastSeen ?? null),
      since: iso(t?.since ?? null),
      appVersion: t?.appVersion ?? null,
      contentVersion: t?.contentVersion ?? null,
    };
  }
}
