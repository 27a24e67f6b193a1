import { EventEmitter } from 'node:events';
import {
  type Command,
  type CommandRequest,
  CommandResultSchema,
  CommandSchema,
  decodePayload,
  encodePayload,
  filters,
  parseTopic,
  topics,
} from '../../protocol/index.ts';
import type { Bus } from '../bus.ts';
import type { Logger } from '../log.ts';
import { counter, invalidMessages, reasonOf } from '../metrics.ts';
import type { CommandRecord, Store } from '../store/index.ts';
import { randomSuffix } from '../store/ids.ts';

/**
 * Remote commands: issued through REST, stored, published (QoS 1, not retained) on
 * v1/screens/{id}/cmd; each screen answers on v1/screens/{id}/cmd/result with the command's id, and
 * the result is stored on the command record. A result for an unknown id, or for another screen's
 * command, is dropped and counted.
 */
const commandsIssued = counter('stander_commands_issued_total', 'Commands sent to screens', [
  'type',
] as const);
const commandResults = counter('stander_command_results_total', 'Command results received', [
  'outcome',
] as const);

export class CommandPublishError extends Error {
  override readonly name = 'CommandPublishError';
}

export async function issueCommand(
  o: { store: Store; bus: Bus },
  screenId: string,
  request: CommandRequest,
  issuedBy: string,
): Promise<CommandRecord> {
  const issuedAt = new Date().toISOString();
  const id = `cmd-${Date.now().toString(36)}-${randomSuffix(6)}`;
  const command: Command = CommandSchema.parse({ ...request, id, issuedAt });
  const { type, id: _id, issuedAt: _at, ...params } = command;
  const record: CommandRecord = {
    id,
    screenId,
    type,
    params: params as CommandRecord['params'],
    issuedAt,
    issuedBy,
    result: null,
    resultAt: null,
  };
  // Stored before it is sent, so that even an instant result finds its command.
  await o.store.addCommand(record);
  try {
    await o.bus.publish(topics.screenCmd(screenId), encodePayload(CommandSchema, command), {
      retain: false,
      qos: 1,
    });
  } catch (err) {
    await o.store.setCommandResult(screenId, {
      id,
      type,
      ok: false,
      at: new Date().toISOString(),
      message: `not sent: ${(err as Error).message}`.slice(0, 2000),
    });
    throw new CommandPublishError(`command could not be sent: ${(err as Error).message}`);
  }
  commandsIssued.inc({ type });
  return record;
}

export interface CommandResultEvents {
  result: [record: CommandRecord];
}

export class CommandResults extends EventEmitter<CommandResultEvents> {
  #unsub: (() => void) | null = null;
  constructor(private readonly o: { bus: Bus; store: Store; log: Logger }) {
    super();
  }

  async start(): Promise<void> {
    this.#unsub = await this.o.bus.subscribe(filters.allScreenChannel('cmd/result'), (t, p) => {
      void this.#onResult(t, p).catch((err: unknown) =>
        this.o.log.error({ err, topic: t }, 'storing command result failed'),
      );
    });
  }

  stop(): void {
    this.#unsub?.();
    this.#unsub = null;
  }

  async #onResult(topic: string, payload: Buffer): Promise<void> {
    const parsed = parseTopic(topic);
    if (parsed?.kind !== 'screen' || parsed.channel !== 'cmd/result') return;
    const r = decodePayload(CommandResultSchema, payload);
    if (!r.ok) {
      invalidMessages.inc({ kind: 'cmd/result', reason: reasonOf(r.error) });
      this.o.log.warn({ topic, error: r.error }, 'invalid command result dropped');
      return;
    }
    const record = await this.o.store.setCommandResult(parsed.screenId, r.value);
    if (!record) {
      commandResults.inc({ outcome: 'unknown' });
      this.o.log.warn({ screenId: parsed.screenId, id: r.value.id }, 'result for an unknown command dropped');
      return;
    }
    commandResults.inc({ outcome: r.value.ok ? 'ok' : 'failed' });
    this.emit('result', record);
  }
}
