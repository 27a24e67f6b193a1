import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Test helpers for the drivers: a fresh temp root, and files made missing or unreadable. */

export async function tempRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'stander-hw-'));
}

export async function putFile(root: string, path: string, value: string): Promise<string> {
  const full = join(root, path);
  await mkdir(dirname(full), { recursive: true });
  await rm(full, { recursive: true, force: true });
  await writeFile(full, value);
  return full;
}

/**
 * Makes an attribute unreadable. Tests run as root here, and root ignores chmod 000 (CAP_DAC_OVERRIDE),
 * so as root the file is replaced by a directory of the same name: read() fails with EISDIR, which is
 * how the drivers see any unreadable attribute. As a normal user it is a real chmod 000 (EACCES).
 * Returns the error code the driver should report.
 */
export async function makeUnreadable(root: string, path: string): Promise<'EISDIR' | 'EACCES'> {
  const full = join(root, path);
  await rm(full, { recursive: true, force: true });
  if (process.getuid?.() === 0) {
    await mkdir(full, { recursive: true });
    return 'EISDIR';
  }
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, '1\n');
  await chmod(full, 0o000);
  return 'EACCES';
}
