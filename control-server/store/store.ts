import path from 'node:path';
import type { z } from 'zod';
import type { Campaign, CampaignInputSchema, CommandResult, Health, Role } from '../../protocol/index.ts';
import { type DocumentStore, replaceWhere } from './core.ts';
import { appendDurably } from './durable-file.ts';
import { ConflictError, NotFoundError } from './errors.ts';
import type { HealthHistory, HealthSample } from './health-history.ts';
import { uniqueId } from './ids.ts';
import type {
  AuditEntry,
  CampaignRecord,
  CampaignTombstone,
  CommandRecord,
  ContentRecord,
  Database,
  GroupRecord,
  ScreenRecord,
} from './schema.ts';
import { type ScreenInput, type ScreenPatch, ScreenRegistry } from './screens.ts';
import { createUser, listUsers, type UserChange, type UserView, updateUser, verifyUser } from './users.ts';

export type CampaignInputParsed = z.output<typeof CampaignInputSchema>;
export type NewAuditEntry = Omit<AuditEntry, 'seq' | 'at'> & { at?: string };

export { ConflictError, NotFoundError } from './errors.ts';
export type { ScreenInput, ScreenPatch } from './screens.ts';
export type { UserChange, UserView } from './users.ts';

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
  readonly #screens: ScreenRegistry;

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
    this.#screens = new ScreenRegistry(doc, {
      now: () => this.#now(),
      ...(opts.mosquittoHash ? { mosquittoHash: opts.mosquittoHash } : {}),
      forget: (id) => health.forget(id),
    });
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

  // ---- screens (screens.ts) ------------------------------------------------------------------

  listScreens(): ScreenRecord[] {
    return this.#screens.list();
  }
  /** screen id -> token hash, without copying the records (the broker's revocation check). */
  screenTokenHashes(): Map<string, string> {
    return this.#screens.tokenHashes();
  }
  getScreen(id: string): ScreenRecord | null {
    return this.#screens.get(id);
  }
  /** Provisions a screen; the plain device token is returned this once and never stored. */
  createScreen(input: ScreenInput): Promise<{ screen: ScreenRecord; token: string }> {
    return this.#screens.create(input);
  }
  /** Provisions screens all or nothing in one durable write; tokens in input order, this once. */
  createScreens(inputs: readonly ScreenInput[]): Promise<Array<{ screen: ScreenRecord; token: string }>> {
    return this.#screens.createMany(inputs);
  }
  /** Changes a screen's configuration; its configVersion goes up by one. */
  updateScreen(id: string, patch: ScreenPatch): Promise<ScreenRecord> {
    return this.#screens.update(id, patch);
  }
  /** Issues a new device token; the old one stops working at once. */
  rotateScreenToken(id: string): Promise<string> {
    return this.#screens.rotateToken(id);
  }
  deleteScreen(id: string): Promise<void> {
    return this.#screens.delete(id);
  }
  /** Device authentication for the broker and content downloads (an older scrypt hash is upgraded). */
  verifyScreenToken(id: string, token: string): Promise<boolean> {
    return this.#screens.verifyToken(id, token);
  }
  /** Scrypt token hashes replaced by SHA-256 ones since open. */
  get upgradedTokens(): number {
    return this.#screens.upgradedTokens;
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
  /** Whether a campaign exists, without copying it (for checks made per screen message). */
  hasCampaign(id: string): boolean {
    return this.#doc.data.campaigns.some((x) => x.campaign.id === id);
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

  // ---- users (users.ts) ----------------------------------------------------------------------

  listUsers(): UserView[] {
    return listUsers(this.#doc.data);
  }
  getUser(username: string): UserView | null {
    return this.listUsers().find((u) => u.username === username) ?? null;
  }
  createUser(username: string, role: Role, password: string): Promise<void> {
    return createUser(this.#doc, this.#now(), { username, role, password });
  }
  updateUser(username: string, change: UserChange): Promise<void> {
    return updateUser(this.#doc, username, change);
  }
  /** The user when the password is right and the account enabled; same cost for unknown names. */
  verifyUser(username: string, password: string): Promise<UserView | null> {
    return verifyUser(this.#doc.data, username, password);
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
