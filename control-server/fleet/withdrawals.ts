import {
  decodePayload,
  filters,
  HealthSchema,
  type HeldCampaigns,
  parseTopic,
  StatusSchema,
} from '../../protocol/index.ts';
import { clearCampaign } from '../api/publish.ts';
import type { Bus } from '../bus.ts';
import type { Logger } from '../log.ts';
import { counter } from '../metrics.ts';
import type { Store } from '../store/index.ts';

/**
 * Withdrawals a screen missed. A campaign is withdrawn with an empty retained message on its topic;
 * a screen that was offline at that moment only gets it from its persistent session, which the
 * embedded broker keeps in memory: after a server restart (or with an external broker that lost its
 * sessions) the screen resubscribes, receives the campaigns that still exist and never learns that
 * a cached one is gone. Screens report the campaigns they hold in their status and health; when one
 * of them names a campaign the store does not have, the same withdrawal is published again.
 *
 * The withdrawal goes to every screen (it is a broadcast topic) and an offline persistent session
 * queues it, so it is deduplicated per campaign (a cool-down that doubles while the same campaign
 * keeps being reported) and rate-limited per screen and overall: a misbehaving screen that lists
 * made-up ids cannot make the server flood the broker.
 */

export type WithdrawalDecision = 'publish' | 'cooldown' | 'screen_limited' | 'global_limited';

export interface WithdrawalPolicy {
  /** Cool-down after the first withdrawal of a campaign; doubles on each repeat. */
  cooldownMs: number;
  /** The longest cool-down; a campaign not withdrawn for twice this long starts again at `cooldownMs`. */
  maxCooldownMs: number;
  /** Withdrawals one screen's reports may cause: burst, then one per `screenRefillMs`. */
  screenBurst: number;
  screenRefillMs: number;
  /** Withdrawals overall: burst, then one per `globalRefillMs`. */
  globalBurst: number;
  globalRefillMs: number;
}

export const DEFAULT_WITHDRAWAL_POLICY: WithdrawalPolicy = {
  cooldownMs: 10_000,
  maxCooldownMs: 15 * 60_000,
  screenBurst: 50,
  screenRefillMs: 10_000,
  globalBurst: 200,
  globalRefillMs: 500,
};

interface Bucket {
  tokens: number;
  at: number;
}

function refill(b: Bucket, burst: number, refillMs: number, now: number): void {
  if (now > b.at) {
    b.tokens = Math.min(burst, b.tokens + (now - b.at) / refillMs);
    b.at = now;
  }
}

/**
 * The pure decision: may a withdrawal of `campaignId`, asked for by `screenId`'s report, go out now?
 * Only a 'publish' answer takes tokens and starts a cool-down.
 */
export class WithdrawalLimiter {
  readonly #p: WithdrawalPolicy;
  /** campaign id -> last withdrawal and how many in a row (each within twice the longest cool-down). */
  readonly #campaigns = new Map<string, { at: number; streak: number }>();
  readonly #screens = new Map<string, Bucket>();
  readonly #global: Bucket;

  constructor(policy: Partial<WithdrawalPolicy> = {}, now = Date.now()) {
    this.#p = { ...DEFAULT_WITHDRAWAL_POLICY, ...policy };
    this.#global = { tokens: this.#p.globalBurst, at: now };
  }

  /** The cool-down in force for a campaign after its last withdrawal (0 if none). */
  cooldownOf(campaignId: string, now: number): number {
    const c = this.#campaigns.get(campaignId);
    if (!c || now - c.at >= 2 * this.#p.maxCooldownMs) return 0;
    return Math.min(this.#p.maxCooldownMs, this.#p.cooldownMs * 2 ** (c.streak - 1));
  }

  decide(screenId: string, campaignId: string, now: number): WithdrawalDecision {
    const p = this.#p;
    const last = this.#campaigns.get(campaignId);
    if (last && now - last.at < this.cooldownOf(campaignId, now)) return 'cooldown';
    let screen = this.#screens.get(screenId);
    if (!screen) {
      screen = { tokens: p.screenBurst, at: now };
      this.#screens.set(screenId, screen);
    }
    refill(screen, p.screenBurst, p.screenRefillMs, now);
    if (screen.tokens < 1) return 'screen_limited';
    refill(this.#global, p.globalBurst, p.globalRefillMs, now);
    if (this.#global.tokens < 1) return 'global_limited';
    screen.tokens -= 1;
    this.#global.tokens -= 1;
    const streak = last && now - last.at < 2 * p.maxCooldownMs ? last.streak + 1 : 1;
    this.#campaigns.set(campaignId, { at: now, streak });
    return 'publish';
  }

  /** Forgets what no longer limits anything (full buckets, expired cool-downs): bounded memory. */
  prune(now: number): void {
    for (const [id, c] of this.#campaigns)
      if (now - c.at >= 2 * this.#p.maxCooldownMs) this.#campaigns.delete(id);
    for (const [id, b] of this.#screens) {
      refill(b, this.#p.screenBurst, this.#p.screenRefillMs, now);
      if (b.tokens >= this.#p.screenBurst) this.#screens.delete(id);
    }
  }

  get tracked(): { campaigns: number; screens: number } {
    return { campaigns: this.#campaigns.size, screens: this.#screens.size };
  }
}

const withdrawalsTotal = counter(
  'stander_campaign_withdrawals_total',
  'Withdrawals published again because a screen reported a campaign the store no longer has, by outcome ' +
    '(published, cooldown, screen_limited, global_limited, failed)',
  ['outcome'],
);

export interface WithdrawalReconcilerOptions {
  bus: Bus;
  store: Pick<Store, 'hasCampaign' | 'campaignTombstones'>;
  log: Logger;
  policy?: Partial<WithdrawalPolicy>;
  now?: () => number;
}

/** Listens to screens' status and health and re-publishes withdrawals they missed. */
export class WithdrawalReconciler {
  readonly #o: WithdrawalReconcilerOptions;
  readonly #now: () => number;
  readonly #limiter: WithdrawalLimiter;
  readonly #unsubs: Array<() => void> = [];
  #limitedWarned = new Set<string>();
  #sweep: NodeJS.Timeout | null = null;
  #published = 0;

  constructor(o: WithdrawalReconcilerOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.#limiter = new WithdrawalLimiter(o.policy, this.#now());
  }

  async start(): Promise<void> {
    const { bus } = this.#o;
    this.#unsubs.push(
      await bus.subscribe(filters.allScreenChannel('status'), (t, p) => this.#onStatus(t, p)),
      await bus.subscribe(filters.allScreenChannel('health'), (t, p) => this.#onHealth(t, p)),
    );
    this.#sweep = setInterval(() => {
      this.#limiter.prune(this.#now());
      this.#limitedWarned.clear();
    }, 60_000);
    this.#sweep.unref();
  }

  stop(): void {
    for (const u of this.#unsubs.splice(0)) u();
    if (this.#sweep) clearInterval(this.#sweep);
    this.#sweep = null;
  }

  /** Withdrawals published since start. */
  get published(): number {
    return this.#published;
  }

  #onStatus(topic: string, payload: Buffer): void {
    if (payload.length === 0) return; // a cleared status (screen removed)
    const d = decodePayload(StatusSchema, payload);
    // The last will is built at connect time and the screen is gone: its next report will do.
    if (!d.ok || d.value.state !== 'online' || !d.value.campaigns) return;
    this.#check(topic, d.value.campaigns);
  }

  #onHealth(topic: string, payload: Buffer): void {
    const d = decodePayload(HealthSchema, payload);
    if (d.ok && d.value.campaigns) this.#check(topic, d.value.campaigns);
  }

  #check(topic: string, held: HeldCampaigns): void {
    if (held.length === 0) return;
    const parsed = parseTopic(topic);
    if (parsed?.kind !== 'screen') return;
    for (const c of held) {
      if (this.#o.store.hasCampaign(c.id)) continue;
      this.#withdraw(parsed.screenId, c.id, c.version);
    }
  }

  #withdraw(screenId: string, campaignId: string, version: number): void {
    const { log, bus } = this.#o;
    const outcome = this.#limiter.decide(screenId, campaignId, this.#now());
    if (outcome !== 'publish') {
      withdrawalsTotal.inc({ outcome });
      if (outcome !== 'cooldown' && !this.#limitedWarned.has(screenId)) {
        this.#limitedWarned.add(screenId);
        log.warn(
          { screenId, campaignId, outcome },
          'screen reports more withdrawn campaigns than the rate limit lets through',
        );
      }
      return;
    }
    const tomb = this.#o.store.campaignTombstones().find((t) => t.id === campaignId);
    this.#published++;
    withdrawalsTotal.inc({ outcome: 'published' });
    log.info(
      { screenId, campaignId, version, deletedAt: tomb?.deletedAt ?? null },
      'screen holds a campaign that no longer exists: withdrawal published again',
    );
    clearCampaign(bus, campaignId).catch((err: unknown) => {
      withdrawalsTotal.inc({ outcome: 'failed' });
      log.error({ err, campaignId }, 'publishing a withdrawal failed');
    });
  }
}
