import { open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';

/**
 * A lowdb adapter for a JSON file that survives power loss and kill -9: each write goes to a temp
 * file which is fsynced, renamed over the database and followed by an fsync of the directory, so
 * after a crash the file is either the old or the new document, never a torn one, and an
 * acknowledged write is on disk. (lowdb's own JSONFile renames but does not fsync.)
 *
 * read() returns null only when the file does not exist; unreadable or unparsable content raises
 * StoreFileError and the file is left untouched for a person to look at.
 */
export class StoreFileError extends Error {
  override readonly name = 'StoreFileError';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(
      `database ${file} cannot be used: ${reason}. It has not been modified; fix or move it away and start again.`,
    );
  }
}

export class DurableJsonFile<T> implements Adapter<T> {
  readonly file: string;
  readonly #tmp: string;
  readonly #dir: string;

  constructor(file: string) {
    this.file = path.resolve(file);
    this.#dir = path.dirname(this.file);
    this.#tmp = path.join(this.#dir, `.${path.basename(this.file)}.tmp`);
  }

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return null;
      throw new StoreFileError(this.file, `it cannot be read (${code ?? (e as Error).message})`);
    }
    if (text.trim() === '') throw new StoreFileError(this.file, 'it is empty');
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new StoreFileError(this.file, `it is not valid JSON (${(e as Error).message})`);
    }
  }

  async write(data: T): Promise<void> {
    const text = `${JSON.stringify(data)}\n`;
    const fh = await open(this.#tmp, 'w', 0o600);
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await rename(this.#tmp, this.file);
    } catch (e) {
      await unlink(this.#tmp).catch(() => undefined);
      throw e;
    }
    await fsyncDir(this.#dir);
  }
}

/** Makes a rename durable: fsync of the directory entry (a no-op where the platform refuses it). */
export async function fsyncDir(dir: string): Promise<void> {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM') throw e;
  } finally {
    await fh?.close();
  }
}

/** Writes a small file durably (temp, fsync, rename, fsync dir). */
export async function writeFileDurably(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  await fsyncDir(path.dirname(file));
}

/** Appends lines and fsyncs them (for the audit archive). */
export async function appendDurably(file: string, text: string): Promise<void> {
  const fh = await open(file, 'a', 0o600);
  try {
    await fh.appendFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * One server per data directory: a lock file holding the owner's pid. A lock left by a process
 * that no longer exists (kill -9, power loss) is taken over.
 */
export async function acquireDirLock(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, 'server.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return async () => {
        await unlink(file).catch(() => undefined);
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new Error(`data directory ${dir} is in use by another Stander server (pid ${pid})`);
      }
      await unlink(file).catch(() => undefined);
    }
  }
  throw new Error(`cannot lock data directory ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
