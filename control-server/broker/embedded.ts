import { EventEmitter } from 'node:events';
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { Aedes, type AuthenticateError, type Client, type PublishPacket } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { MAX_PAYLOAD_BYTES, parseTopic } from '../../protocol/index.ts';
import type { Bus, MessageHandler, PublishOptions } from '../bus.ts';
import type { Logger } from '../log.ts';
import { mqttAuthFailures, mqttClients, mqttDenied } from '../metrics.ts';
import {
  type Identity,
  PUBLIC_USERNAME,
  canPublish,
  canSubscribe,
  clientIdAllowed,
  identityLabel,
  isScreenUsername,
} from './acl.ts';
import { PublicLimiter, type PublicLimitOptions } from './public-limit.ts';
import { deliverRetainedOnSubscribe } from './retained-delivery.ts';
import { indexedMemoryPersistence } from './retained-index.ts';
import { FailureThrottle } from './throttle.ts';
import { checkScreenPublish, countInvalid } from './validate.ts';

/** Checks a screen's device token; supplied by the store (tokens are kept only as hashes). */
export type AuthenticateScreen = (screenId: string, token: string) => Promise<boolean>;

export interface EmbeddedBrokerOptions {
  authenticateScreen: AuthenticateScreen;
  log: Logger;
  host?: string;
  /** MQTT over TCP; 0 = any free port. */
  mqttPort: number;
  /** mqtts, when a certificate and key are given. */
  tls?: { cert: string | Buffer; key: string | Buffer; port: number } | null;
  /** Largest keepalive (s) a client may ask for; 0 = no limit. */
  keepaliveLimitS?: number;
  /** Reserved username of the server's own identity (never a screen). */
  serverUsername?: string;
  /** Failed logins per IP address and username per minute before they are refused outright (0 = never). */
  maxAuthFailuresPerMinute?: number;
  /** Limits of the anonymous public identity (connections per address, subscriptions per second). */
  publicLimits?: PublicLimitOptions;
}

export interface BrokerEvents {
  /** A screen's connection was accepted (one screen may hold several client ids `{id}:{suffix}`). */
  screenConnected: [screenId: string, clientId: string];
  /** A screen's connection ended: DISCONNECT, socket death or keepalive timeout (1.5 x keepalive). */
  screenDisconnected: [screenId: string, clientId: string];
}

export interface EmbeddedBroker {
  readonly aedes: Aedes;
  /** The server's own pipe: publishes straight into aedes, no socket. */
  readonly bus: Bus;
  readonly mqttPort: number;
  readonly mqttsPort: number | null;
  readonly events: EventEmitter<BrokerEvents>;
  /** Serves MQTT over WebSocket at `path` on this HTTP(S) server. */
  attachWebSocket(server: HttpServer | HttpsServer, path?: string): void;
  /** Number of live connections per screen id. */
  connectedScreens(): ReadonlyMap<string, number>;
  /** Closes every connection of this screen (deleted, or its token rotated); returns how many. */
  disconnectScreen(screenId: string): number;
  close(): Promise<void>;
}

function authError(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/** Largest MQTT packet accepted: the largest v1 payload plus room for topic and headers. */
export const MAX_PACKET_BYTES = MAX_PAYLOAD_BYTES + 64 * 1024;

interface PacketParser {
  parse(buf: Buffer): number;
  packet?: { length: number };
}

/** RC 5 ("not authorised"), what Mosquitto answers for bad credentials in MQTT 3.1.1 too. */
const NOT_AUTHORIZED = 5;
const SERVER_UNAVAILABLE = 3;

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const log = opts.log;
  const serverUsername = opts.serverUsername ?? 'stander-server';
  const identities = new WeakMap<Client, Identity>();
  /** Packets authorized but invalid: acknowledged to the sender, delivered to nobody. */
  const dropped = new WeakSet<object>();
  const events = new EventEmitter<BrokerEvents>();
  const screenConnections = new Map<string, number>();
  const screenClients = new Map<string, Set<Client>>();
  const sockets = new Set<Duplex>();

  const persistence = indexedMemoryPersistence();
  const aedes = await Aedes.createBroker({
    // Retained messages indexed by topic: a SUBSCRIBE no longer tests every retained message.
    persistence,
    keepaliveLimit: opts.keepaliveLimitS ?? 0,
    heartbeatInterval: 60_000,
    drainTimeout: 30_000,
    maxClientsIdLength: 128,
    maxTopicLevels: 16,
  });

  // Drop what authorizePublish marked as invalid. aedes has no "accept but discard" answer for a
  // publish (an error closes the connection), so the packet is acknowledged and then not routed.
  const routePublish = aedes.publish.bind(aedes) as unknown as (
    packet: PublishPacket,
    client: Client | null,
    done: (err?: Error | null) => void,
  ) => void;
  (aedes as unknown as { publish: typeof routePublish }).publish = (packet, client, done) => {
    if (typeof client === 'function') return routePublish(packet, null, client);
    if (dropped.has(packet)) return done?.(null);
    return routePublish(packet, client, done);
  };

  const throttle = new FailureThrottle(opts.maxAuthFailuresPerMinute ?? 30, 60_000);
  const publicLimit = new PublicLimiter(opts.publicLimits);
  // The agent keeps a persistent session (clean: false), so aedes queues QoS 1 messages for it while
  // it is offline. For retained state (feed snapshots, campaigns, screen configs) that queue only
  // repeats what the agent gets anyway: it subscribes again on every connect (kiosk/agent/connection.ts)
  // and then receives the retained latest of each topic. Queued, every intermediate version was sent
  // first, one event-loop turn each, before the screen could be current; and for feeds the queue grew
  // without bound during an outage (every update x every offline screen). So a retained message with
  // a payload on those topics is not queued for sessions whose client is not connected. A deletion
  // (an empty retained payload: a campaign withdrawn, a screen's config cleared) still is: it leaves
  // nothing in the retained store, so a screen that was away would otherwise never learn of it. Each
  // campaign id is used once (tombstones keep it taken), so a queued deletion never overtakes a
  // re-creation of the same topic.
  const internals = aedes as unknown as {
    clients: Record<string, unknown>;
    persistence: {
      outgoingEnqueueCombi(
        subs: Array<{ clientId: string }>,
        packet: { retain?: boolean; topic?: string; payload?: Buffer | string },
      ): Promise<void>;
    };
  };
  const enqueueCombi = internals.persistence.outgoingEnqueueCombi.bind(internals.persistence);
  internals.persistence.outgoingEnqueueCombi = (subs, packet) => {
    const skipOffline = packet.retain === true && skipWhileOffline(packet);
    return enqueueCombi(
      skipOffline ? subs.filter((sub) => internals.clients[sub.clientId] !== undefined) : subs,
      packet,
    );
  };

  aedes.authenticate = (client, username, password, done) => {
    const clientId = client.id;
    const address = remoteAddress(client);
    // Per address AND username: one misconfigured screen behind a shared NAT must not lock out the rest.
    const key = `${address}|${username ?? ''}`;
    const refuse = (reason: string, message: string) => {
      mqttAuthFailures.inc({ reason });
      if (reason !== 'throttled') throttle.fail(key);
      log.warn({ clientId, username, address, reason }, `mqtt connection refused: ${message}`);
      done(authError(message, NOT_AUTHORIZED), false);
    };
    if (throttle.blocked(key)) return refuse('throttled', 'too many failed logins from this address');
    if (username === undefined || username === '') return refuse('no-username', 'no username');
    if (!clientIdAllowed(username, clientId)) {
      return refuse('client-id', `client id must be "${username}" or "${username}:..."`);
    }
    if (username === PUBLIC_USERNAME) {
      if (password && password.length > 0)
        return refuse('public-password', 'public identity has no password');
      if (!client.req) return refuse('public-transport', 'public identity is WebSocket only');
      const release = publicLimit.connect(address);
      if (!release) {
        mqttAuthFailures.inc({ reason: 'public-limit' });
        log.warn(
          { clientId, address },
          'mqtt connection refused: too many public connections from this address',
        );
        return done(authError('too many connections from this address', SERVER_UNAVAILABLE), false);
      }
      (client.conn as unknown as NodeJS.EventEmitter).once('close', release);
      identities.set(client, { kind: 'public' });
      return done(null, true);
    }
    if (!isScreenUsername(username, serverUsername)) return refuse('username', 'unknown user');
    const token = password ? Buffer.from(password).toString('utf8') : '';
    if (token === '') return refuse('no-password', 'no password');
    opts.authenticateScreen(username, token).then(
      (ok) => {
        if (!ok) return refuse('bad-credentials', 'bad screen id or token');
        identities.set(client, { kind: 'screen', screenId: username });
        throttle.succeed(key);
        done(null, true);
      },
      (err: unknown) => {
        log.error({ err, clientId }, 'screen authentication failed');
        mqttAuthFailures.inc({ reason: 'error' });
        done(authError('authentication unavailable', SERVER_UNAVAILABLE), false);
      },
    );
  };

  aedes.authorizeSubscribe = (client, sub, done) => {
    const identity = identities.get(client);
    if (identity?.kind === 'public' && !publicLimit.subscribe(client)) {
      mqttDenied.inc({ action: 'subscribe', identity: 'public' });
      log.warn({ clientId: client.id, filter: sub.topic }, 'mqtt subscription refused: rate limit');
      return done(null, null);
    }
    if (identity && canSubscribe(identity, sub.topic)) return done(null, sub);
    mqttDenied.inc({ action: 'subscribe', identity: identity ? identityLabel(identity) : 'unknown' });
    log.warn({ clientId: client.id, filter: sub.topic }, 'mqtt subscription refused');
    done(null, null); // SUBACK 0x80 for this filter; the connection stays
  };

  aedes.authorizePublish = (client, packet, done) => {
    const identity = client ? identities.get(client) : undefined;
    // A will published after its client is gone (client null) is checked as a status of its topic's screen.
    const effective: Identity | undefined =
      identity ?? (client === null ? willIdentity(packet.topic) : undefined);
    if (!effective || !canPublish(effective, packet.topic)) {
      mqttDenied.inc({ action: 'publish', identity: effective ? identityLabel(effective) : 'unknown' });
      log.warn({ clientId: client?.id, topic: packet.topic }, 'mqtt publish refused');
      return done(new Error(`not authorized to publish on ${packet.topic}`));
    }
    if (effective.kind === 'screen') {
      const check = checkScreenPublish(packet.topic, packet.payload as Buffer);
      if (!check.ok) {
        countInvalid(check.kind, check.reason);
        log.warn(
          { clientId: client?.id, topic: packet.topic, error: check.error },
          'invalid message dropped',
        );
        dropped.add(packet);
        return done(null);
      }
      // Only status is retained; a retained health/plays/result would just fill the broker's store.
      if (check.channel !== 'status') packet.retain = false;
    }
    done(null);
  };

  // Retained messages on SUBSCRIBE in one socket write with the SUBACK (see retained-delivery.ts).
  deliverRetainedOnSubscribe(aedes, persistence);

  aedes.on('clientReady', (client) => {
    const identity = identities.get(client);
    if (!identity) return;
    mqttClients.inc({ identity: identityLabel(identity) });
    if (identity.kind === 'screen') {
      screenConnections.set(identity.screenId, (screenConnections.get(identity.screenId) ?? 0) + 1);
      const set = screenClients.get(identity.screenId) ?? new Set<Client>();
      set.add(client);
      screenClients.set(identity.screenId, set);
      events.emit('screenConnected', identity.screenId, client.id);
    }
  });
  aedes.on('clientDisconnect', (client) => {
    const identity = identities.get(client);
    if (!identity) return;
    mqttClients.dec({ identity: identityLabel(identity) });
    if (identity.kind === 'screen') {
      const n = (screenConnections.get(identity.screenId) ?? 1) - 1;
      if (n <= 0) screenConnections.delete(identity.screenId);
      else screenConnections.set(identity.screenId, n);
      const set = screenClients.get(identity.screenId);
      set?.delete(client);
      if (set?.size === 0) screenClients.delete(identity.screenId);
      events.emit('screenDisconnected', identity.screenId, client.id);
    }
  });
  aedes.on('keepaliveTimeout', (client) => log.info({ clientId: client.id }, 'mqtt keepalive timeout'));
  aedes.on('clientError', (client, err) =>
    log.debug({ clientId: client.id, err: err.message }, 'mqtt client error'),
  );
  aedes.on('connectionError', (client, err) =>
    log.debug({ clientId: client.id, err: err.message }, 'mqtt connection error'),
  );

  const track = (s: Duplex) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };
  const handle = (s: Duplex) => {
    // OS-level keepalive catches half-open sockets of clients that asked for MQTT keepalive 0.
    if (s instanceof net.Socket) {
      s.setKeepAlive(true, 60_000);
      s.setNoDelay(true);
    }
    track(s);
    limitPacketSize(aedes.handle(s), s);
  };

  // aedes buffers a packet whole before handling it, whatever length its header announces. Cut a
  // connection as soon as a header announces more than any v1 message may be (checked per chunk
  // on aedes' parser, so at most one socket read is buffered).
  const limitPacketSize = (client: Client, stream: Duplex) => {
    const parser = (client as unknown as { _parser?: PacketParser })._parser;
    if (!parser || typeof parser.parse !== 'function') return;
    const parse = parser.parse.bind(parser);
    parser.parse = (buf: Buffer) => {
      const n = parse(buf);
      const announced = parser.packet?.length ?? -1;
      if (announced > MAX_PACKET_BYTES && !stream.destroyed) {
        mqttDenied.inc({ action: 'oversize', identity: identityOrUnknown(client) });
        log.warn({ clientId: client.id, bytes: announced }, 'mqtt packet too large: connection closed');
        stream.destroy();
      }
      return n;
    };
  };
  const identityOrUnknown = (client: Client) => {
    const identity = identities.get(client);
    return identity ? identityLabel(identity) : 'unknown';
  };

  const host = opts.host ?? '0.0.0.0';
  const tcp = net.createServer(handle);
  const mqttPort = await listen(tcp, opts.mqttPort, host);
  let tlsServer: tls.Server | null = null;
  let mqttsPort: number | null = null;
  if (opts.tls) {
    tlsServer = tls.createServer({ cert: opts.tls.cert, key: opts.tls.key }, handle);
    mqttsPort = await listen(tlsServer, opts.tls.port, host);
  }

  const wssList: WebSocketServer[] = [];
  const attachWebSocket = (server: HttpServer | HttpsServer, path = '/mqtt') => {
    const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES + 64 * 1024 });
    wssList.push(wss);
    server.on('upgrade', (req, socket, head) => {
      const pathname = new URL(req.url ?? '/', 'http://x').pathname;
      if (pathname !== path) {
        // Leave other paths to other upgrade handlers; with none, close instead of hanging.
        if (server.listenerCount('upgrade') === 1) socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const stream = createWebSocketStream(ws);
        stream.on('error', () => stream.destroy());
        track(stream);
        limitPacketSize(aedes.handle(stream, req), stream);
      });
    });
  };

  const bus: Bus = {
    publish(topic: string, payload: Buffer | string, o: PublishOptions): Promise<void> {
      return new Promise((resolve, reject) => {
        aedes.publish(
          {
            cmd: 'publish',
            topic,
            payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
            qos: o.qos,
            retain: o.retain,
            dup: false,
          },
          (err) => (err ? reject(err) : resolve()),
        );
      });
    },
    subscribe(filter: string, handler: MessageHandler): Promise<() => void> {
      const deliver = (packet: { topic: string; payload: Buffer | string }, cb: () => void) => {
        try {
          handler(
            packet.topic,
            Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
          );
        } catch (err) {
          log.error({ err, topic: packet.topic }, 'bus handler threw');
        }
        cb();
      };
      return new Promise((resolve) => {
        aedes.subscribe(filter, deliver, () =>
          resolve(() => aedes.unsubscribe(filter, deliver, () => undefined)),
        );
      });
    },
  };

  let closed = false;
  return {
    aedes,
    bus,
    mqttPort,
    mqttsPort,
    events,
    attachWebSocket,
    connectedScreens: () => screenConnections,
    disconnectScreen(screenId: string) {
      const set = screenClients.get(screenId);
      if (!set) return 0;
      const clients = [...set];
      for (const c of clients) c.close();
      log.info({ screenId, connections: clients.length }, 'screen connections closed (credentials revoked)');
      return clients.length;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const w of wssList) w.close();
      await new Promise<void>((r) => aedes.close(() => r()));
      for (const s of sockets) s.destroy();
      await Promise.all([closeServer(tcp), tlsServer ? closeServer(tlsServer) : Promise.resolve()]);
    },
  };
}

function remoteAddress(client: Client): string {
  const conn = client.conn as Partial<net.Socket>;
  return client.req?.socket?.remoteAddress ?? conn.remoteAddress ?? 'unknown';
}

/**
 * A retained message an offline screen need not have queued: it gets the retained latest again with
 * its subscriptions on every connect. Feed snapshots never (the server never clears a feed topic);
 * campaigns and configs unless it is a deletion (an empty payload), which leaves nothing retained.
 */
function skipWhileOffline(packet: { topic?: string; payload?: Buffer | string }): boolean {
  const parsed = parseTopic(packet.topic ?? '');
  if (!parsed) return false;
  if (parsed.kind === 'feed') return true;
  const tombstone = packet.payload === undefined || packet.payload.length === 0;
  return !tombstone && (parsed.kind === 'campaign' || parsed.channel === 'config');
}

/** The identity a leftover will is checked against: the screen named in its own status topic. */
function willIdentity(topic: string): Identity | undefined {
  const parsed = parseTopic(topic);
  return parsed?.kind === 'screen' && parsed.channel === 'status'
    ? { kind: 'screen', screenId: parsed.screenId }
    : undefined;
}

function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
