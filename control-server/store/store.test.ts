import { mkdir, mkdtemp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CampaignInputSchema, ScreenCreateSchema } from '../../protocol/index.ts';
import { samplePayloads } from '../../protocol/samples.ts';
import { silentLogger } from '../log.ts';
import { ensureAdmin } from './bootstrap.ts';
import { openStore, type Store, StoreFileError } from './index.ts';

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
const campaignInput = (name = 'Summer') =>
  CampaignInputSchema.parse({
    name,
    target: { all: true },
    slides: [{ kind: 'text', title: { en: name }, durationS: 10 }],
  });

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stander-store-'));
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('store: files', () => {
  it('creates a valid database in an empty directory and keeps data across reopen', async () => {
    const s = await store();
    const doc = JSON.parse(await readFile(path.join(dir, 'db.json'), 'utf8'));
    expect(doc.schemaVersion).toBe(2);
    const c = await s.createCampaign(campaignInput(), 'alice');
    const s2 = await reopen(s);
    expect(s2.getCampaign(c.id)?.campaign).toEqual(c);
  });

  it.each([
    ['garbage', '{"schemaVersion": 2, "screens": ['],
    ['empty', ''],
    ['schema-invalid', JSON.stringify({ schemaVersion: 2, screens: 'nope' })],
    ['from the future', JSON.stringify({ schemaVersion: 99 })],
    ['without a version', JSON.stringify({ screens: [] })],
  ])('refuses a %s file with a clear message and never overwrites it', async (_what, content) => {
    const file = path.join(dir, 'db.json');
    await writeFile(file, content);
    const err = await openStore(dir, log).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreFileError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toMatch(/has not been modified/);
    expect(await readFile(file, 'utf8')).toBe(content);
    // The lock was released: a fixed file opens.
    await writeFile(
      file,
      JSON.stringify({ schemaVersion: 1, screens: [], campaigns: {}, content: [], users: [], audit: [] }),
    );
    await store();
  });

  it('refuses a data directory held by a live server and takes over a stale lock', async () => {
    await writeFile(path.join(dir, 'server.lock'), `${process.ppid}\n`);
    await expect(openStore(dir, log)).rejects.toThrow(/in use by another Stander server/);
    await writeFile(path.join(dir, 'server.lock'), '4194303\n');
    const s = await store();
    expect(await readFile(path.join(dir, 'server.lock'), 'utf8')).toBe(`${process.pid}\n`);
    await s.close();
    await expect(readFile(path.join(dir, 'server.lock'))).rejects.toThrow(/ENOENT/);
  });

  it('migrates a version 1 document and keeps a backup of it', async () => {
    const c = samplePayloads().campaign;
    const v1 = {
      schemaVersion: 1,
      screens: [
        {
          id: 'k1',
          name: 'K1',
          profile: 'info-screen',
          location: { lat: 1, lon: 2 },
          groups: [],
          tags: [],
          languages: ['da'],
          defaultLanguage: 'da',
          feeds: { transport: [], parking: [], water: [], events: [] },
          displayHours: null,
          tokenHash: 'scrypt$x',
          createdAt: '2026-01-01T00:00:00Z',
        },
      ],
      campaigns: { [c.id as string]: c },
      content: [],
      users: [],
      audit: [
        {
          at: '2026-01-01T00:00:00Z',
          user: 'bob',
          action: 'campaign.create',
          target: 'campaign:x',
          ok: true,
        },
      ],
    };
    await writeFile(path.join(dir, 'db.json'), JSON.stringify(v1));
    const s = await store();
    expect(s.getScreen('k1')).toMatchObject({ configVersion: 1, updatedAt: '2026-01-01T00:00:00Z' });
    expect(s.getCampaign('summer-2026')?.campaign.version).toBe(1);
    expect(s.listAudit()).toEqual([
      expect.objectContaining({ seq: 1, actor: 'bob', outcome: 'ok', target: 'campaign:x' }),
    ]);
    const onDisk = JSON.parse(await readFile(path.join(dir, 'db.json'), 'utf8'));
    expect(onDisk.schemaVersion).toBe(2);
    expect(JSON.parse(await readFile(path.join(dir, 'db.json.v1.bak'), 'utf8'))).toEqual(v1);
    expect((await s.audit({ actor: 'a', action: 'x', target: null, outcome: 'ok' })).seq).toBe(2);
  });

  it('a failed write changes nothing and later writes work again', async () => {
    const s = await store();
    const first = await s.createCampaign(campaignInput('A'), 'alice');
    const tmp = path.join(dir, '.db.json.tmp');
    await mkdir(tmp); // open(tmp, 'w') now fails with EISDIR
    await expect(s.createCampaign(campaignInput('B'), 'alice')).rejects.toThrow(/EISDIR/);
    expect(s.listCampaigns().map((c) => c.campaign.id)).toEqual([first.id]);
    await rmdir(tmp);
    await s.createCampaign(campaignInput('C'), 'alice');
    const s2 = await reopen(s);
    expect(s2.listCampaigns().map((c) => c.campaign.name)).toEqual(['A', 'C']);
  });

  it('a failed update leaves every committed record as it was (records are replaced, never edited)', async () => {
    const s = await store();
    const c = await s.createCampaign(campaignInput('A'), 'alice');
    const { screen, token } = await s.createScreen(screenInput());
    await s.createUser('op', 'operator', 'pw-op-1234');
    const cmd = {
      id: 'c1',
      screenId: screen.id,
      type: 'reload',
      params: {},
      issuedAt: '2026-01-01T00:00:00Z',
      issuedBy: 't',
      result: null,
      resultAt: null,
    };
    await s.addCommand(cmd);
    const before = JSON.stringify([
      s.listCampaigns(),
      s.listScreens(),
      s.listUsers(),
      s.listCommands(screen.id),
    ]);
    const tmp = path.join(dir, '.db.json.tmp');
    await mkdir(tmp);
    await expect(s.updateCampaign(c.id, campaignInput('B'), 'bob')).rejects.toThrow(/EISDIR/);
    await expect(s.rotateScreenToken(screen.id)).rejects.toThrow(/EISDIR/);
    await expect(s.updateUser('op', { role: 'admin', disabled: true })).rejects.toThrow(/EISDIR/);
    await expect(
      s.setCommandResult(screen.id, { id: 'c1', type: 'reload', ok: true, at: '2026-01-01T00:00:01Z' }),
    ).rejects.toThrow(/EISDIR/);
    await expect(s.updateScreen(screen.id, { name: 'Z' })).rejects.toThrow(/EISDIR/);
    expect(
      JSON.stringify([s.listCampaigns(), s.listScreens(), s.listUsers(), s.listCommands(screen.id)]),
    ).toBe(before);
    expect(await s.verifyScreenToken(screen.id, token)).toBe(true);
    await rmdir(tmp);
  });

  it('serializes concurrent writes, batching them, and loses none', async () => {
    const s = await store();
    const before = s.writes;
    const created = await Promise.all(
      Array.from({ length: 40 }, (_, i) => s.createCampaign(campaignInput(`C ${i}`), 'x')),
    );
    expect(new Set(created.map((c) => c.id)).size).toBe(40);
    expect(s.writes - before).toBeLessThan(40);
    const s2 = await reopen(s);
    expect(s2.listCampaigns()).toHaveLength(40);
  });
});

describe('store: campaigns, users, audit, commands, health', () => {
  it('versions campaigns and remembers deletions', async () => {
    const s = await store();
    const c = await s.createCampaign(campaignInput('Jazz'), 'alice');
    expect(c).toMatchObject({ version: 1, name: 'Jazz', priority: 'normal' });
    expect(c.id).toMatch(/^jazz-[a-z0-9]{6}$/);
    const u = await s.updateCampaign(c.id, campaignInput('Jazz 2'), 'bob');
    expect(u).toMatchObject({ id: c.id, version: 2, name: 'Jazz 2' });
    expect(s.getCampaign(c.id)).toMatchObject({ createdBy: 'alice', updatedBy: 'bob' });
    const t = await s.deleteCampaign(c.id, 'carol');
    expect(t).toMatchObject({ id: c.id, version: 2, deletedBy: 'carol' });
    expect(s.getCampaign(c.id)).toBeNull();
    expect(s.campaignTombstones().map((x) => x.id)).toEqual([c.id]);
    await expect(s.updateCampaign(c.id, campaignInput(), 'x')).rejects.toThrow(/no campaign/);
    await expect(s.deleteCampaign(c.id, 'x')).rejects.toThrow(/no campaign/);
  });

  it('a campaign naming uploads is refused in the same write if one is gone; used content cannot be removed', async () => {
    const s = await store();
    const sha = 'd'.repeat(64);
    await expect(s.createCampaign(campaignInput('A'), 'x', [sha])).rejects.toThrow(/deleted meanwhile/);
    await s.addContent({
      sha256: sha,
      size: 3,
      mime: 'image/png',
      name: 'a.png',
      uploadedAt: '2026-01-01T00:00:00Z',
      uploadedBy: 'x',
    });
    const input = CampaignInputSchema.parse({
      name: 'Img',
      target: { all: true },
      slides: [
        {
          kind: 'image',
          asset: { sha256: sha, size: 3, mime: 'image/png', url: `/content/${sha}` },
          durationS: 5,
        },
      ],
    });
    const c = await s.createCampaign(input, 'x', [sha]);
    await expect(s.removeContent(sha)).rejects.toThrow(new RegExp(`used by campaign "${c.id}"`));
    await s.deleteCampaign(c.id, 'x');
    await s.removeContent(sha);
    expect(s.getContent(sha)).toBeNull();
    await expect(s.updateCampaign(c.id, input, 'x', [sha])).rejects.toThrow();
  });

  it('users: first admin once, verify, disable', async () => {
    const s = await store();
    const boot = await ensureAdmin(s, null);
    expect(boot.created && boot.generated).toBe(true);
    if (!boot.created) throw new Error('unreachable');
    expect(await ensureAdmin(s, 'other')).toEqual({ created: false });
    expect(await s.verifyUser('admin', boot.password)).toMatchObject({ username: 'admin', role: 'admin' });
    expect(await s.verifyUser('admin', 'wrong')).toBeNull();
    expect(await s.verifyUser('ghost', boot.password)).toBeNull();
    expect(await readFile(path.join(dir, 'db.json'), 'utf8')).not.toContain(boot.password);
    await s.createUser('op', 'operator', 'pw-op-1234');
    await expect(s.createUser('op', 'operator', 'x')).rejects.toThrow(/exists/);
    await s.updateUser('op', { disabled: true });
    expect(await s.verifyUser('op', 'pw-op-1234')).toBeNull();
    expect(s.listUsers().every((u) => !('passwordHash' in u))).toBe(true);
  });

  it('audit is numbered, newest first, bounded, and rotated to an archive', async () => {
    const s = await store({ maxAudit: 5 });
    for (let i = 1; i <= 8; i++)
      await s.audit({ actor: i % 2 ? 'a' : 'b', action: `act${i}`, target: null, outcome: 'ok' });
    expect(s.listAudit().map((e) => e.seq)).toEqual([8, 7, 6, 5, 4]);
    expect(s.listAudit({ actor: 'a', limit: 2 }).map((e) => e.seq)).toEqual([7, 5]);
    expect(s.listAudit({ afterSeq: 6 }).map((e) => e.seq)).toEqual([8, 7]);
    const archived = (await readFile(path.join(dir, 'audit-archive.jsonl'), 'utf8')).trim().split('\n');
    expect(archived.map((l) => JSON.parse(l).seq)).toEqual([1, 2, 3]);
  });

  it('commands keep their results, only from their own screen', async () => {
    const s = await store({ maxCommands: 3 });
    const base = {
      screenId: 'k1',
      type: 'reload',
      params: {},
      issuedAt: '2026-01-01T00:00:00Z',
      issuedBy: 'tech',
      result: null,
      resultAt: null,
    };
    for (const id of ['c1', 'c2', 'c3', 'c4']) await s.addCommand({ ...base, id });
    expect(s.getCommand('k1', 'c1')).toBeNull(); // bounded
    const result = { id: 'c4', type: 'reload', ok: true, at: '2026-01-01T00:00:01Z' };
    expect(await s.setCommandResult('k2', result)).toBeNull();
    expect(await s.setCommandResult('k1', result)).toMatchObject({ id: 'c4', result });
    expect(s.listCommands('k1').map((c) => c.id)).toEqual(['c4', 'c3', 'c2']);
  });

  it('health history: one sample per bucket, bounded, persisted on flush', async () => {
    const s = await store();
    const h = samplePayloads().health as never as Parameters<Store['recordHealth']>[1];
    const t0 = Date.parse('2026-05-23T12:00:00Z');
    s.recordHealth('k1', { ...h, cpuPercent: 10 }, t0);
    s.recordHealth('k1', { ...h, cpuPercent: 20 }, t0 + 60_000); // same 5-minute bucket: replaces
    s.recordHealth('k1', { ...h, cpuPercent: 30 }, t0 + 5 * 60_000);
    s.recordHealth('k1', { ...h, cpuPercent: 99 }, t0 - 10 * 60_000); // out of order: ignored
    expect(s.healthHistory('k1').map((x) => x.cpu)).toEqual([20, 30]);
    for (let i = 2; i < 400; i++) s.recordHealth('k1', h, t0 + i * 5 * 60_000);
    expect(s.healthHistory('k1')).toHaveLength(288);
    const s2 = await reopen(s); // close flushes
    expect(s2.healthHistory('k1')).toHaveLength(288);
    expect(s2.healthHistory('k1', t0 + 399 * 5 * 60_000)).toHaveLength(1);
  });
});
