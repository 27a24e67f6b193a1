import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describeZodError } from '../../protocol/index.ts';
import type { Logger } from '../log.ts';
import { DocumentStore } from './core.ts';
import { acquireDirLock, DurableJsonFile, StoreFileError } from './durable-file.ts';
import { HealthHistory } from './health-history.ts';
import { MigrationError, migrate } from './migrations.ts';
import { type Database, DatabaseSchema, emptyDatabase } from './schema.ts';
import { DB_FILE, Store, type StoreOptions } from './store.ts';

export * from './schema.ts';
export * from './store.ts';
export { StoreFileError } from './durable-file.ts';
export type { HealthSample } from './health-history.ts';
export { hashSecret, randomSecret, verifySecret } from './passwords.ts';
export { type AdminBootstrap, ensureAdmin } from './bootstrap.ts';

/**
 * Opens (or creates) the database in dataDir. A missing file starts an empty database; a file that
 * cannot be read, parsed, migrated or validated throws StoreFileError and is left exactly as it was.
 */
export async function openStore(dataDir: string, log: Logger, opts: StoreOptions = {}): Promise<Store> {
  const dir = path.resolve(dataDir);
  await mkdir(path.join(dir, 'content'), { recursive: true });
  const release = await acquireDirLock(dir);
  try {
    const adapter = new DurableJsonFile<Database>(path.join(dir, DB_FILE));
    const raw = await adapter.read();
    let data: Database;
    let migratedFrom: number | null = null;
    if (raw === null) {
      data = emptyDatabase();
    } else {
      let migrated: ReturnType<typeof migrate>;
      try {
        migrated = migrate(raw);
      } catch (e) {
        if (e instanceof MigrationError) throw new StoreFileError(adapter.file, e.message);
        throw e;
      }
      const r = DatabaseSchema.safeParse(migrated.doc);
      if (!r.success)
        throw new StoreFileError(adapter.file, `it does not match the schema (${describeZodError(r.error)})`);
      data = r.data;
      if (migrated.steps > 0) migratedFrom = migrated.from;
    }
    const doc = new DocumentStore(adapter, data);
    if (raw === null || migratedFrom !== null) {
      if (migratedFrom !== null) {
        // Keep the pre-migration file: a downgrade or a bad migration can be undone by hand.
        await copyFile(adapter.file, `${adapter.file}.v${migratedFrom}.bak`);
        log.info({ from: migratedFrom, to: data.schemaVersion }, 'database migrated');
      }
      await doc.writeNow();
    }
    const health = new HealthHistory(dir, {
      flushEveryMs: opts.healthFlushMs,
      onError: (e) => log.error({ err: e }, 'health history write failed'),
    });
    const loaded = await health.load();
    if (loaded.discarded) log.warn({ reason: loaded.discarded }, 'health history discarded');
    log.info(
      { file: adapter.file, screens: data.screens.length, campaigns: data.campaigns.length },
      'store open',
    );
    return new Store(dir, doc, health, release, opts);
  } catch (e) {
    await release();
    throw e;
  }
}
