import { statfs } from 'node:fs/promises';
import { errorCode, type ReadResult } from './sysfs.ts';

export interface DiskReading {
  /** Bytes available to an unprivileged process (f_bavail), which is what the cache can use. */
  freeBytes: number;
  totalBytes: number;
}

export async function readDisk(path: string): Promise<ReadResult<DiskReading>> {
  try {
    const s = await statfs(path);
    return { ok: true, value: { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize } };
  } catch (err) {
    return { ok: false, error: errorCode(err) };
  }
}
