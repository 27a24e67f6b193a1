import { SCHEMA_VERSION } from './schema.ts';

/**
 * Upgrades of the database document, one function per version step. Each takes the raw JSON of
 * version N and returns version N+1; the result is validated against the current schema afterwards.
 * A document from a newer Stander is refused rather than guessed at.
 */
type Json = Record<string, unknown>;
type Migration = (doc: Json) => Json;

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asObject = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

/**
 * Version 1 (the first release) kept campaigns as a map of bare campaign messages, had no groups,
 * commands or tombstones, screens without configVersion/updatedAt, and audit entries
 * `{at, user, action, target, ok}`. Version 2 keeps campaign metadata, numbers audit entries and
 * distinguishes denied/invalid/not-found outcomes.
 */
function v1ToV2(doc: Json): Json {
  const campaigns = Object.values(asObject(doc.campaigns)).map((c) => {
    const campaign = asObject(c);
    const at = typeof campaign.updatedAt === 'string' ? campaign.updatedAt : new Date(0).toISOString();
    return { campaign, createdAt: at, createdBy: 'migrated', updatedBy: 'migrated' };
  });
  const screens = asArray(doc.screens).map((s) => {
    const screen = asObject(s);
    return {
      ...screen,
      configVersion: typeof screen.configVersion === 'number' ? screen.configVersion : 1,
      updatedAt: screen.updatedAt ?? screen.createdAt,
    };
  });
  const audit = asArray(doc.audit).map((e, i) => {
    const entry = asObject(e);
    return {
      seq: i + 1,
      at: entry.at,
      actor: typeof entry.user === 'string' ? entry.user : 'unknown',
      action: entry.action,
      target: typeof entry.target === 'string' ? entry.target : null,
      outcome: entry.ok === true ? 'ok' : 'error',
    };
  });
  return {
    schemaVersion: 2,
    auditSeq: audit.length + 1,
    screens,
    groups: [],
    campaigns,
    campaignTombstones: [],
    content: asArray(doc.content),
    users: asArray(doc.users),
    audit,
    commands: [],
  };
}

const MIGRATIONS: Record<number, Migration> = { 1: v1ToV2 };

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** Brings a raw document to SCHEMA_VERSION; returns the versions it went through. */
export function migrate(raw: unknown): { doc: unknown; from: number; steps: number } {
  const doc = asObject(raw);
  const from = doc.schemaVersion;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1) {
    throw new MigrationError('the document has no valid "schemaVersion"');
  }
  if (from > SCHEMA_VERSION) {
    throw new MigrationError(
      `schemaVersion ${from} was written by a newer Stander (this one reads up to ${SCHEMA_VERSION})`,
    );
  }
  let current: Json = doc;
  let steps = 0;
  for (let v = from; v < SCHEMA_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) throw new MigrationError(`no migration from schemaVersion ${v}`);
    current = step(current);
    steps++;
  }
  return { doc: current, from, steps };
}
