import { createHash, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import type { ScreenCreateSchema, ScreenUpdateSchema } from '../../protocol/index.ts';
import { type DocumentStore, replaceWhere } from './core.ts';
import { ConflictError, NotFoundError } from './errors.ts';
import { uniqueId } from './ids.ts';
import { hashToken, randomSecret, verifyToken } from './passwords.ts';
import type { ScreenRecord } from './schema.ts';

export type ScreenInput = z.output<typeof ScreenCreateSchema>;
export type ScreenPatch = z.output<typeof ScreenUpdateSchema>;

export interface ScreenRegistryDeps {
  now: () => string;
  /** Computes the Mosquitto password-file hash of a device token (external Mosquitto mode). */
  mosquittoHash?: (token: string) => string | Promise<string>;
  /** Called when a screen is deleted (its health history goes too). */
  forget: (id: string) => void;
}

/**
 * The screens of the database and their device tokens: provisioning (one or a batch), updates,
 * token rotation, removal, and device authentication. Tokens are stored only as hashes; a token
 * hashed with scrypt (before SHA-256 was used) is re-hashed with SHA-256 the first time it verifies.
 */
export class ScreenRegistry {
  readonly #doc: DocumentStore;
  readonly #deps: ScreenRegistryDeps;
  /** screenId -> sha256(token) of the last token that verified, so reconnects stay cheap. */
  readonly #verified = new Map<string, Buffer>();
  /** screenId -> the scrypt hash an upgrade replaced, and the SHA-256 hash it wrote (see tokenHashes). */
  readonly #upgradedFrom = new Map<string, { from: string; to: string }>();
  /** Stored scrypt token hashes replaced by SHA-256 ones since open (for tests and logs). */
  upgradedTokens = 0;
  /**
   * id -> record of the committed screens array. Every store write commits new arrays (shallowDraft),
   * so the index is valid exactly while the array is the same object: a lookup per MQTT connect stays
   * O(1) at 10,000 screens instead of a scan, and is rebuilt once after a write.
   */
  #index: { of: readonly ScreenRecord[]; byId: Map<string, ScreenRecord> } | null = null;

  constructor(doc: DocumentStore, deps: ScreenRegistryDeps) {
    this.#doc = doc;
    this.#deps = deps;
  }

  list(): ScreenRecord[] {
    return structuredClone(this.#doc.data.screens);
  }
  /** Each screen's current token hash, read in place (no copy of the records): cheap to call often. */
  /**
   * A screen whose scrypt hash was upgraded still reports the old hash here, as long as the stored
   * one is the upgrade's: the credential did not change, so the broker's revocation check
   * (CredentialWatcher) must not disconnect the screen that just logged in with it.
   */
  tokenHashes(): Map<string, string> {
    const out = new Map<string, string>();
    for (const s of this.#doc.data.screens) {
      const alias = this.#upgradedFrom.get(s.id);
      out.set(s.id, alias && alias.to === s.tokenHash ? alias.from : s.tokenHash);
    }
    return out;
  }
  get(id: string): ScreenRecord | null {
    const s = this.#find(id);
    return s ? structuredClone(s) : null;
  }

  #find(id: string): ScreenRecord | undefined {
    const screens = this.#doc.data.screens;
    if (this.#index?.of !== screens)
      this.#index = { of: screens, byId: new Map(screens.map((s) => [s.id, s])) };
    return this.#index.byId.get(id);
  }

  /** Provisions a screen; the plain device token is returned this once and never stored. */
  async create(input: ScreenInput): Promise<{ screen: ScreenRecord; token: string }> {
    const [one] = await this.createMany([input]);
    return one!;
  }

  /**
   * Provisions screens all or nothing, with one durable write: if any explicit id is taken (or given
   * twice), nothing is stored and the ConflictError's issues name each such item (`screens.{i}.id`).
   * Tokens are returned in input order, this once.
   */
  async createMany(inputs: readonly ScreenInput[]): Promise<Array<{ screen: ScreenRecord; token: string }>> {
    const secrets = await Promise.all(inputs.map(async () => this.#newToken()));
    const at = this.#deps.now();
    const screens = await this.#doc.mutate((db) => {
      const ids = new Set(db.screens.map((s) => s.id));
      const issues: Array<{ path: string; message: string }> = [];
      const wanted = new Set<string>();
      inputs.forEach((input, i) => {
        if (!input.id) return;
        if (ids.has(input.id) || wanted.has(input.id))
          issues.push({ path: `screens.${i}.id`, message: `screen "${input.id}" already exists` });
        wanted.add(input.id);
      });
      if (issues.length === 1 && inputs.length === 1) throw new ConflictError(issues[0]!.message, issues);
      if (issues.length)
        throw new ConflictError(
          `${issues.length} of ${inputs.length} screens conflict: ${issues[0]!.path}: ${issues[0]!.message}`,
          issues.slice(0, 50),
        );
      // Explicit ids first, so a generated one never takes an id named later in the batch.
      for (const id of wanted) ids.add(id);
      const taken = (id: string) => ids.has(id);
      return inputs.map((input, i) => {
        const id = input.id ?? uniqueId(input.name, taken);
        ids.add(id);
        const record = screenRecord(id, input, secrets[i]!, at);
        db.screens.push(record);
        return record;
      });
    });
    return screens.map((screen, i) => ({ screen: structuredClone(screen), token: secrets[i]!.token }));
  }

  /** Changes a screen's configuration; its configVersion goes up by one. */
  async update(id: string, patch: ScreenPatch): Promise<ScreenRecord> {
    const at = this.#deps.now();
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
  async rotateToken(id: string): Promise<string> {
    if (!this.get(id)) throw new NotFoundError(`no screen "${id}"`);
    const { token, tokenHash, mosquittoHash } = await this.#newToken();
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
    this.#upgradedFrom.delete(id);
    return token;
  }

  async delete(id: string): Promise<void> {
    await this.#doc.mutate((db) => {
      const i = db.screens.findIndex((s) => s.id === id);
      if (i < 0) throw new NotFoundError(`no screen "${id}"`);
      db.screens.splice(i, 1);
    });
    this.#verified.delete(id);
    this.#upgradedFrom.delete(id);
    this.#deps.forget(id);
  }

  /** Device authentication for the broker and content downloads; constant-time comparisons. */
  async verifyToken(id: string, token: string): Promise<boolean> {
    const screen = this.#find(id);
    if (!screen || !token || token.length > 500) return false;
    const digest = createHash('sha256').update(token).digest();
    const known = this.#verified.get(id);
    if (known && timingSafeEqual(known, digest)) return true;
    const hash = screen.tokenHash;
    const ok = await verifyToken(token, hash);
    // Only cache (and upgrade) if the token was not rotated while an (older, scrypt) hash was checked.
    if (!ok || this.#find(id)?.tokenHash !== hash) return ok;
    this.#verified.set(id, digest);
    if (!hash.startsWith('sha256$')) await this.#upgrade(id, hash, token);
    return ok;
  }

  /**
   * Replaces a verified scrypt hash by the SHA-256 one (one durable write), so the next start does
   * not pay scrypt for this screen again. A failed write leaves the old hash, which still verifies.
   */
  async #upgrade(id: string, oldHash: string, token: string): Promise<void> {
    const tokenHash = hashToken(token);
    try {
      const done = await this.#doc.mutate((db) => {
        const next = replaceWhere(
          db.screens,
          (s) => s.id === id && s.tokenHash === oldHash,
          (s) => ({ ...s, tokenHash }),
        );
        // Before the write commits, so no revocation check can see the new hash without its alias.
        if (next) this.#upgradedFrom.set(id, { from: oldHash, to: tokenHash });
        return Boolean(next);
      });
      if (done) this.upgradedTokens++;
    } catch {
      // The store is closing or its disk is full: the scrypt hash stays valid; the next check retries.
      this.#verified.delete(id);
      this.#upgradedFrom.delete(id);
    }
  }

  async #newToken(): Promise<{ token: string; tokenHash: string; mosquittoHash: string | undefined }> {
    const token = randomSecret(32);
    const mosquittoHash = this.#deps.mosquittoHash ? await this.#deps.mosquittoHash(token) : undefined;
    return { token, tokenHash: hashToken(token), mosquittoHash };
  }
}

function screenRecord(
  id: string,
  input: ScreenInput,
  secret: { tokenHash: string; mosquittoHash: string | undefined },
  at: string,
): ScreenRecord {
  return {
    id,
    name: input.name,
    profile: input.profile,
    location: input.location,
    groups: input.groups,
    tags: input.tags,
    languages: input.languages,
    defaultLanguage: input.defaultLanguage,
    feeds: input.feeds ?? { transport: [], parking: [], water: [], events: [] },
    displayHours: input.displayHours,
    ...(input.theme && input.theme !== 'auto' ? { theme: input.theme } : {}),
    healthIntervalS: 30,
    idleTimeoutS: 60,
    tokenHash: secret.tokenHash,
    ...(secret.mosquittoHash ? { mosquittoHash: secret.mosquittoHash } : {}),
    configVersion: 1,
    createdAt: at,
    updatedAt: at,
  };
}
