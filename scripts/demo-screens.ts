import { constants } from 'node:fs';
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { publishScreenConfig } from '../control-server/api/publish.ts';
import type { StanderServer } from '../control-server/server.ts';
import { type ScreenCreate, ScreenCreateSchema, type ScreenProfile } from '../protocol/index.ts';

/**
 * The demo fleet of `npm start`: one screen of each profile in central Copenhagen, subscribed to the
 * demo feeds of content/feeds.json (stops, car parks and harbour baths of content/demo/). Created in
 * the server's store on first start; their device tokens are kept in DATA_DIR/demo-screens.json
 * (mode 0600) so a restart reuses the same screens and caches.
 */

export const DEMO_SCREENS: ReadonlyArray<ScreenCreate & { id: string; profile: ScreenProfile }> = [
  {
    id: 'demo-street-kiosk',
    name: 'Demo kiosk, Rådhuspladsen',
    profile: 'street-kiosk',
    location: { lat: 55.6759, lon: 12.5686 },
    groups: ['demo', 'city-centre'],
    tags: ['touch', 'outdoor'],
    feeds: {
      transport: ['raadhuspladsen', 'nyhavn'],
      parking: ['israels-plads', 'industriens-hus', 'nyhavn-street', 'fisketorvet'],
      water: ['islands-brygge', 'fisketorvet', 'sandkaj'],
      events: ['copenhagen'],
    },
  },
  {
    id: 'demo-info-screen',
    name: 'Demo info-screen, Nyhavn',
    profile: 'info-screen',
    location: { lat: 55.6798, lon: 12.5911 },
    groups: ['demo', 'harbour'],
    tags: ['indoor'],
    feeds: {
      transport: ['nyhavn', 'raadhuspladsen'],
      parking: ['nyhavn-street'],
      water: ['islands-brygge', 'sandkaj'],
      events: ['copenhagen'],
    },
  },
  {
    id: 'demo-parking-post',
    name: 'Demo parking post, Israels Plads',
    profile: 'parking-post',
    location: { lat: 55.6833, lon: 12.5707 },
    groups: ['demo', 'parking'],
    tags: ['outdoor'],
    feeds: {
      transport: ['raadhuspladsen'],
      parking: ['israels-plads', 'industriens-hus', 'fisketorvet'],
      water: [],
      events: ['copenhagen'],
    },
  },
];

const TokensFileSchema = z.object({ version: z.literal(1), tokens: z.record(z.string(), z.string()) });

export interface DemoScreen {
  id: string;
  name: string;
  profile: ScreenProfile;
  token: string;
}

async function readTokens(path: string): Promise<Record<string, string>> {
  try {
    const parsed = TokensFileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data.tokens : {};
  } catch {
    return {};
  }
}

async function writeTokens(path: string, tokens: Record<string, string>): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);
  try {
    await fh.writeFile(`${JSON.stringify({ version: 1, tokens }, null, 2)}\n`);
    await fh.chmod(0o600);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

/** Creates the missing demo screens, re-keys any whose saved token no longer works, publishes configs. */
export async function ensureDemoScreens(server: StanderServer): Promise<DemoScreen[]> {
  const path = join(server.store.dataDir, 'demo-screens.json');
  const tokens = await readTokens(path);
  const out: DemoScreen[] = [];
  let changed = false;
  for (const def of DEMO_SCREENS) {
    let record = server.store.getScreen(def.id);
    let token = tokens[def.id];
    if (!record) {
      const created = await server.store.createScreen(ScreenCreateSchema.parse(def));
      record = created.screen;
      token = created.token;
      changed = true;
      await server.store.audit({
        actor: 'system',
        action: 'screen.create',
        target: `screen:${def.id}`,
        outcome: 'ok',
        detail: 'demo screen of npm start',
      });
    } else if (!token || !(await server.store.verifyScreenToken(def.id, token))) {
      token = await server.store.rotateScreenToken(def.id);
      changed = true;
    }
    tokens[def.id] = token!;
    await publishScreenConfig(server.bus, record);
    out.push({ id: record.id, name: record.name, profile: record.profile, token: token! });
  }
  if (changed) await writeTokens(path, tokens);
  return out;
}
