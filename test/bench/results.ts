import { mkdir, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Options every benchmark module's `run(opts)` accepts. */
export interface BenchOptions {
  /** Fleet sizes to measure; each benchmark has its own default. */
  screens?: number[];
  /** Short run for tests and CI: small fleets, compressed durations. */
  quick: boolean;
  /** Which targets to measure where a benchmark has several (push: mosquitto, embedded, external); all when absent. */
  targets?: string[];
  /** Simulator worker threads. */
  workers: number;
  /** Where {name}.json and {name}.md go; null = do not write files. */
  outDir: string | null;
  /** Progress lines (stderr). */
  log: (line: string) => void;
}

export interface Goal {
  what: string;
  target: string;
  reached: boolean | null;
}

/** What one benchmark returns: a flat headline object plus a table for the markdown file. */
export interface BenchResult {
  name: string;
  title: string;
  /** One paragraph: what was measured, against which baseline, and how to read the table. */
  guide: string;
  /** The headline figures (the JSON printed by --json). */
  summary: Record<string, unknown>;
  table: { columns: string[]; rows: (string | number | null)[][] };
  goals: Goal[];
  notes: string[];
}

export function environment(): Record<string, unknown> {
  return {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100),
    totalMemMB: Math.round(os.totalmem() / 2 ** 20),
    platform: `${os.platform()} ${os.release()}`,
  };
}

export function markdown(r: BenchResult, env: Record<string, unknown>, at: string): string {
  const fmt = (v: string | number | null) => (v === null ? '—' : typeof v === 'number' ? String(v) : v);
  const lines = [
    `# ${r.title}`,
    '',
    r.guide,
    '',
    `| ${r.table.columns.join(' | ')} |`,
    `|${r.table.columns.map(() => '---').join('|')}|`,
    ...r.table.rows.map((row) => `| ${row.map(fmt).join(' | ')} |`),
    '',
  ];
  if (r.goals.length) {
    lines.push('## Goals', '', '| goal | target | reached |', '|---|---|---|');
    for (const g of r.goals)
      lines.push(
        `| ${g.what} | ${g.target} | ${g.reached === null ? 'not measured' : g.reached ? 'yes' : 'NO'} |`,
      );
    lines.push('');
  }
  if (r.notes.length) lines.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  lines.push(
    `Measured ${at} on ${String(env.cpus)} x ${String(env.cpuModel)}, Node ${String(env.node)}, load average ${JSON.stringify(env.loadavg)}.`,
    '',
  );
  return lines.join('\n');
}

async function atomicWrite(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

export async function writeResult(outDir: string, r: BenchResult): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const env = environment();
  const at = new Date().toISOString();
  await atomicWrite(
    path.join(outDir, `${r.name}.json`),
    `${JSON.stringify({ name: r.name, at, environment: env, summary: r.summary, table: r.table, goals: r.goals, notes: r.notes }, null, 2)}\n`,
  );
  await atomicWrite(path.join(outDir, `${r.name}.md`), markdown(r, env, at));
}
