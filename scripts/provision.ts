import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { ScreenCreatedSchema, ScreenCreateSchema, SessionResponseSchema } from '../protocol/index.ts';
import { DEFAULT_SCREEN_FILE, type ScreenFile, writeScreenFile } from '../kiosk/main/screen-file.ts';

/**
 * `npm run provision -- --server URL --name N --profile P --lat LAT --lon LON [--groups a,b] [--tags x,y]`
 * Creates a screen on the control server (logged in as an admin) and writes its id, device token and
 * server/broker URLs to the device's screen file with mode 0600. The admin password is read from
 * STANDER_ADMIN_PASSWORD or stdin (--password-stdin), never from the command line (it would show in ps).
 */

const HELP = `Usage: npm run provision -- --server URL --name NAME --profile PROFILE --lat LAT --lon LON [flags]

  --server URL          control server, e.g. https://stander.example.dk
  --name NAME           the screen's name
  --profile PROFILE     street-kiosk | info-screen | parking-post
  --lat LAT --lon LON   where it stands
  --groups a,b          groups (optional)
  --tags x,y            tags (optional)
  --id ID               explicit screen id (default: generated from the name)
  --mqtt-url URL        broker the screen connects to (default: the server's host, port 1883, or mqtts 8883 for https)
  --username USER       admin user (default admin)
  --password-stdin      read the admin password from stdin (else STANDER_ADMIN_PASSWORD)
  --out FILE            screen file (default ${DEFAULT_SCREEN_FILE})
  --owner USER          give the file to the kiosk's service user (e.g. stander) when run as root
`;

export interface ProvisionOptions {
  server: string;
  name: string;
  profile: string;
  lat: number;
  lon: number;
  groups: string[];
  tags: string[];
  id?: string;
  mqttUrl?: string;
  username: string;
  password: string;
  out: string;
  /** Owner of the written file (the kiosk service user); default: whoever runs this. */
  owner?: { uid: number; gid: number };
}

/** uid and gid of a local user, through `id` (no native bindings needed). */
export function lookupUser(name: string): { uid: number; gid: number } {
  const id = (flag: string) => {
    const r = spawnSync('id', [flag, name], { encoding: 'utf8' });
    const n = Number(r.stdout.trim());
    if (r.status !== 0 || !Number.isInteger(n)) throw new Error(`no such user: ${name}`);
    return n;
  };
  return { uid: id('-u'), gid: id('-g') };
}

export function defaultMqttUrl(server: string): string {
  const u = new URL(server);
  return u.protocol === 'https:' ? `mqtts://${u.hostname}:8883` : `mqtt://${u.hostname}:1883`;
}

async function call<T>(url: string, init: RequestInit, schema: z.ZodType<T>, what: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    throw new Error(`${what}: cannot reach ${new URL(url).origin} (${(err as Error).message})`);
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const msg = body && typeof body === 'object' && 'error' in body ? String(body.error) : res.statusText;
    throw new Error(`${what} failed: HTTP ${res.status} ${msg}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error(`${what}: unexpected answer from the server`);
  return parsed.data;
}

/** Creates the screen and writes the screen file; returns what was written. */
export async function provision(o: ProvisionOptions): Promise<ScreenFile> {
  const server = o.server.replace(/\/+$/, '');
  const body = ScreenCreateSchema.parse({
    ...(o.id ? { id: o.id } : {}),
    name: o.name,
    profile: o.profile,
    location: { lat: o.lat, lon: o.lon },
    groups: o.groups,
    tags: o.tags,
  });
  const session = await call(
    `${server}/api/v1/session`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: o.username, password: o.password }),
    },
    SessionResponseSchema,
    'login',
  );
  const created = await call(
    `${server}/api/v1/screens`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
      body: JSON.stringify(body),
    },
    ScreenCreatedSchema,
    'creating the screen',
  );
  const file: ScreenFile = {
    screenId: created.id,
    token: created.token,
    serverUrl: server,
    mqttUrl: o.mqttUrl ?? defaultMqttUrl(server),
    name: o.name,
    profile: body.profile,
    provisionedAt: new Date().toISOString(),
  };
  await writeScreenFile(o.out, file, o.owner);
  return file;
}

function list(v: string | undefined): string[] {
  return v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split('\n')[0]!.trim();
}

export async function parseProvisionArgs(argv: string[], env: NodeJS.ProcessEnv): Promise<ProvisionOptions> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      server: { type: 'string' },
      name: { type: 'string' },
      profile: { type: 'string' },
      lat: { type: 'string' },
      lon: { type: 'string' },
      groups: { type: 'string' },
      tags: { type: 'string' },
      id: { type: 'string' },
      'mqtt-url': { type: 'string' },
      username: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      out: { type: 'string' },
      owner: { type: 'string' },
    },
  });
  for (const k of ['server', 'name', 'profile', 'lat', 'lon'] as const) {
    if (!values[k]) throw new Error(`--${k} is required`);
  }
  const lat = Number(values.lat);
  const lon = Number(values.lon);
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) throw new Error('--lat and --lon must be numbers');
  const password = values['password-stdin'] ? await readStdin() : env.STANDER_ADMIN_PASSWORD;
  if (!password) throw new Error('no admin password: set STANDER_ADMIN_PASSWORD or use --password-stdin');
  return {
    server: values.server!,
    name: values.name!,
    profile: values.profile!,
    lat,
    lon,
    groups: list(values.groups),
    tags: list(values.tags),
    ...(values.id ? { id: values.id } : {}),
    ...(values['mqtt-url'] ? { mqttUrl: values['mqtt-url'] } : {}),
    username: values.username ?? 'admin',
    password,
    out: resolve(values.out ?? DEFAULT_SCREEN_FILE),
    ...(values.owner ? { owner: lookupUser(values.owner) } : {}),
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  let opts: ProvisionOptions;
  try {
    opts = await parseProvisionArgs(argv, process.env);
  } catch (err) {
    process.stderr.write(`provision: ${(err as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  const file = await provision(opts);
  // the device token is in the file only; never on the terminal or in a log
  process.stdout.write(
    `Screen "${file.name}" created as ${file.screenId} (${file.profile}); wrote ${opts.out} (mode 0600)\n`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: Error) => {
    process.stderr.write(`provision: ${err.message}\n`);
    process.exit(1);
  });
}
