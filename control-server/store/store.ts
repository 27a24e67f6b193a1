import { createHash, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import type { z } from 'zod';
import type {
  Campaign,
  CampaignInputSchema,
  CommandResult,
  Health,
  Role,
  ScreenCreateSchema,
  ScreenUpdateSchema,
} from '../../protocol/index.ts';
import { type DocumentStore, replaceWhere } from './core.ts';
import { appendDurably } from './durable-file.ts';
import type { HealthSample, HealthHistory } from './health-history.ts';
import { uniqueId } from './ids.ts';
import {
  hashSecret,
  hashToken,
  PASSWORD_COST,
  randomSecret,
  verifySecret,
  verifyToken,
} from './passwords.ts';
import type {
  AuditEntry,
  CampaignRecord,
  CampaignTombstone,
  CommandRecord,
  ContentRecord,
  Database,
  GroupRecord,
  ScreenRecord,
  UserRecord,
} from './schema.ts';

export type ScreenInput = z.output<typeof ScreenCreateSchema>;
export type ScreenPatch = z.output<typeof ScreenUpdateSchema>;
export type CampaignInputParsed = z.output<typeof CampaignInputSchema>;
export type NewAuditEntry = Omit<AuditEntry, 'seq' | 'at'> & { at?: string };

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

export interface StoreOptions {
  /** Computes the Mosquitto password-file hash of a device token (external Mosquitto mode). */
  mosquittoHash?: (token: string) => string | Promise<string>;
  /** Audit entries kept in the database; older ones move to audit-archive.jsonl. */
  maxAudit?: number;
  /** Command records kept (oldest dropped). */
  maxCommands?: number;
  healthFlushMs?: number;
  now?: () => Date;
}

export const DB_FILE = 'db.json';

export class Store {
  readonly contentDir: string;
  readonly #doc: DocumentStore;
  readonly #health: HealthHistory;
  readonly #opts: StoreOptions;
  readonly #release: () => Promise<void>;
  /** screenId -> sha256(token) of the last token that verified, so reconnects stay cheap (older scrypt hashes). */
  readonly #verified = new Map<string, Buffer>();

  constructor(
    readonly dataDir: string,
    doc: DocumentStore,
    health: HealthHistory,
    release: () => Promise<void>,
    opts: StoreOptions,
  ) {
    this.contentDir = path.join(dataDir, 'content');
    this.#doc = doc;
    this.#health = health;
    this.#release = release;
    this.#opts = opts;
  }

  get file(): string {
    return path.join(this.dataDir, DB_FILE);
  }
  /** Durable writes done since open (for tests and metrics). */
  get writes(): number {
    return this.#doc.writes;
  }
  #now(): string {
    return (this.#opts.now?.() ?? new Date()).toISOString();
  }

  // ---- screens -------------------------------------------------------------------------------

  listScreens(): ScreenRecord[] {
    return structuredClone(this.#doc.data.screens);
  }
  getScreen(id: string): ScreenRecord | null {
    const s = this.#doc.data.screens.find((x) => x.id === id);
    return s ? structuredClone(s) : null;
  }

  /** Provisions a screen; the plain device token is returned this once and never stored. */
  async createScreen(input: ScreenInput): Promise<{ screen: ScreenRecord; token: string }> {
    const token = randomSecret(32);
    const tokenHash = hashToken(token);
    const mosquittoHash = this.#opts.mosquittoHash ? await this.#opts.mosquittoHash(token) : undefined;
    const at = this.#now();
    const screen = await this.#doc.mutate((db) => {
      const taken = (id: string) => db.screens.some((s) => s.id === id);
      if (input.id && taken(input.id)) throw new ConflictError(`screen "${input.id}" already exists`);
      const record: ScreenRecord = {
        id: input.id ?? uniqueId(input.name, taken),
        name: input.name,
        profile: input.profile,
        location: input.location,
        groups: input.groups,
        tags: input.tags,
        languages: input.languages,
        defaultLanguage: input.defaultLanguage,
        feeds: input.feeds ?? { transport: [], parking: [], water: [], events: [] },
        displayHours: input.displayHours,
        healthIntervalS: 30,
        idleTimeoutS: 60,
        tokenHash,
        ...(mosquittoHash ? { mosquittoHash } : {}),
        configVersion: 1,
        createdAt: at,
        updatedAt: at,
      };
      db.screens.push(record);
      return record;
    });
    return { screen: structuredClone(screen), token };
  }

  /** Changes a screen's configuration; its configVersion goes up by one. */
  async updateScreen(id: string, patch: ScreenPatch): Promise<ScreenRecord> {
    const at = this.#now();
    const updated = await this.#doc.mutate((db) => {
      const i = db.screens.findIndex((s) => s.id === id);
      const old = db.screens[i];
      if (!old) throw new NotFoundError(`no screen "${id}"`);
      const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      const next: ScreenRecord = { ...old, ...defined, configVersion: old.configVersion + 1, updatedAt: at };
      db.screens[i] = next;
      return next;
    });
    return structuredClone(updated);
  }

  /** Issues a new device token; the old one stops working at once. */
  async rotateScreenToken(id: string): Promise<string> {
    if (!this.getScreen(id)) throw new NotFoundError(`no screen "${id}"`);
    const token = randomSecret(32);
    const tokenHash = hashToken(token);
    const mosquittoHash = this.#opts.mosquittoHash ? await this.#opts.mosquittoHash(token) : undefined;
    await this.#doc.mutate((db) => {
      const next = replaceWhere(
        db.screens,
        (x) => x.id === id,
        ({ mosquittoHash: _old, ...s }) => ({
          ...s,
          tokenHash,
          ...(mosquittoHash ? { mosquittoHash } : {}),
        }),
      );
      if (!next) throw new NotFoundError(`no screen "${id}"`);
    });
    this.#verified.delete(id);
    return token;
  }

  async deleteScreen(id: string): Promise<void> {
    await this.#doc.mutate((db) => {
      const i = db.screens.findIndex((s) => s.id === id);
      if (i < 0) throw new NotFoundError(`no screen "${id}"`);
      db.screens.splice(i, 1);
    });
    this.#verified.delete(id);
    this.#health.forget(id);
  }

  /** Device authentication for the broker and content downloads; constant-time comparisons. */
  async verifyScreenToken(id: string, token: string): Promise<boolean> {
    const screen = this.#doc.data.screens.find((s) => s.id === id);
    if (!screen || !token || token.length > 500) return false;
    const digest = createHash('sha256').update(token).digest();
    const known = this.#verified.get(id);
    if (known && timingSafeEqual(known, digest)) return true;
    const hash = screen.tokenHash;
    const ok = await verifyToken(token, hash);
    // Only cache if the token was not rotated while an (older, scrypt) hash was checked.
    if (ok && this.#doc.data.screens.find((s) => s.id === id)?.tokenHash === hash)
      this.#verified.set(id, digest);
    return ok;
  }

  // ---- groups --------------------------------------------------------------------------------

  listGroups(): GroupRecord[] {
    return structuredClone(this.#doc.data.groups);
  }
  async upsertGroup(group: Omit<GroupRecord, 'createdAt'>): Promise<GroupRecord> {
    const at = this.#now();
    return this.#doc.mutate((db) => {
      const existing = db.groups.find((g) => g.id === group.id);
      const record: GroupRecord = { ...group, createdAt: existing?.createdAt ?? at };
      if (
        !replaceWhere(
          db.groups,
          (g) => g.id === group.id,
          () => record,
        )
      )
        db.groups.push(record);
      return structuredClone(record);
    });
  }
  async deleteGroup(id: string): Promise<void> {
    await this.#doc.mutate((db) => {
      const i = db.groups.findIndex((g) => g.id === id);
      if (i < 0) throw new NotFoundError(`no group "${id}"`);
      db.groups.splice(i, 1);
    });
  }

  // ---- campaigns -----------------------------------------------------------------------------

  listCampaigns(): CampaignRecord[] {
    return structuredClone(this.#doc.data.campaigns);
  }
  getCampaign(id: string): CampaignRecord | null {
    const c = this.#doc.data.campaigns.find((x) => x.campaign.id === id);
    return c ? structuredClone(c) : null;
  }
  campaignTombstones(): CampaignTombstone[] {
    return structuredClone(this.#doc.data.campaignTombstones);
  }

  async createCampaign(
    input: CampaignInputParsed,
    actor: string,
    requires: string[] = [],
  ): Promise<Campaign> {
    const at = this.#now();
    return this.#doc.mutate((db) => {
      requireContent(db, requires);
      const taken = (id: string) =>
        db.campaigns.some((c) => c.campaign.id === id) || db.campaignTombstones.some((t) => t.id === id);
      const campaign: Campaign = {
        ...input,
        id: uniqueId(input.name, taken, true),
        version: 1,
        updatedAt: at,
      };
      db.campaigns.push({ campaign, createdAt: at, createdBy: actor, updatedBy: actor });
      return structuredClone(campaign);
    });
  }

  async updateCampaign(
    id: string,
    input: CampaignInputParsed,
    actor: string,
    requires: string[] = [],
  ): Promise<Campaign> {
    const at = this.#now();
    return this.#doc.mutate((db) => {
      requireContent(db, requires);
      const rec = replaceWhere(
        db.campaigns,
        (c) => c.campaign.id === id,
        (old) => ({
          ...old,
          campaign: { ...input, id, version: old.campaign.version + 1, updatedAt: at },
          updatedBy: actor,
        }),
      );
      if (!rec) throw new NotFoundError(`no campaign "${id}"`);
      return structuredClone(rec.campaign);
    });
  }

  async deleteCampaign(id: string, actor: string): Promise<CampaignTombstone> {
    const at = this.#now();
    return this.#doc.mutate((db) => {
      const i = db.campaigns.findIndex((c) => c.campaign.id === id);
      const rec = db.campaigns[i];
      if (!rec) throw new NotFoundError(`no campaign "${id}"`);
      db.campaigns.splice(i, 1);
      const tomb: CampaignTombstone = { id, version: rec.campaign.version, deletedAt: at, deletedBy: actor };
      db.campaignTombstones.push(tomb);
      if (db.campaignTombstones.length > 1000)
        db.campaignTombstones.splice(0, db.campaignTombstones.length - 1000);
      return tomb;
    });
  }

  // ---- content -------------------------------------------------------------------------------

  listContent(): ContentRecord[] {
    return structuredClone(this.#doc.data.content);
  }
  getContent(sha256: string): ContentRecord | null {
    const c = this.#doc.data.content.find((x) => x.sha256 === sha256);
    return c ? { ...c } : null;
  }
  contentPath(sha256: string): string {
    if (!/^[a-f0-9]{64}$/.test(sha256)) throw new Error('content names are 64 lowercase hex characters');
    return path.join(this.contentDir, sha256);
  }
  /** Records an uploaded file (already in contentDir); uploading the same bytes again keeps the first record. */
  async addContent(record: ContentRecord): Promise<{ record: ContentRecord; created: boolean }> {
    return this.#doc.mutate((db) => {
      const existing = db.content.find((c) => c.sha256 === record.sha256);
      if (existing) return { record: { ...existing }, created: false };
      db.content.push(record);
      return { record: { ...record }, created: true };
    });
  }

  /** Forgets an uploaded file (the caller removes the bytes); refused while a campaign uses it. */
  async removeContent(sha256: string): Promise<void> {
    await this.#doc.mutate((db) => {
      const i = db.content.findIndex((c) => c.sha256 === sha256);
      if (i < 0) throw new NotFoundError(`no content "${sha256}"`);
      const user = db.campaigns.find((c) =>
        c.campaign.slides.some((s) => s.kind !== 'text' && s.asset.sha256 === sha256),
      );
      if (user) throw new ConflictError(`content is used by campaign "${user.campaign.id}"`);
      db.content.splice(i, 1);
    });
  }

  // ---- users ---------------------------------------------------------------------------------

  listUsers(): Array<Omit<UserRecord, 'passwordHash'>> {
    return this.#doc.data.users.map(({ passwordHash: _omit, ...u }) => ({ ...u }));
  }
  getUser(username: string): Omit<UserRecord, 'passwordHash'> | null {
    return this.listUsers().find((u) => u.username === username) ?? null;
  }
  async createUser(username: string, role: Role, password: string): Promise<void> {
    const passwordHash = await hashSecret(password, PASSWORD_COST);
    const at = this.#now();
    await this.#doc.mutate((db) => {
      if (db.users.some((u) => u.username === username)) throw new ConflictError(`user "${username}" exists`);
      db.users.push({ username, role, passwordHash, createdAt: at, disabled: false });
    });
  }
  async updateUser(username: string, change: { role?: Role; password?: string; disabled?: boolean }) {
    const passwordHash = change.password ? await hashSecret(change.password, PASSWORD_COST) : undefined;
    await this.#doc.mutate((db) => {
      const u = replaceWhere(
        db.users,
        (x) => x.username === username,
        (old) => ({
          ...old,
          ...(change.role ? { role: change.role } : {}),
          ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
          ...(passwordHash ? { passwordHash } : {}),
        }),
      );
      if (!u) throw new NotFoundError(`no user "${username}"`);
    });
  }
  /** The user when the password is right and the account enabled; same cost for unknown names. */
  async verifyUser(username: string, password: string): Promise<Omit<UserRecord, 'passwordHash'> | null> {
    const u = this.#doc.data.users.find((x) => x.username === username);
    const ok = await verifySecret(password, u?.passwordHash ?? DUMMY_HASH);
    if (!u || !ok || u.disabled) return null;
    return this.getUser(username);
  }

  // ---- audit ---------------------------------------------------------------------------------

  async audit(entry: NewAuditEntry): Promise<AuditEntry> {
    const at = entry.at ?? this.#now();
    const max = this.#opts.maxAudit ?? 2000;
    let overflow: AuditEntry[] = [];
    const saved = await this.#doc.mutate((db) => {
      const full: AuditEntry = { ...entry, at, seq: db.auditSeq };
      db.auditSeq += 1;
      db.audit.push(full);
      if (db.audit.length > max) overflow = db.audit.splice(0, db.audit.length - max);
      return full;
    });
    // Rotated entries go to an append-only archive. If the process dies between the two writes,
    // those oldest entries are lost from the archive; the recent log is always in the database.
    if (overflow.length) {
      await appendDurably(
        path.join(this.dataDir, 'audit-archive.jsonl'),
        `${overflow.map((e) => JSON.stringify(e)).join('\n')}\n`,
      );
    }
    return saved;
  }
  /** Newest first. */
  listAudit(
    filter: { limit?: number; actor?: string; target?: string; afterSeq?: number } = {},
  ): AuditEntry[] {
    const out: AuditEntry[] = [];
    const audit = this.#doc.data.audit;
    for (let i = audit.length - 1; i >= 0 && out.length < (filter.limit ?? 100); i--) {
      const e = audit[i]!;
      if (filter.afterSeq !== undefined && e.seq <= filter.afterSeq) break;
      if (filter.actor && e.actor !== filter.actor) continue;
      if (filter.target && e.target !== filter.target) continue;
      out.push({ ...e });
    }
    return out;
  }

  // ---- commands ------------------------------------------------------------------------------

  async addCommand(record: CommandRecord): Promise<void> {
    const max = this.#opts.maxCommands ?? 2000;
    await this.#doc.mutate((db) => {
      if (db.commands.some((c) => c.id === record.id))
        throw new ConflictError(`command "${record.id}" exists`);
      db.commands.push(record);
      if (db.commands.length > max) db.commands.splice(0, db.commands.length - max);
    });
  }
  getCommand(screenId: string, id: string): CommandRecord | null {
    const c = this.#doc.data.commands.find((x) => x.id === id && x.screenId === screenId);
    return c ? structuredClone(c) : null;
  }
  listCommands(screenId: string, limit = 50): CommandRecord[] {
    return structuredClone(
      this.#doc.data.commands
        .filter((c) => c.screenId === screenId)
        .slice(-limit)
        .reverse(),
    );
  }
  /** Stores a screen's result for one of its commands; null when the command is unknown or not its own. */
  async setCommandResult(screenId: string, result: CommandResult): Promise<CommandRecord | null> {
    if (!this.getCommand(screenId, result.id)) return null;
    const at = this.#now();
    return this.#doc.mutate((db) => {
      const c = replaceWhere(
        db.commands,
        (x) => x.id === result.id && x.screenId === screenId,
        (old) => ({ ...old, result, resultAt: at }),
      );
      return c ? structuredClone(c) : null;
    });
  }

  // ---- health history ------------------------------------------------------------------------

  /** Keeps a compact sample of a health report in the bounded history (not written per message). */
  recordHealth(screenId: string, health: Health, now?: number): void {
    this.#health.record(screenId, health, now);
  }
  healthHistory(screenId: string, sinceMs = 0): HealthSample[] {
    return this.#health.history(screenId, sinceMs);
  }
  flushHealth(): Promise<void> {
    return this.#health.flush();
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /** Resolves when every queued write is on disk. */
  idle(): Promise<void> {
    return this.#doc.idle();
  }
  async close(): Promise<void> {
    await this.#doc.close();
    await this.#health.close();
    await this.#release();
  }
}

/** In the same write as the campaign: the uploads it names still exist (no race with a delete). */
function requireContent(db: Database, shas: readonly string[]): void {
  for (const sha of shas) {
    if (!db.content.some((c) => c.sha256 === sha))
      throw new ConflictError(`content ${sha} was deleted meanwhile`);
  }
}

/** A valid hash nobody's password matches, so unknown usernames cost as much as wrong passwords. */
const DUMMY_HASH = `scrypt$${PASSWORD_COST.N}$${PASSWORD_COST.r}$${PASSWORD_COST.p}$${Buffer.alloc(16, 7).toString('base64url')}$${Buffer.alloc(32).toString('base64url')}`;
