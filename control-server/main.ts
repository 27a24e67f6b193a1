import { existsSync } from 'node:fs';
import { ConfigError, loadSettings } from './config.ts';
import { createLogger } from './log.ts';
import { startServer } from './server.ts';
import { StoreFileError } from './store/index.ts';

/**
 * `npm run server -- [flags]`: the control server alone. Settings come from STANDER_* variables,
 * each overridable by a flag of the same name (--http-port 9000). Prints one line
 * "Stander control server ready: http=URL mqtt=URL ws=URL" when it serves, for people and scripts.
 */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(
      'usage: npm run server -- [--data-dir DIR] [--http-port N] [--mqtt-port N] [--broker-url URL] ...\n' +
        'Every STANDER_* setting of the README is also a flag: STANDER_HTTP_PORT -> --http-port.\n',
    );
    return;
  }
  let settings: ReturnType<typeof loadSettings>;
  try {
    settings = loadSettings(argv);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`stander server: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const log = createLogger('stander-server');
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    const feeds = existsSync(settings.feedsConfig);
    if (!feeds) log.warn({ file: settings.feedsConfig }, 'no feeds configuration: running without feeds');
    server = await startServer({ ...settings, log, feeds });
  } catch (e) {
    const message = e instanceof StoreFileError || e instanceof Error ? e.message : String(e);
    process.stderr.write(`stander server: cannot start: ${message}\n`);
    log.error({ err: e }, 'start failed');
    process.exit(1);
  }
  if (server.admin.created && server.admin.generated) {
    process.stdout.write(
      `First start: created user "admin" with password ${server.admin.password}\n` +
        '(shown this once; set STANDER_ADMIN_PASSWORD before the first start to choose it)\n',
    );
  }
  const parts = [`http=${server.httpUrl}`, `mqtt=${server.mqttUrl}`];
  if (server.wsUrl) parts.push(`ws=${server.wsUrl}`);
  if (server.mqttsUrl) parts.push(`mqtts=${server.mqttsUrl}`);
  process.stdout.write(`Stander control server ready: ${parts.join(' ')}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stderr.write('stander server: forced exit\n');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      process.stderr.write('stander server: shutdown took too long, exiting\n');
      process.exit(1);
    }, 15_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

await main();
