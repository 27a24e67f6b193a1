import mqtt from 'mqtt';
import { filters } from '../../../../protocol/index.ts';
import { applyFeedMessage, type Feeds, loadFeeds, saveFeeds } from './feeds.ts';

export interface PublicChannel {
  /** Called with the feeds now (saved ones first) and on every change. */
  onFeeds(listener: (feeds: Feeds) => void): void;
  /** Called with the link state now and on every change. */
  onLink(listener: (up: boolean) => void): void;
  close(): void;
}

/** ws(s)://same-host/mqtt: the server's MQTT over WebSocket endpoint. */
export function brokerUrl(loc: Location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/mqtt`;
}

/**
 * The public read-only channel: MQTT over WebSocket as the anonymous `public` identity, subscribed to
 * `v1/feeds/#` (the only thing it may read), every message validated with the protocol schemas. Saves
 * what it holds to localStorage (at most every 2 s) so a phone without network still shows the last data.
 */
export function connectPublicChannel(url: string, storage: Storage | null): PublicChannel {
  let feeds = loadFeeds(storage);
  let up = false;
  const feedListeners = new Set<(f: Feeds) => void>();
  const linkListeners = new Set<(u: boolean) => void>();
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  const random = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) =>
    b.toString(16).padStart(2, '0'),
  );
  const client = mqtt.connect(url, {
    username: 'public',
    clientId: `public:${random.join('')}`,
    clean: true,
    protocolVersion: 4,
    keepalive: 30,
    reconnectPeriod: 3000,
    connectTimeout: 10_000,
    resubscribe: false,
  });
  const setUp = (u: boolean) => {
    if (u === up) return;
    up = u;
    for (const l of linkListeners) l(up);
  };
  client.on('connect', () => {
    client.subscribe(filters.allFeeds, { qos: 0 }, (err) => setUp(!err));
  });
  client.on('close', () => setUp(false));
  client.on('offline', () => setUp(false));
  client.on('message', (topic, payload) => {
    const r = applyFeedMessage(feeds, topic, payload);
    if (r.ignored) console.warn(`feed message on ${topic} ignored: ${r.ignored}`);
    if (r.feeds === feeds) return;
    feeds = r.feeds;
    for (const l of feedListeners) l(feeds);
    saveTimer ??= setTimeout(() => {
      saveTimer = null;
      saveFeeds(storage, feeds);
    }, 2000);
  });
  return {
    onFeeds(l) {
      feedListeners.add(l);
      l(feeds);
    },
    onLink(l) {
      linkListeners.add(l);
      l(up);
    },
    close() {
      if (saveTimer) clearTimeout(saveTimer);
      saveFeeds(storage, feeds);
      client.end(true);
    },
  };
}
