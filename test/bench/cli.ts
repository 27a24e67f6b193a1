/**
 * `npm run bench -- [name] [--screens N[,N...]] [--json] [--quick] [--targets LIST] [--workers K] [--out DIR] [--no-write]`
 *
 * Runs every benchmark, or the one named, each beside its baseline measured in the same run, and
 * writes bench-results/{name}.json and .md. With --json, stdout carries exactly one JSON object
 * (progress goes to stderr): one benchmark's figures, or {name: figures} for all of them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BenchOptions, type BenchResult, writeResult } from './results.ts';
import { releaseShared } from './sim/targets.ts';

type Runner = (opts: BenchOptions) => Promise<BenchResult>;

/** Benchmark name -> module path (relative to this file). Other helpers' modules load only if present. */
export const BENCHMARKS: Record<string, string> = {
  push: './push.ts',
  storm: './storm.ts',
  presence: './presence.ts',
  resync: './resync.ts',
  telemetry: './telemetry.ts',
  bandwidth: './bandwidth.ts',
  'feeds-parse': './feeds-parse.ts',
  'kiosk-ui': './kiosk-ui.ts',
  'retained-index': './retained-index.ts',
};

export interface CliArgs {
  names: string[];
  screens?: number[];
  targets?: string[];
  json: boolean;
  quick: boolean;
  workers: number;
  outDir: string | null;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[]): CliArgs {
  const out: CliArgs = {
    names: [],
    json: false,
    quick: false,
    workers: 0,
    outDir: path.resolve('bench-results'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? a.split('=', 2) : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--json':
        out.json = true;
        break;
      case '--quick':
        out.quick = true;
        break;
      case '--screens': {
        const list = value()
          .split(',')
          .map((s) => Number(s.trim()));
        if (list.some((n) => !Number.isInteger(n) || n < 1 || n > 100_000))
          throw new UsageError('--screens takes whole numbers from 1 to 100000, e.g. --screens 1000,5000');
        out.screens = list;
        break;
      }
      case '--targets': {
        const list = value()
          .split(',')
          .map((t) => t.trim());
        const known = ['mosquitto', 'mosquitto-live', 'embedded', 'external'];
        const bad = list.find((t) => !known.includes(t));
        if (bad) throw new UsageError(`unknown target "${bad}"; one or more of: ${known.join(', ')}`);
        out.targets = list;
        break;
      }
      case '--workers': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError('--workers takes 1..64');
        out.workers = n;
        break;
      }
      case '--out':
        out.outDir = path.resolve(value());
        break;
      case '--no-write':
        out.outDir = null;
        break;
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown flag ${a}`);
        if (!(a in BENCHMARKS))
          throw new UsageError(`unknown benchmark "${a}"; one of: ${Object.keys(BENCHMARKS).join(', ')}`);
        out.names.push(a);
    }
  }
  // One simulator thread per core for full runs; quick runs are small and start faster with one.
  if (out.workers === 0) out.workers = out.quick ? 1 : Math.max(1, Math.min(4, os.cpus().length));
  return out;
}

const USAGE = `usage: npm run bench -- [name...] [--screens N[,N...]] [--json] [--quick] [--workers K] [--out DIR] [--no-write]
benchmarks: ${Object.keys(BENCHMARKS).join(', ')} (default: all)`;

async function load(name: string): Promise<Runner | null> {
  const rel = BENCHMARKS[name];
  if (!rel) return null;
  const url = new URL(rel, import.meta.url);
  if (!existsSync(url)) return null;
  const mod = (await import(url.href)) as { run?: Runner };
  return typeof mod.run === 'function' ? mod.run : null;
}

/** The soft open-files limit of this process (10,000 screens need ~10,000 fds here and as many in the server). */
function fdLimit(): number | null {
  try {
    return Number(execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || null;
  } catch {
    return null;
  }
}

export async function main(argv: string[]): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.message) process.stderr.write(`${e.message}\n`);
      process.stderr.write(`${USAGE}\n`);
      return e.message ? 2 : 0;
    }
    throw e;
  }
  const started = performance.now();
  const log = (line: string) =>
    process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
  const names = args.names.length ? args.names : Object.keys(BENCHMARKS);
  const limit = fdLimit();
  const biggest = Math.max(...(args.screens ?? [args.quick ? 200 : 10_000]));
  if (limit !== null && limit < biggest + 1024)
    log(
      `warning: open-files limit is ${limit}; ${biggest} screens need about ${biggest + 1024}. Raise it with \`ulimit -n ${2 * biggest + 4096}\`.`,
    );
  const opts: BenchOptions = {
    ...(args.screens ? { screens: args.screens } : {}),
    ...(args.targets ? { targets: args.targets } : {}),
    quick: args.quick,
    workers: args.workers,
    outDir: args.outDir,
    log,
  };
  const all: Record<string, unknown> = {};
  let failed = 0;
  for (const name of names) {
    const runner = await load(name);
    if (!runner) {
      if (args.names.includes(name)) {
        log(`${name}: not available in this checkout`);
        failed++;
      }
      continue;
    }
    log(`== ${name}`);
    try {
      const r = await runner(opts);
      if (args.outDir) await writeResult(args.outDir, r);
      all[name] = r.summary;
      for (const g of r.goals)
        log(
          `  goal ${g.what} ${g.target}: ${g.reached === null ? 'not measured' : g.reached ? 'reached' : 'MISSED'}`,
        );
    } catch (e) {
      failed++;
      log(`${name} failed: ${(e as Error).stack ?? e}`);
      all[name] = { error: (e as Error).message };
    }
  }
  await releaseShared();
  const single = names.length === 1 ? all[names[0] as string] : undefined;
  const out = single !== undefined ? single : all;
  process.stdout.write(args.json ? `${JSON.stringify(out)}\n` : `${JSON.stringify(out, null, 2)}\n`);
  return failed ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('test/bench/cli.ts')) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
