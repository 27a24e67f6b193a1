import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StanderServer } from '../../control-server/server.ts';
import { type AgentHandle, SimulatedHardware, startAgent } from '../../kiosk/agent/index.ts';
import { silentLogger } from '../../kiosk/agent/log.ts';
import { type Command, CommandSchema, encodePayload, topics } from '../../protocol/index.ts';
import { Admin, noisePng, startRealServer, until } from './agent-harness.ts';

/**
 * Commands and cache recovery against the real control server: a command delivered twice (queued
 * in the persistent session while the screen was away, then delivered again) runs once and is
 * answered each time; a corrupt cache file is set aside, fetched again and reported in health.
 */
interface CommandView {
  id: string;
  type: string;
  issuedAt: string;
  state: 'pending' | 'ok' | 'failed';
  result: { ok: boolean; message?: string } | null;
}

describe('agent commands and cache recovery against the real control server', () => {
  let dir: string;
  let server: StanderServer;
  let admin: Admin;
  let agent: AgentHandle | null = null;
  let screen: { id: string; token: string };
  const hw = new SimulatedHardware();
  const cacheDir = () => join(dir, 'screen-cache');

  const launch = () =>
    startAgent({
      screenId: screen.id,
      token: screen.token,
      serverUrl: server.httpUrl,
      mqttUrl: server.mqttUrl,
      cacheDir: cacheDir(),
      uiPort: 0,
      rendererDir: join(dir, 'no-renderer'),
      hardware: hw,
      log: silentLogger,
      tickMs: 100,
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stander-agent-cmd-'));
    server = await startRealServer(join(dir, 'server'));
    admin = await Admin.login(server.httpUrl);
    screen = await admin.createScreen({
      name: 'Parking post Israels Plads',
      profile: 'parking-post',
      location: { lat: 55.6841, lon: 12.5663 },
      groups: ['parking'],
      tags: [],
    });
    await admin.createCampaign({
      name: 'Park and ride',
      priority: 'normal',
      target: { all: true },
      slides: [{ kind: 'text', title: { da: 'Park og rejs', en: 'Park and ride' }, durationS: 10 }],
    });
    agent = await launch();
    await until(
      () => agent!.getState().connection.online && agent!.getState().playlist.items.length === 1,
      10_000,
      'agent synced',
    );
  });

  afterAll(async () => {
    await agent?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const command = (id: string) =>
    admin.call<CommandView>('GET', `/api/v1/screens/${screen.id}/commands/${id}`);

  it('answers commands issued through the REST API', async () => {
    const { id } = await admin.call<{ id: string }>('POST', `/api/v1/screens/${screen.id}/commands`, {
      type: 'brightness',
      level: 42,
    });
    const c = await until(
      async () => {
        const v = await command(id);
        return v.state !== 'pending' ? v : null;
      },
      10_000,
      'brightness result',
      50,
    );
    expect(c.state).toBe('ok');
    expect(hw.brightness).toBe(42);
    expect(agent!.getState().display.brightness).toBe(42);
  });

  it('takes a screenshot through the shell and uploads it to the server', async () => {
    const png = noisePng(64, 48, 5);
    let shots = 0;
    agent!.setShell({
      takeScreenshot: async () => {
        shots++;
        return png;
      },
    });
    const { id } = await admin.call<{ id: string }>('POST', `/api/v1/screens/${screen.id}/commands`, {
      type: 'screenshot',
    });
    const c = await until(
      async () => {
        const v = await command(id);
        return v.state !== 'pending' ? v : null;
      },
      10_000,
      'screenshot result',
      50,
    );
    expect(c.result).toMatchObject({ ok: true });
    expect(shots).toBe(1);
    const r = await fetch(`${server.httpUrl}/api/v1/screens/${screen.id}/screenshot`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(r.status).toBe(200);
    expect(Buffer.from(await r.arrayBuffer()).equals(png)).toBe(true);
    agent!.setShell(null);
  });

  it('runs a command delivered twice (queued while offline, then redelivered) exactly once', async () => {
    await agent!.close();
    agent = null;
    // Issued while the screen is away: the broker keeps it in the screen's persistent session.
    const { id } = await admin.call<{ id: string }>('POST', `/api/v1/screens/${screen.id}/commands`, {
      type: 'reload',
    });
    const view = await command(id);
    expect(view.state).toBe('pending');
    // The same command again, as a QoS 1 redelivery would bring it.
    const cmd: Command = CommandSchema.parse({ id, type: 'reload', issuedAt: view.issuedAt });
    await server.bus.publish(topics.screenCmd(screen.id), encodePayload(CommandSchema, cmd), {
      qos: 1,
      retain: false,
    });

    agent = await launch();
    await until(() => agent!.core.commands.redeliveries >= 1, 10_000, 'both deliveries handled');
    const done = await until(
      async () => {
        const v = await command(id);
        return v.state !== 'pending' ? v : null;
      },
      10_000,
      'reload result',
      50,
    );
    console.log(
      `[agent-commands] command ${id}: delivered ${agent.core.commands.executed + agent.core.commands.redeliveries} times, ` +
        `executed ${agent.core.commands.executed} time(s), reloadSeq ${agent.getState().reloadSeq}`,
    );
    expect(done.state).toBe('ok');
    expect(agent.core.commands.executed).toBe(1);
    expect(agent.core.commands.redeliveries).toBe(1);
    expect(agent.getState().reloadSeq).toBe(1);
    const journal = JSON.parse(await readFile(join(cacheDir(), 'commands.json'), 'utf8')) as { id: string }[];
    expect(journal.filter((r) => r.id === id)).toHaveLength(1);
  });

  it('recovers from corrupt cache files and reports them in health', async () => {
    await agent!.close();
    agent = null;
    const messages = join(cacheDir(), 'messages');
    const names = await readdir(messages);
    const configFile = names.find((n) => n.endsWith('~config.json'))!;
    const campaignFile = names.find((n) => n.startsWith('v1~campaigns~'))!;
    expect(configFile && campaignFile).toBeTruthy();
    // A torn file and a flipped byte.
    const raw = await readFile(join(messages, configFile), 'utf8');
    await writeFile(join(messages, configFile), raw.slice(0, Math.floor(raw.length / 2)));
    const camp = await readFile(join(messages, campaignFile), 'utf8');
    await writeFile(join(messages, campaignFile), camp.replace('Park and ride', 'Park and hide'));

    agent = await launch();
    // The agent starts anyway, without what was corrupt, and gets it back from the broker.
    expect(agent.getState().config).toBeNull();
    const s = await until(
      () =>
        agent!.getState().config && agent!.getState().playlist.items.length === 1 ? agent!.getState() : null,
      10_000,
      'recovered state',
    );
    expect(s.playlist.items[0]?.slide).toMatchObject({ title: { en: 'Park and ride' } });
    const after = await readdir(messages);
    expect(after).toContain(`${configFile}.corrupt`);
    expect(after).toContain(`${campaignFile}.corrupt`);
    await until(async () => (await readdir(messages)).includes(configFile), 5000, 'config cached again');
    // Reported to the server in health.
    await agent.core.reportHealth();
    const health = await until(
      async () => {
        const v = await admin.call<{ health: { cacheCorruptions: number } | null }>(
          'GET',
          `/api/v1/screens/${screen.id}`,
        );
        return v.health && v.health.cacheCorruptions > 0 ? v.health : null;
      },
      10_000,
      'health on the server',
      100,
    );
    expect(health.cacheCorruptions).toBe(2);
  });
});
