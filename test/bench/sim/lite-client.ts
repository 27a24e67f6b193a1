import { EventEmitter } from 'node:events';
import net from 'node:net';
import mqttPacket, { type IPublishPacket, type Packet } from 'mqtt-packet';

/**
 * A deliberately small MQTT 3.1.1 client for the fleet simulator: one socket, one parser, no
 * reconnect logic, no outgoing queue. mqtt.js carries ~40 KB of state and several timers per client;
 * at 10,000 simulated screens in two threads that overhead would make the load generator the
 * bottleneck. This speaks the same wire protocol (mqtt-packet is the codec aedes and mqtt.js use).
 */
export interface LiteConnectOptions {
  host: string;
  port: number;
  clientId: string;
  username?: string;
  password?: string;
  clean?: boolean;
  keepaliveS?: number;
  will?: { topic: string; payload: Buffer; qos: 0 | 1; retain: boolean };
  /** Connection attempt budget, ms. */
  timeoutMs?: number;
  /**
   * Message handler, installed before CONNECT goes out: a broker sends a persistent session's queued
   * messages right behind CONNACK, often in the same TCP segment, before any later listener exists.
   */
  onMessage?: (m: LiteMessage) => void;
}

export interface LiteMessage {
  topic: string;
  payload: Buffer;
  retain: boolean;
  qos: number;
}

export class MqttConnectError extends Error {
  constructor(
    message: string,
    readonly returnCode?: number,
  ) {
    super(message);
  }
}

export class LiteClient extends EventEmitter<{
  message: [LiteMessage];
  close: [];
  error: [Error];
}> {
  private readonly socket: net.Socket;
  private readonly parser = mqttPacket.parser({ protocolVersion: 4 });
  private nextId = 1;
  private readonly pending = new Map<number, (p: Packet) => void>();
  private pingTimer: NodeJS.Timeout | undefined;
  connected = false;
  /** CONNACK's session-present flag: the broker kept our subscriptions and queued messages. */
  sessionPresent = false;
  /** Bytes read from / written to the socket, MQTT framing included. */
  bytesIn = 0;
  bytesOut = 0;

  private constructor(socket: net.Socket) {
    super();
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (buf) => {
      this.bytesIn += buf.length;
      this.parser.parse(buf);
    });
    socket.on('error', (e) => {
      if (this.listenerCount('error') > 0) this.emit('error', e);
    });
    socket.on('close', () => {
      this.connected = false;
      if (this.pingTimer) clearInterval(this.pingTimer);
      for (const resolve of this.pending.values()) resolve({ cmd: 'disconnect' });
      this.pending.clear();
      this.emit('close');
    });
    this.parser.on('packet', (p) => this.onPacket(p));
    this.parser.on('error', (e) => {
      this.emit('error', e);
      socket.destroy();
    });
  }

  static connect(opts: LiteConnectOptions): Promise<LiteClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: opts.host, port: opts.port });
      const client = new LiteClient(socket);
      if (opts.onMessage) client.on('message', opts.onMessage);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new MqttConnectError(`connect timeout after ${opts.timeoutMs ?? 30_000} ms`));
      }, opts.timeoutMs ?? 30_000);
      const fail = (e: Error) => {
        clearTimeout(timer);
        reject(e);
      };
      socket.once('error', fail);
      socket.once('close', () => fail(new MqttConnectError('socket closed before CONNACK')));
      client.connackWaiter = (code, sessionPresent) => {
        client.sessionPresent = sessionPresent;
        clearTimeout(timer);
        socket.removeListener('error', fail);
        if (code !== 0) {
          socket.destroy();
          reject(new MqttConnectError(`CONNACK refused, return code ${code}`, code));
          return;
        }
        client.connected = true;
        const keepalive = opts.keepaliveS ?? 60;
        if (keepalive > 0) {
          client.pingTimer = setInterval(() => client.send({ cmd: 'pingreq' }), keepalive * 500);
          client.pingTimer.unref();
        }
        resolve(client);
      };
      socket.once('connect', () => {
        client.send({
          cmd: 'connect',
          protocolId: 'MQTT',
          protocolVersion: 4,
          clientId: opts.clientId,
          clean: opts.clean ?? true,
          keepalive: opts.keepaliveS ?? 60,
          ...(opts.username !== undefined ? { username: opts.username } : {}),
          ...(opts.password !== undefined ? { password: Buffer.from(opts.password) } : {}),
          ...(opts.will ? { will: opts.will } : {}),
        });
      });
    });
  }

  private connackWaiter: ((code: number, sessionPresent: boolean) => void) | undefined;

  private onPacket(p: Packet): void {
    switch (p.cmd) {
      case 'connack':
        this.connackWaiter?.(p.returnCode ?? 0, p.sessionPresent);
        this.connackWaiter = undefined;
        return;
      case 'publish': {
        const pub = p as IPublishPacket;
        if (pub.qos === 1 && pub.messageId !== undefined)
          this.send({ cmd: 'puback', messageId: pub.messageId });
        const payload = typeof pub.payload === 'string' ? Buffer.from(pub.payload) : pub.payload;
        this.emit('message', { topic: pub.topic, payload, retain: pub.retain, qos: pub.qos });
        return;
      }
      case 'puback':
      case 'suback':
      case 'unsuback': {
        const id = p.messageId;
        if (id === undefined) return;
        const resolve = this.pending.get(id);
        this.pending.delete(id);
        resolve?.(p);
        return;
      }
      default:
        return;
    }
  }

  private send(packet: Packet): void {
    if (this.socket.destroyed || this.silent) return;
    const buf = mqttPacket.generate(packet);
    this.bytesOut += buf.length;
    this.socket.write(buf);
  }

  private allocId(): number {
    const id = this.nextId;
    this.nextId = this.nextId >= 65535 ? 1 : this.nextId + 1;
    return id;
  }

  private request(build: (id: number) => Packet): Promise<Packet> {
    return new Promise((resolve, reject) => {
      if (!this.connected) {
        reject(new Error('not connected'));
        return;
      }
      const id = this.allocId();
      this.pending.set(id, (p) =>
        p.cmd === 'disconnect' ? reject(new Error('connection closed')) : resolve(p),
      );
      this.send(build(id));
    });
  }

  /** Subscribes and returns the granted QoS per filter (128 = refused). */
  async subscribe(filters: { topic: string; qos: 0 | 1 }[]): Promise<number[]> {
    const ack = await this.request((messageId) => ({
      cmd: 'subscribe',
      messageId,
      subscriptions: filters,
    }));
    return ack.cmd === 'suback' ? ack.granted.map((g) => (typeof g === 'number' ? g : 128)) : [];
  }

  /** QoS 0 resolves once written; QoS 1 once the broker's PUBACK arrives. */
  async publish(topic: string, payload: Buffer, opts: { qos: 0 | 1; retain: boolean }): Promise<void> {
    if (opts.qos === 0) {
      this.send({ cmd: 'publish', topic, payload, qos: 0, retain: opts.retain, dup: false });
      return;
    }
    await this.request((messageId) => ({
      cmd: 'publish',
      topic,
      payload,
      qos: 1,
      retain: opts.retain,
      dup: false,
      messageId,
    }));
  }

  /** Polite goodbye: DISCONNECT, so the broker discards the last will. */
  end(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) {
        resolve();
        return;
      }
      this.send({ cmd: 'disconnect' });
      this.socket.end(() => resolve());
      setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 1000).unref();
    });
  }

  /** The socket dies without DISCONNECT (power cut, cable pulled): the broker must fire the will. */
  kill(): void {
    this.socket.resetAndDestroy();
  }

  /**
   * The network vanishes silently (router down, cellular dead zone): no FIN, no RST, no pings.
   * Only the broker's keep-alive timer (1.5 x keepalive) can notice. The socket stays open locally.
   * One PINGREQ goes out first: the network dies right after the last packet the broker heard, the
   * worst case for detection (the broker's timer restarts on every packet).
   */
  goSilent(): void {
    this.send({ cmd: 'pingreq' });
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    this.silent = true;
    this.socket.pause();
  }

  private silent = false;

  /** Frees a silenced socket without sending anything more on it. */
  destroy(): void {
    this.socket.destroy();
  }
}
