import path from 'node:path';
import { z } from 'zod';

/**
 * Control-server settings: environment variables of DESIGN.md, each overridable by a flag of the same
 * name (STANDER_HTTP_PORT <- --http-port 9000 or --http-port=9000). Validated with zod; a bad value
 * gives a ConfigError naming the variable/flag and the reason.
 */

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be an integer')
  .min(0, 'must be 0..65535 (0 = any free port)')
  .max(65535, 'must be 0..65535 (0 = any free port)');
const optionalText = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s.trim() === '' ? undefined : s.trim()));

const brokerUrl = optionalText.refine(
  (s) => s === undefined || /^(mqtts?|wss?):\/\/[^/]+/.test(s),
  'must be a URL such as mqtt://broker.example:1883 (mqtt, mqtts, ws or wss)',
);

const SettingsObject = z.object({
  STANDER_DATA_DIR: z.string().min(1).default('./data'),
  STANDER_HOST: z.string().min(1).default('0.0.0.0'),
  STANDER_HTTP_PORT: port.default(8080),
  STANDER_MQTT_PORT: port.default(1883),
  STANDER_MQTTS_PORT: port.default(8883),
  STANDER_TLS_CERT: optionalText,
  STANDER_TLS_KEY: optionalText,
  STANDER_BROKER_URL: brokerUrl,
  STANDER_BROKER_USERNAME: z.string().min(1).default('stander-server'),
  STANDER_BROKER_PASSWORD: optionalText,
  STANDER_BROKER_HOOK_SECRET: optionalText,
  STANDER_MOSQUITTO_DIR: optionalText,
  STANDER_MOSQUITTO_PID_FILE: optionalText,
  STANDER_MOSQUITTO_RELOAD_COMMAND: optionalText,
  STANDER_ADMIN_PASSWORD: optionalText,
  STANDER_FEEDS_CONFIG: z.string().min(1).default('content/feeds.json'),
  STANDER_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://info.example.dk' })
    .optional(),
  STANDER_KEEPALIVE_LIMIT_S: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(0)
    .max(65535)
    .default(0),
});

const SettingsSchema = SettingsObject.superRefine((s, ctx) => {
  if (Boolean(s.STANDER_TLS_CERT) !== Boolean(s.STANDER_TLS_KEY)) {
    ctx.addIssue({
      code: 'custom',
      path: [s.STANDER_TLS_CERT ? 'STANDER_TLS_KEY' : 'STANDER_TLS_CERT'],
      message: 'STANDER_TLS_CERT and STANDER_TLS_KEY must be set together',
    });
  }
});

export interface ServerSettings {
  dataDir: string;
  host: string;
  httpPort: number;
  mqttPort: number;
  mqttsPort: number;
  tls: { certFile: string; keyFile: string } | null;
  brokerUrl: string | null;
  brokerUsername: string;
  brokerPassword: string | null;
  brokerHookSecret: string | null;
  mosquitto: { dir: string; pidFile: string | null; reloadCommand: string | null } | null;
  adminPassword: string | null;
  feedsConfig: string;
  /** The mobile companion's public base URL (STANDER_PUBLIC_URL + /m/), put into every screen config for QR hand-off. */
  mobileBaseUrl?: string;
  /** Largest keepalive (s) a client may ask for; 0 = no limit. */
  keepaliveLimitS: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid settings:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

function flagOf(envName: string): string {
  return `--${envName
    .replace(/^STANDER_/, '')
    .toLowerCase()
    .replace(/_/g, '-')}`;
}

function envOf(flag: string): string {
  return `STANDER_${flag.replace(/^--/, '').replace(/-/g, '_').toUpperCase()}`;
}

/** Reads `--name value` / `--name=value` flags into env-style names; unknown flags are errors. */
export function parseFlags(argv: readonly string[], known: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) {
      problems.push(`unexpected argument "${arg}"`);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const name = envOf(flag);
    if (!known.includes(name)) {
      problems.push(`unknown flag ${flag} (known: ${known.map(flagOf).join(', ')})`);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) {
        problems.push(`flag ${flag} needs a value`);
        continue;
      }
      i++;
    }
    out[name] = value;
  }
  if (problems.length) throw new ConfigError(problems);
  return out;
}

/** Settings from the environment, overridden by flags. Throws ConfigError listing every bad value. */
export function loadSettings(
  argv: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): ServerSettings {
  const known = Object.keys(SettingsObject.shape);
  const flags = parseFlags(argv, known);
  const raw: Record<string, string | undefined> = {};
  for (const name of known) raw[name] = flags[name] ?? env[name];
  // An empty variable means "not set", as in most shells' `FOO= cmd`.
  for (const [k, v] of Object.entries(raw)) if (v === '') raw[k] = undefined;
  const r = SettingsSchema.safeParse(raw);
  if (!r.success) {
    throw new ConfigError(
      r.error.issues.map((i) => {
        const name = String(i.path[0] ?? '');
        const given = raw[name];
        const shown = name.endsWith('PASSWORD') || name.endsWith('SECRET') ? '[redacted]' : given;
        return `${name} (${flagOf(name)})${given === undefined ? '' : ` = "${shown}"`}: ${i.message}`;
      }),
    );
  }
  const s = r.data;
  const abs = (p: string) => path.resolve(cwd, p);
  return {
    dataDir: abs(s.STANDER_DATA_DIR),
    host: s.STANDER_HOST,
    httpPort: s.STANDER_HTTP_PORT,
    mqttPort: s.STANDER_MQTT_PORT,
    mqttsPort: s.STANDER_MQTTS_PORT,
    tls:
      s.STANDER_TLS_CERT && s.STANDER_TLS_KEY
        ? { certFile: abs(s.STANDER_TLS_CERT), keyFile: abs(s.STANDER_TLS_KEY) }
        : null,
    brokerUrl: s.STANDER_BROKER_URL ?? null,
    brokerUsername: s.STANDER_BROKER_USERNAME,
    brokerPassword: s.STANDER_BROKER_PASSWORD ?? null,
    brokerHookSecret: s.STANDER_BROKER_HOOK_SECRET ?? null,
    mosquitto: s.STANDER_MOSQUITTO_DIR
      ? {
          dir: abs(s.STANDER_MOSQUITTO_DIR),
          pidFile: s.STANDER_MOSQUITTO_PID_FILE ? abs(s.STANDER_MOSQUITTO_PID_FILE) : null,
          reloadCommand: s.STANDER_MOSQUITTO_RELOAD_COMMAND ?? null,
        }
      : null,
    adminPassword: s.STANDER_ADMIN_PASSWORD ?? null,
    feedsConfig: abs(s.STANDER_FEEDS_CONFIG),
    ...(s.STANDER_PUBLIC_URL ? { mobileBaseUrl: `${s.STANDER_PUBLIC_URL.replace(/\/+$/, '')}/m/` } : {}),
    keepaliveLimitS: s.STANDER_KEEPALIVE_LIMIT_S,
  };
}
