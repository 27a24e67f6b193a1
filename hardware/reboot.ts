import { type CommandOutcome, type CommandRunner, execRunner } from './runner.ts';

export interface RebootOptions {
  /** The command that reboots this machine, e.g. ['systemctl', 'reboot'] or ['sudo', '/sbin/reboot']. */
  command?: readonly string[];
  runner?: CommandRunner;
}

export const DEFAULT_REBOOT_COMMAND = ['systemctl', 'reboot'] as const;

/** Parses a configured command line ("sudo /sbin/reboot") into argv; no shell involved. */
export function parseCommand(line: string): string[] {
  const argv = line.trim().split(/\s+/).filter(Boolean);
  if (argv.length === 0) throw new Error('empty reboot command');
  return argv;
}

export class Rebooter {
  readonly command: readonly string[];
  private readonly runner: CommandRunner;

  constructor(opts: RebootOptions = {}) {
    this.command = opts.command ?? DEFAULT_REBOOT_COMMAND;
    if (this.command.length === 0) throw new Error('empty reboot command');
    this.runner = opts.runner ?? execRunner;
  }

  /** Runs the reboot command; resolves with its outcome (a real reboot usually never resolves). */
  async reboot(): Promise<{ ok: boolean; message: string; outcome: CommandOutcome }> {
    const [file, ...args] = this.command;
    const outcome = await this.runner(file!, args, { timeoutMs: 30_000 });
    const ok = outcome.code === 0;
    const message = ok
      ? `reboot requested: ${this.command.join(' ')}`
      : `reboot command failed (${outcome.error ?? `exit ${outcome.code}`}): ${outcome.stderr.trim().slice(0, 500)}`;
    return { ok, message, outcome };
  }
}
