/**
 * `npm run feeds -- parse KIND FILE [--from ISO] [--to ISO] [options]`: prints what a feed file
 * normalizes to, as v1 JSON (an array of snapshots), so that an operator can check a new source before
 * configuring it. Warnings go to stderr; a file that cannot be read or parsed gives one error line and
 * exit code 1.
 */
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type FeedKind, FeedKindSchema } from '../../protocol/index.ts';
import { ADAPTERS, adapterFor, detectFormat } from './adapters/index.ts';
import { DEFAULT_WINDOW_DAYS } from './adapters/events-common.ts';
import type { AdapterContext, AdapterInputs } from './types.ts';

const USAGE = `usage: npm run feeds -- parse KIND FILE [--from ISO] [--to ISO] [--format FORMAT]
         [--table FILE] [--realtime FILE] [--locations FILE] [--stop GTFS_STOP_ID]... [--area ID] [--lang xx] [--now ISO]
       npm run feeds -- formats
KIND is transport, parking, water or events. --from/--to set the window for calendar events
(default: now to ${DEFAULT_WINDOW_DAYS} days ahead); --now sets the clock (default: --from, else now).`;

class CliError extends Error {
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}

function time(v: string | undefined, flag: string): Date | undefined {
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new CliError(`${flag}: not an ISO 8601 time: ${v}`, 2);
  return d;
}

async function readInput(file: string, maxBytes: number): Promise<Uint8Array> {
  let size: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new CliError(`cannot read ${file}: not a regular file`);
    size = st.size;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (size > maxBytes) {
    throw new CliError(
      `${file}: ${(size / 1048576).toFixed(1)} MB is over the ${(maxBytes / 1048576).toFixed(0)} MB limit of this format`,
    );
  }
  try {
    return await readFile(file);
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function main(argv: string[]): Promise<{ stdout: string; stderr: string[] }> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      now: { type: 'string' },
      format: { type: 'string' },
      table: { type: 'string' },
      realtime: { type: 'string' },
      locations: { type: 'string' },
      stop: { type: 'string', multiple: true },
      area: { type: 'string' },
      lang: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [cmd, kindArg, file] = positionals;
  if (values.help) return { stdout: USAGE, stderr: [] };
  if (cmd === 'formats') {
    return {
      stdout: ADAPTERS.map((a) => `${a.kind.padEnd(10)} ${a.format.padEnd(24)} ${a.description}`).join('\n'),
      stderr: [],
    };
  }
  if (cmd !== 'parse' || !kindArg || !file) throw new CliError(USAGE, 2);
  const kind = FeedKindSchema.safeParse(kindArg);
  if (!kind.success)
    throw new CliError(`unknown KIND "${kindArg}": use transport, parking, water or events`, 2);
  const from = time(values.from, '--from');
  const now = time(values.now, '--now') ?? from ?? new Date();
  const winFrom = from ?? now;
  const to = time(values.to, '--to') ?? new Date(winFrom.getTime() + DEFAULT_WINDOW_DAYS * 86_400_000);
  if (to <= winFrom) throw new CliError('--to must be after --from', 2);

  let adapter = values.format ? adapterFor(values.format) : undefined;
  if (values.format && !adapter)
    throw new CliError(`unknown --format ${values.format}; see "npm run feeds -- formats"`, 2);
  if (adapter && adapter.kind !== kind.data)
    throw new CliError(`format ${adapter.format} produces ${adapter.kind}, not ${kind.data}`, 2);
  const maxBytes =
    adapter?.maxBytes ?? Math.max(...ADAPTERS.filter((a) => a.kind === kind.data).map((a) => a.maxBytes));
  const main = await readInput(file, maxBytes);
  if (main.byteLength === 0) throw new CliError(`${file}: empty file`);
  adapter ??= detectFormat(kind.data as FeedKind, main);
  if (!adapter) {
    const formats = ADAPTERS.filter((a) => a.kind === kind.data).map((a) => a.format);
    throw new CliError(
      `${file}: not a recognized ${kind.data} format (${formats.join(', ')}); name one with --format`,
    );
  }
  const inputs: AdapterInputs = { main };
  for (const role of ['table', 'realtime', 'locations'] as const) {
    const f = values[role];
    if (f) inputs[role] = await readInput(f, 200 * 1048576);
  }
  const options: Record<string, unknown> = {};
  if (values.stop?.length)
    options.stops = values.stop.map((s) => ({ id: s.replace(/[^A-Za-z0-9_.-]/g, '-'), gtfsStopId: s }));
  if (values.area) options.area = values.area;
  const ctx: AdapterContext = {
    source: `file:${file}`.slice(0, 200),
    fetchedAt: now,
    window: { from: winFrom, to },
    options,
  };
  if (values.lang) ctx.lang = values.lang;
  try {
    const r = adapter.parse(inputs, ctx);
    return { stdout: JSON.stringify(r.snapshots, null, 2), stderr: r.warnings.map((w) => `warning: ${w}`) };
  } catch (e) {
    throw new CliError(`${file}: ${(e as Error).message}`);
  }
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  main(process.argv.slice(2)).then(
    ({ stdout, stderr }) => {
      for (const line of stderr) process.stderr.write(`${line}\n`);
      process.stdout.write(`${stdout}\n`);
    },
    (e: unknown) => {
      const err = e as Error & { code?: unknown };
      const code = e instanceof CliError ? e.code : 1;
      const msg = e instanceof CliError ? e.message : `${err.name}: ${err.message}`;
      process.stderr.write(code === 2 && msg === USAGE ? `${USAGE}\n` : `error: ${msg.split('\n')[0]}\n`);
      if (code === 2 && msg === USAGE) process.exitCode = 2;
      else process.exitCode = code;
    },
  );
}
