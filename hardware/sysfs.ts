import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Small, failure-tolerant helpers for reading and writing Linux sysfs attributes under a root path.
 * Every driver takes a root ('/' on a device, a temp dir in tests and in the simulator) and never
 * throws on a missing or unreadable attribute: it returns a typed failure with the errno code, so a
 * broken sensor degrades one reading instead of the whole health report.
 */

export type ReadResult<T> = { ok: true; value: T } | { ok: false; error: string };

export function errorCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.message : String(err);
}

/** Joins a root and an absolute-looking sysfs path ('/sys/class/...') safely. */
export function under(root: string, path: string): string {
  return join(root, path.replace(/^\/+/, ''));
}

export async function readText(path: string): Promise<ReadResult<string>> {
  try {
    return { ok: true, value: (await readFile(path, 'utf8')).trim() };
  } catch (err) {
    return { ok: false, error: errorCode(err) };
  }
}

/** Reads an attribute holding one number (integer or decimal), e.g. "42\n" or "0.012500". */
export async function readNumber(path: string): Promise<ReadResult<number>> {
  const text = await readText(path);
  if (!text.ok) return text;
  if (!/^-?\d+(\.\d+)?$/.test(text.value)) return { ok: false, error: 'EINVAL' };
  const value = Number(text.value);
  return Number.isFinite(value) ? { ok: true, value } : { ok: false, error: 'EINVAL' };
}

export async function writeText(path: string, value: string): Promise<ReadResult<true>> {
  try {
    // sysfs attributes are written in place, never via temp file + rename (that cannot work in sysfs).
    await writeFile(path, value, { flag: 'w' });
    return { ok: true, value: true };
  } catch (err) {
    return { ok: false, error: errorCode(err) };
  }
}

/** Entries of a sysfs class directory matching a prefix, sorted naturally; [] when it is missing. */
export async function listEntries(dir: string, prefix = ''): Promise<string[]> {
  try {
    const names = await readdir(dir);
    return names
      .filter((n) => n.startsWith(prefix))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  } catch {
    return [];
  }
}
