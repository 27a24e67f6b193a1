import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  type Command,
  type CommandResult,
  CommandResultSchema,
  CommandSchema,
  type CommandType,
  decodePayload,
} from '../../protocol/index.ts';
import { writeFileAtomic } from './atomic.ts';
import type { Logger } from './log.ts';

/**
 * Runs remote commands exactly once per id. The id is written to disk before the command runs and
 * its result after, so a QoS 1 redelivery (or a redelivery after a crash or a reboot) is answered
 * again with the stored outcome instead of running twice. The journal keeps the latest ids only.
 */

export interface CommandOutcome {
  message?: string;
  data?: CommandResult['data'];
  /** A side effect that must wait until the result is stored and sent (e.g. the reboot itself). */
  after?: () => Promise<void>;
}
export type CommandHandler<T extends CommandType> = (
  cmd: Extract<Command, { type: T }>,
) => Promise<CommandOutcome>;
export type CommandHandlers = { [T in CommandType]: CommandHandler<T> };

const JournalSchema = z.array(
  z.object({ id: z.string(), type: z.string(), result: CommandResultSchema.nullable() }),
);
type Journal = z.infer<typeof JournalSchema>;

export interface CommandExecutorOptions {
  file: string;
  handlers: CommandHandlers;
  publishResult: (r: CommandResult) => Promise<void>;
  log: Logger;
  /** Ids remembered; older ones are forgotten. */
  maxIds?: number;
  /** Commands issued longer ago than this are refused (a reboot queued for days must not fire). */
  maxAgeMs?: number;
  now?: () => number;
  /** Called for an invalid command payload. */
  onInvalid?: (error: string) => void;
}

export class CommandExecutor {
  private journal: Journal = [];
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Commands actually run since start (not counting redeliveries answered from the journal). */
  executed = 0;
  redeliveries = 0;
  private readonly now: () => number;
  /** Results not yet acknowledged by the broker; re-sent after a reconnect. */
  private readonly unsent = new Map<string, CommandResult>();

  constructor(private readonly opts: CommandExecutorOptions) {
    this.now = opts.now ?? Date.now;
  }

  async init(): Promise<void> {
    try {
      const r = JournalSchema.safeParse(JSON.parse(await readFile(this.opts.file, 'utf8')));
      if (r.success) this.journal = r.data;
      else this.opts.log.warn('command journal unreadable; starting a new one');
    } catch {
      this.journal = [];
    }
    // A command that started but never finished: the process died while running it.
    for (const row of this.journal) {
      if (row.result) continue;
      row.result = {
        id: row.id,
        type: row.type,
        ok: row.type === 'reboot',
        at: new Date(this.now()).toISOString(),
        message: row.type === 'reboot' ? 'rebooted' : 'interrupted: the agent restarted while running it',
      };
      this.unsent.set(row.id, row.result);
    }
    if (this.unsent.size) await this.save();
  }

  private save(): Promise<void> {
    const max = this.opts.maxIds ?? 500;
    if (this.journal.length > max) this.journal = this.journal.slice(-max);
    return writeFileAtomic(this.opts.file, JSON.stringify(this.journal));
  }

  /** Handles one payload from the cmd topic; never throws. */
  handle(payload: Buffer): Promise<void> {
    const d = decodePayload(CommandSchema, payload);
    if (!d.ok) {
      this.opts.log.warn({ error: d.error }, 'invalid command dropped');
      this.opts.onInvalid?.(d.error);
      return Promise.resolve();
    }
    const cmd = d.value;
    // Deliveries of one id run one after the other; all but the first are answered from the journal.
    const before = this.inFlight.get(cmd.id) ?? Promise.resolve();
    const p = before.then(() => this.run(cmd));
    this.inFlight.set(cmd.id, p);
    void p.finally(() => {
      if (this.inFlight.get(cmd.id) === p) this.inFlight.delete(cmd.id);
    });
    return p;
  }

  private async run(cmd: Command): Promise<void> {
    const known = this.journal.find((r) => r.id === cmd.id);
    if (known) {
      this.redeliveries++;
      this.opts.log.info({ id: cmd.id, type: cmd.type }, 'redelivered command answered from the journal');
      if (known.result) await this.send(known.result);
      return;
    }
    this.journal.push({ id: cmd.id, type: cmd.type, result: null });
    await this.save();
    let result: CommandResult;
    let after: CommandOutcome['after'];
    const at = () => new Date(this.now()).toISOString();
    const ageMs = this.now() - Date.parse(cmd.issuedAt);
    if (ageMs > (this.opts.maxAgeMs ?? 3600_000)) {
      result = {
        id: cmd.id,
        type: cmd.type,
        ok: false,
        at: at(),
        message: `expired: issued ${Math.round(ageMs / 1000)} s ago`,
      };
    } else {
      this.executed++;
      try {
        const handler = this.opts.handlers[cmd.type] as (c: Command) => Promise<CommandOutcome>;
        const { after: then, ...out } = await handler(cmd);
        after = then;
        result = { id: cmd.id, type: cmd.type, ok: true, at: at(), ...out };
      } catch (e) {
        result = {
          id: cmd.id,
          type: cmd.type,
          ok: false,
          at: at(),
          message: (e as Error).message.slice(0, 2000),
        };
      }
    }
    this.opts.log.info(
      { id: cmd.id, type: cmd.type, ok: result.ok, message: result.message },
      'command done',
    );
    const row = this.journal.find((r) => r.id === cmd.id);
    if (row) row.result = result;
    await this.save();
    await this.send(result);
    if (after) {
      await after().catch((e: Error) =>
        this.opts.log.error({ id: cmd.id, err: e.message }, 'command side effect failed'),
      );
    }
  }

  private async send(result: CommandResult): Promise<void> {
    try {
      await this.opts.publishResult(result);
      this.unsent.delete(result.id);
    } catch (e) {
      this.unsent.set(result.id, result);
      this.opts.log.warn({ id: result.id, err: (e as Error).message }, 'command result not sent yet');
    }
  }

  /** Re-sends results that could not be published (call after reconnecting). */
  async flush(): Promise<void> {
    for (const r of [...this.unsent.values()]) await this.send(r);
  }
}
