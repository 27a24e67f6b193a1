import net from 'node:net';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filters, topics } from '../../protocol/index.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../control-server/broker/embedded.ts';
import { silentLogger } from '../../control-server/log.ts';

// Retained messages on SUBSCRIBE, as the embedded broker sends them itself (not through aedes'
// one-write-per-turn stream): the same messages aedes would send, and in one socket write with the
// SUBACK. A raw MQTT client over TCP sees exactly what arrives in which chunk.

let broker: EmbeddedBroker;

beforeAll(async () => {
  broker = await startEmbeddedBroker({
    authenticateScreen: async (id, token) => id === 'scr-r' && token === 'token-r',
    log: silentLogger(),
    host: '127.0.0.1',
    mqttPort: 0,
  });
  const retained = { qos: 1 as const, retain: true };
  await broker.bus.publish(topics.screenConfig('scr-r'), '{"config":1}', retained);
  await broker.bus.publish(topics.campaign('c-1'), '{"campaign":1}', retained);
  await broker.bus.publish(topics.campaign('c-2'), '{"campaign":2}', retained);
  await broker.bus.publish(topics.screenConfig('scr-other'), '{"config":"other"}', retained);
});

afterAll(async () => {
  await broker?.close();
});

/** A raw client: every 'data' chunk parsed on its own, so each packet is known by the chunk it came in. */
async function rawClient(): Promise<{
  socket: net.Socket;
  chunks: Packet[][];
  send(p: Packet): void;
  waitFor(test: (all: Packet[]) => boolean): Promise<void>;
}> {
  const socket = net.connect(broker.mqttPort, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const chunks: Packet[][] = [];
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  let current: Packet[] = [];
  parser.on('packet', (p) => current.push(p));
  socket.on('data', (buf: Buffer) => {
    current = [];
    parser.parse(buf);
    chunks.push(current);
  });
  const send = (p: Packet) => socket.write(mqttPacket.generate(p));
  const waitFor = async (test: (all: Packet[]) => boolean) => {
    const deadline = Date.now() + 20_000;
    while (!test(chunks.flat())) {
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(chunks)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { socket, chunks, send, waitFor };
}

describe('retained messages on SUBSCRIBE (embedded broker)', () => {
  it('sends the SUBACK and every retained match in one write, retain set, QoS of the subscription', async () => {
    const c = await rawClient();
    try {
      c.send({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        clientId: 'scr-r',
        keepalive: 30,
        username: 'scr-r',
        password: Buffer.from('token-r'),
      });
      await c.waitFor((all) => all.some((p) => p.cmd === 'connack'));
      c.chunks.length = 0;
      c.send({
        cmd: 'subscribe',
        messageId: 7,
        subscriptions: [
          { topic: topics.screenConfig('scr-r'), qos: 0 }, // stored QoS 1, sent at the granted 0
          { topic: filters.allCampaigns, qos: 1 },
          { topic: topics.screenConfig('scr-other'), qos: 1 }, // refused: nothing of it may arrive
        ],
      });
      const published = (all: Packet[]) =>
        all.filter((p): p is mqttPacket.IPublishPacket => p.cmd === 'publish');
      await c.waitFor((all) => published(all).length >= 3);
      await new Promise((r) => setTimeout(r, 300)); // anything more (it must not come) would arrive now
      const all = c.chunks.flat();
      const suback = all.find((p): p is mqttPacket.ISubackPacket => p.cmd === 'suback');
      expect(suback?.granted).toEqual([0, 1, 128]);
      const got = published(all).map((p) => [p.topic, p.payload.toString(), p.qos, p.retain]);
      expect(got).toEqual([
        [topics.screenConfig('scr-r'), '{"config":1}', 0, true],
        [topics.campaign('c-1'), '{"campaign":1}', 1, true],
        [topics.campaign('c-2'), '{"campaign":2}', 1, true],
      ]);
      // One socket write: the SUBACK and all three messages came in the same chunk.
      expect(c.chunks.map((chunk) => chunk.map((p) => p.cmd))).toEqual([
        ['suback', 'publish', 'publish', 'publish'],
      ]);
    } finally {
      c.socket.destroy();
    }
  });

  it('sends nothing retained for a SUBSCRIBE whose filters match nothing, and no retained copy of a deleted topic', async () => {
    await broker.bus.publish(topics.campaign('c-2'), Buffer.alloc(0), { qos: 1, retain: true });
    const c = await rawClient();
    try {
      c.send({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        clientId: 'scr-r:second',
        keepalive: 30,
        username: 'scr-r',
        password: Buffer.from('token-r'),
      });
      await c.waitFor((all) => all.some((p) => p.cmd === 'connack'));
      c.send({
        cmd: 'subscribe',
        messageId: 1,
        subscriptions: [{ topic: 'v1/feeds/transport/none', qos: 1 }],
      });
      await c.waitFor((all) => all.some((p) => p.cmd === 'suback'));
      c.send({ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: filters.allCampaigns, qos: 1 }] });
      await c.waitFor((all) => all.filter((p) => p.cmd === 'suback').length === 2);
      await new Promise((r) => setTimeout(r, 300));
      const topicsGot = c.chunks
        .flat()
        .filter((p): p is mqttPacket.IPublishPacket => p.cmd === 'publish')
        .map((p) => p.topic);
      expect(topicsGot).toEqual([topics.campaign('c-1')]);
    } finally {
      c.socket.destroy();
    }
  });
});
