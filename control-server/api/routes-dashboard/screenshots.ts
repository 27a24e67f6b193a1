import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { IdSchema } from '../../../protocol/index.ts';
import { atomicWriteFile } from '../../fleet/atomic-json.ts';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const MAX_SCREENSHOT_BYTES = 8 * 1024 * 1024;

export interface ScreenshotInfo {
  screenId: string;
  at: string;
  bytes: number;
  width: number;
  height: number;
}

/** Reads width and height from a PNG's IHDR chunk; null when it is not a PNG. */
export function pngSize(buf: Buffer): { width: number; height: number } | null {
  if (buf.length < 24 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  if (buf.toString('ascii', 12, 16) !== 'IHDR') return null;
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  if (width === 0 || height === 0 || width > 16384 || height > 16384) return null;
  return { width, height };
}

/**
 * Screens' screenshots in {dataDir}/screenshots/{screenId}/{epochMs}.png, the newest `keep` per screen.
 * Writes are atomic, so a reader never sees half a file.
 */
export class ScreenshotStore {
  constructor(
    private readonly dir: string,
    private readonly keep = 5,
  ) {}

  async save(screenId: string, png: Buffer, at = Date.now()): Promise<ScreenshotInfo> {
    if (!IdSchema.safeParse(screenId).success) throw new Error('invalid screen id');
    if (png.length > MAX_SCREENSHOT_BYTES) throw new Error('screenshot too large');
    const size = pngSize(png);
    if (!size) throw new Error('not a PNG image');
    const dir = join(this.dir, screenId);
    await mkdir(dir, { recursive: true });
    await atomicWriteFile(join(dir, `${at}.png`), png);
    const files = await this.files(screenId);
    for (const f of files.slice(this.keep)) await rm(join(dir, f), { force: true });
    return { screenId, at: new Date(at).toISOString(), bytes: png.length, ...size };
  }

  /** The newest screenshot, or null. */
  async latest(screenId: string): Promise<{ info: ScreenshotInfo; png: Buffer } | null> {
    if (!IdSchema.safeParse(screenId).success) return null;
    const [newest] = await this.files(screenId);
    if (!newest) return null;
    const png = await readFile(join(this.dir, screenId, newest));
    const size = pngSize(png);
    if (!size) return null;
    const at = Number(newest.slice(0, -4));
    return { info: { screenId, at: new Date(at).toISOString(), bytes: png.length, ...size }, png };
  }

  private async files(screenId: string): Promise<string[]> {
    try {
      const names = await readdir(join(this.dir, screenId));
      return names
        .filter((n) => /^\d+\.png$/.test(n))
        .sort((a, b) => Number(b.slice(0, -4)) - Number(a.slice(0, -4)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }
}
