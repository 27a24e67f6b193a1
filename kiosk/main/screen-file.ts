import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { IdSchema, ScreenProfileSchema } from '../../protocol/index.ts';

/**
 * The device's identity file, written once by `npm run provision` and read by the kiosk at start:
 * screen id, device token and where its server and broker are. It holds a secret, so it is written
 * atomically with mode 0600 and refused when group or others can read it.
 */
export const ScreenFileSchema = z.object({
  screenId: IdSchema,
  token: z.string().min(16).max(500),
  serverUrl: z.string().url(),
  mqttUrl: z.string().min(1).max(500),
  name: z.string().min(1).max(200),
  profile: ScreenProfileSchema,
  provisionedAt: z.string(),
});
export type ScreenFile = z.infer<typeof ScreenFileSchema>;

export const DEFAULT_SCREEN_FILE = '/etc/stander/screen.json';

/** Writes the file atomically: temp file created 0600, fsync, rename, fsync of the directory. */
export async function writeScreenFile(
  path: string,
  data: ScreenFile,
  owner?: { uid: number; gid: number },
): Promise<void> {
  const body = `${JSON.stringify(ScreenFileSchema.parse(data), null, 2)}\n`;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await fh.writeFile(body);
    await fh.chmod(0o600); // the umask cannot widen it, but an inherited ACL default could
    // provisioning runs as root; the kiosk service user must own its identity to read it
    if (owner) await fh.chown(owner.uid, owner.gid);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** Reads and validates the file; refuses one that others may read (the token would be exposed). */
export async function readScreenFile(path: string): Promise<ScreenFile> {
  const st = await stat(path);
  if ((st.mode & 0o077) !== 0) {
    throw new Error(
      `${path} is readable by group or others (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it`,
    );
  }
  const parsed = ScreenFileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path} is not a valid screen file: ${parsed.error.message}`);
  return parsed.data;
}
