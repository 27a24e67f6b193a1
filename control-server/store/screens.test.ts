import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScreenCreateSchema } from '../../protocol/index.ts';
import { silentLogger } from '../log.ts';
import { ConflictError, openStore, type Store } from './index.ts';
import { hashSecret, TOKEN_COST } from './passwords.ts';

const log = silentLogger();
let dir: string;
const open: Store[] = [];

async function store(opts = {}): Promise<Store> {
  const s = await openStore(dir, log, opts);
  open.push(s);
  return s;
}
async function reopen(s: Store): Promise<Store> {
  await s.close();
  return store();
}
const screenInput = (name = 'Rådhuspladsen Nord', extra = {}) =>
  ScreenCreateSchema.parse({ name, profile: 'street-kiosk', location: { lat: 55.67, lon: 12.56 }, ...extra });

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stander-screens-'));
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('store: screens', () => {
  it('finds screens by id after every kind of write (the id index follows the committed document)', async () => {
    const s = await store();
    const a = await s.createScreen(screenInput('A'));
    expect(await s.verifyScreenToken('a', a.token)).toBe(true);
    const b = await s.createScreen(screenInput('B'));
    expect(s.getScreen('b')?.name).toBe('B');
    await s.updateScreen('a', { name: 'A2' });
    expect(s.getScreen('a')).toMatchObject({ name: 'A2', configVersion: 2 });
    await s.audit({ actor: 'x', action: 'y', target: null, outcome: 'ok' });
    expect(s.getScreen('a')?.name).toBe('A2');
    await s.deleteScreen('b');
    expect(s.getScreen('b')).toBeNull();
    expect(await s.verifyScreenToken('b', b.token)).toBe(false);
    const fresh = await s.rotateScreenToken('a');
    expect(await s.verifyScreenToken('a', a.token)).toBe(false);
    expect(await s.verifyScreenToken('a', fresh)).toBe(true);
  });

  it('provisions with a one-time token that is stored only as a hash', async () => {
    const s = await store();
    const { screen, token } = await s.createScreen(screenInput());
    expect(screen.id).toBe('raadhuspladsen-nord');
    expect(token.length).toBeGreaterThanOrEqual(40);
    const file = await readFile(path.join(dir, 'db.json'), 'utf8');
    expect(file).not.toContain(token);
    expect(screen.tokenHash).toMatch(/^sha256\$[0-9a-f]{64}$/);
    expect(await s.verifyScreenToken(screen.id, token)).toBe(true);
    expect(await s.verifyScreenToken(screen.id, token)).toBe(true); // cached path
    expect(await s.verifyScreenToken(screen.id, `${token}x`)).toBe(false);
    expect(await s.verifyScreenToken('other', token)).toBe(false);
    expect(await s.verifyScreenToken(screen.id, '')).toBe(false);
    const second = await s.createScreen(screenInput());
    expect(second.screen.id).toMatch(/^raadhuspladsen-nord-[a-z0-9]{6}$/);
    await expect(s.createScreen(screenInput('x', { id: screen.id }))).rejects.toThrow(/already exists/);
  });

  it('still verifies a token hashed with scrypt before sha256 tokens (read back from the file)', async () => {
    const s = await store();
    const { screen, token } = await s.createScreen(screenInput());
    const other = await s.createScreen(screenInput('Other'));
    await s.close();
    const file = path.join(dir, 'db.json');
    const db = JSON.parse(await readFile(file, 'utf8')) as {
      screens: Array<{ id: string; tokenHash: string }>;
    };
    const legacy = await hashSecret(token, TOKEN_COST);
    expect(legacy).toMatch(/^scrypt\$1024\$/);
    for (const sc of db.screens) if (sc.id === screen.id) sc.tokenHash = legacy;
    await writeFile(file, JSON.stringify(db));
    const s2 = await store();
    expect(s2.getScreen(screen.id)?.tokenHash).toBe(legacy);
    expect(await s2.verifyScreenToken(screen.id, `${token}x`)).toBe(false);
    expect(await s2.verifyScreenToken(screen.id, token)).toBe(true);
    expect(await s2.verifyScreenToken(screen.id, token)).toBe(true); // cached path
    expect(await s2.verifyScreenToken(screen.id, other.token)).toBe(false);
    expect(await s2.verifyScreenToken(other.screen.id, other.token)).toBe(true); // sha256 one beside it
  });

  it('upgrades a stored scrypt token hash to SHA-256 on its first successful check, durably', async () => {
    const s = await store();
    const { screen, token } = await s.createScreen(screenInput());
    await s.close();
    const file = path.join(dir, 'db.json');
    const read = async () =>
      JSON.parse(await readFile(file, 'utf8')) as { screens: Array<{ id: string; tokenHash: string }> };
    const db = await read();
    const legacy = await hashSecret(token, TOKEN_COST);
    for (const sc of db.screens) if (sc.id === screen.id) sc.tokenHash = legacy;
    await writeFile(file, JSON.stringify(db));

    const s2 = await store();
    // A wrong token changes nothing.
    expect(await s2.verifyScreenToken(screen.id, `${token}x`)).toBe(false);
    expect(s2.getScreen(screen.id)?.tokenHash).toBe(legacy);
    const writes = s2.writes;
    expect(await s2.verifyScreenToken(screen.id, token)).toBe(true);
    expect(s2.upgradedTokens).toBe(1);
    expect(s2.writes).toBe(writes + 1);
    const upgraded = s2.getScreen(screen.id)?.tokenHash;
    expect(upgraded).toMatch(/^sha256\$[0-9a-f]{64}$/);
    // On disk already when the check answered (not only in memory), and never the token itself.
    const onDisk = (await read()).screens.find((x) => x.id === screen.id)?.tokenHash;
    expect(onDisk).toBe(upgraded);
    expect(await readFile(file, 'utf8')).not.toContain(token);
    // Later checks need no write; after a restart the SHA-256 hash verifies the same token.
    expect(await s2.verifyScreenToken(screen.id, token)).toBe(true);
    expect(s2.writes).toBe(writes + 1);
    const s3 = await reopen(s2);
    expect(await s3.verifyScreenToken(screen.id, token)).toBe(true);
    expect(await s3.verifyScreenToken(screen.id, `${token}x`)).toBe(false);
    expect(s3.upgradedTokens).toBe(0);
  });

  it('the upgrade is no new credential for the revocation check; a rotation after it is', async () => {
    const s = await store();
    const { screen, token } = await s.createScreen(screenInput());
    await s.close();
    const file = path.join(dir, 'db.json');
    const db = JSON.parse(await readFile(file, 'utf8')) as {
      screens: Array<{ id: string; tokenHash: string }>;
    };
    const legacy = await hashSecret(token, TOKEN_COST);
    for (const sc of db.screens) sc.tokenHash = legacy;
    await writeFile(file, JSON.stringify(db));
    const s2 = await store();
    expect(s2.screenTokenHashes().get(screen.id)).toBe(legacy);
    expect(await s2.verifyScreenToken(screen.id, token)).toBe(true);
    expect(s2.getScreen(screen.id)?.tokenHash).toMatch(/^sha256\$/);
    expect(s2.screenTokenHashes().get(screen.id)).toBe(legacy);
    await s2.rotateScreenToken(screen.id);
    const after = s2.screenTokenHashes().get(screen.id);
    expect(after).not.toBe(legacy);
    expect(after).toBe(s2.getScreen(screen.id)?.tokenHash);
  });

  it('does not upgrade over a token rotated while the scrypt hash was checked', async () => {
    const s = await store();
    const { screen, token } = await s.createScreen(screenInput());
    await s.close();
    const file = path.join(dir, 'db.json');
    const db = JSON.parse(await readFile(file, 'utf8')) as {
      screens: Array<{ id: string; tokenHash: string }>;
    };
    for (const sc of db.screens) sc.tokenHash = await hashSecret(token, TOKEN_COST);
    await writeFile(file, JSON.stringify(db));
    const s2 = await store();
    const checking = s2.verifyScreenToken(screen.id, token);
    const fresh = await s2.rotateScreenToken(screen.id);
    await checking;
    expect(s2.upgradedTokens).toBe(0);
    expect(await s2.verifyScreenToken(screen.id, token)).toBe(false);
    expect(await s2.verifyScreenToken(screen.id, fresh)).toBe(true);
  });

  it('provisions a batch in one write, all or nothing, naming each conflicting item', async () => {
    const s = await store();
    await s.createScreen(screenInput('Taken', { id: 'taken' }));
    const before = s.writes;
    const batch = Array.from({ length: 300 }, (_, i) => screenInput(`Havn ${i % 3}`));
    const created = await s.createScreens(batch);
    expect(s.writes).toBe(before + 1);
    expect(created).toHaveLength(300);
    expect(new Set(created.map((c) => c.screen.id)).size).toBe(300);
    expect(new Set(created.map((c) => c.token)).size).toBe(300);
    expect(created[0]!.screen.name).toBe('Havn 0');
    for (const c of created.slice(0, 20)) expect(await s.verifyScreenToken(c.screen.id, c.token)).toBe(true);
    expect(s.listScreens()).toHaveLength(301);

    const bad = [
      screenInput('A', { id: 'fresh-a' }),
      screenInput('B', { id: 'taken' }),
      screenInput('C', { id: 'fresh-a' }),
      screenInput('D'),
    ];
    const err = await s.createScreens(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).issues).toEqual([
      { path: 'screens.1.id', message: 'screen "taken" already exists' },
      { path: 'screens.2.id', message: 'screen "fresh-a" already exists' },
    ]);
    expect(s.listScreens()).toHaveLength(301);
    expect(s.getScreen('fresh-a')).toBeNull();
    // A generated id never takes an explicit id named later in the same batch.
    const mixed = await s.createScreens([screenInput('Later'), screenInput('X', { id: 'later' })]);
    expect(mixed.map((c) => c.screen.id)).toEqual([expect.stringMatching(/^later-[a-z0-9]{6}$/), 'later']);
  });

  it('rotating the token invalidates the old one, also in the cache', async () => {
    const s = await store();
    const { screen, token } = await s.createScreen(screenInput());
    expect(await s.verifyScreenToken(screen.id, token)).toBe(true);
    const fresh = await s.rotateScreenToken(screen.id);
    expect(await s.verifyScreenToken(screen.id, token)).toBe(false);
    expect(await s.verifyScreenToken(screen.id, fresh)).toBe(true);
    await expect(s.rotateScreenToken('nope')).rejects.toThrow(/no screen/);
  });

  it('updates bump configVersion; delete removes', async () => {
    const s = await store();
    const { screen } = await s.createScreen(screenInput());
    const u = await s.updateScreen(screen.id, { tags: ['harbour'], name: undefined });
    expect(u).toMatchObject({ configVersion: 2, tags: ['harbour'], name: 'Rådhuspladsen Nord' });
    await expect(s.updateScreen('nope', {})).rejects.toThrow(/no screen "nope"/);
    await s.deleteScreen(screen.id);
    expect(s.getScreen(screen.id)).toBeNull();
  });

  it('stores the mosquitto hash when a hasher is configured', async () => {
    const s = await store({ mosquittoHash: (t: string) => `$7$fake$${t.length}` });
    const { screen } = await s.createScreen(screenInput());
    expect(screen.mosquittoHash).toMatch(/^\$7\$fake\$\d+$/);
  });
});
