import pino from 'pino';
import { startAgent } from '../../../kiosk/agent/index.ts';

/**
 * A screen agent as its own process, for power-cut tests (kill -9): the options come as JSON in
 * STANDER_RUNNER_OPTS; prints "agent ready" once the cache is loaded, then a line per state change
 * ("state <json summary>") so the parent can pick its moment.
 */
const opts = JSON.parse(process.env.STANDER_RUNNER_OPTS ?? '{}') as Parameters<typeof startAgent>[0];
const agent = await startAgent({ ...opts, log: pino({ level: 'silent' }), uiPort: null });
process.stdout.write('agent ready\n');
agent.subscribe((s) => {
  process.stdout.write(
    `state ${JSON.stringify({ items: s.playlist.items.length, feed: s.feeds.transport['stop-1'] !== undefined, config: s.config !== null })}\n`,
  );
});
