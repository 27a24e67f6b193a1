import { createFixtureBridge } from './fixture.ts';
import { createPreloadBridge } from './preload.ts';
import { createPreviewBridge } from './preview.ts';
import type { RendererBridge } from './types.ts';
import { bridgeUrl, createWsBridge } from './ws.ts';

/**
 * Which bridge: `?bridge=ws|preload|preview|fixture` when given; else Electron's preload when
 * `window.stander` exists; else the agent's WebSocket when served over http(s); else the fixture.
 */
export function chooseBridge(win: Window, params: URLSearchParams): RendererBridge {
  const want = params.get('bridge');
  if (want === 'preview') return createPreviewBridge(win);
  if (want === 'fixture') return createFixtureBridge(params.get('profile'));
  if ((want === 'preload' || !want) && win.stander) return createPreloadBridge(win.stander);
  if (want === 'ws' || win.location.protocol.startsWith('http'))
    return createWsBridge(bridgeUrl(win.location));
  return createFixtureBridge(params.get('profile'));
}
