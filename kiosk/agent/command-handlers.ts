import type { AgentCore } from './agent.ts';
import type { CommandHandlers } from './commands.ts';

/** What each remote command does on this screen. */
export function makeCommandHandlers(agent: AgentCore): CommandHandlers {
  const hw = () => agent.opts.hardware;
  return {
    reload: async () => {
      agent.patchState({ reloadSeq: agent.getState().reloadSeq + 1 });
      return { message: `UI reload requested (seq ${agent.getState().reloadSeq})` };
    },
    screenshot: async () => {
      const shell = agent.shell;
      if (!shell)
        throw new Error(
          'no shell attached (STANDER_SHELL=none): screenshots need the electron or chromium shell',
        );
      const png = await shell.takeScreenshot();
      return {
        message: `screenshot uploaded (${png.length} bytes)`,
        data: await uploadScreenshot(agent, png),
      };
    },
    // The result is stored and sent before the reboot starts, so the redelivery after boot is not run again.
    reboot: async () => ({ message: 'rebooting', after: () => hw().reboot() }),
    brightness: async (cmd) => {
      await hw().setBrightness(cmd.level);
      await agent.refreshDisplay();
      return { message: `brightness ${agent.getState().display.brightness ?? cmd.level}` };
    },
    display: async (cmd) => {
      await agent.setDisplay(cmd.on);
      return { message: `display ${agent.getState().display.on ? 'on' : 'off'}` };
    },
    'clear-cache': async () => {
      await agent.cache.clear();
      const evicted = await agent.content.clearUnreferenced();
      await agent.repersistLocal();
      // Re-subscribing brings every retained message back, and each is cached again.
      agent.resubscribe();
      return { message: `message cache cleared, ${evicted} unused assets removed; refetching` };
    },
    identify: async (cmd) => {
      const until = new Date(agent.now() + cmd.durationS * 1000).toISOString();
      agent.patchState({ identifyUntil: until });
      return { message: `identifying until ${until}` };
    },
  };
}

async function uploadScreenshot(
  agent: AgentCore,
  png: Buffer,
): Promise<Record<string, string | number | boolean>> {
  const { serverUrl, screenId, token } = agent.opts;
  const url = new URL(`/api/v1/screens/${encodeURIComponent(screenId)}/screenshot`, serverUrl);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${screenId}:${token}`, 'content-type': 'image/png' },
      body: new Uint8Array(png),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    throw new Error(`screenshot upload failed: ${(e as Error).message}`);
  }
  const text = await res.text().catch(() => '');
  if (res.status === 404)
    throw new Error('screenshot upload failed: the server has no screenshot route (HTTP 404)');
  if (!res.ok) throw new Error(`screenshot upload failed: HTTP ${res.status} ${text.slice(0, 200)}`);
  const data: Record<string, string | number | boolean> = { bytes: png.length };
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object') {
      for (const [k, v] of Object.entries(body)) {
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
          data[k] = typeof v === 'string' ? v.slice(0, 2000) : v;
      }
    }
  } catch {
    // A non-JSON answer is fine; the upload succeeded.
  }
  return data;
}
