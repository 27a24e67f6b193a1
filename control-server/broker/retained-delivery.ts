import type { Duplex } from 'node:stream';
import type { Aedes, Client } from 'aedes';
import { arrayStream, type RetainedPacket, retainedLookup } from './retained-index.ts';

/**
 * Retained messages on SUBSCRIBE, all in one socket write with the SUBACK. aedes streams them one by
 * one, each write waiting for the previous one's setImmediate: a screen subscribing to its config and
 * the campaigns got N+1 writes (syscalls) in N+1 event-loop turns, the largest single cost of a
 * connect storm. aedes emits 'subscribe' (granted QoS set, 128 = refused) right after writing the
 * SUBACK and before it would open its retained stream, which is made empty here. Does nothing (aedes
 * keeps its own way) unless `persistence` is an indexedMemoryPersistence().
 */
export function deliverRetainedOnSubscribe(aedes: Aedes, persistence: object): void {
  const lookup = retainedLookup(persistence);
  if (!lookup) return;
  const streams = (aedes as unknown as { persistence: RetainedStreams }).persistence;
  streams.createRetainedStreamCombi = () => arrayStream([]);
  aedes.on('subscribe', (subs, client) => deliverRetained(client, subs, lookup));
}

interface RetainedStreams {
  createRetainedStreamCombi(patterns: string[]): Duplex | NodeJS.ReadableStream;
}

interface QoSDeliverer {
  deliverQoS(packet: object, cb: () => void): void;
}

const noop = () => {};
const uncork = (s: Duplex) => s.uncork();

/**
 * Sends the retained messages matching the granted filters of a SUBSCRIBE as aedes would (a retained
 * copy per matching filter, not deduplicated, QoS downgraded to the subscription's), with the socket
 * corked until every delivery of this turn is written: aedes hands each to the socket in its own
 * setImmediate, all queued now, and the uncork below is queued after them.
 */
function deliverRetained(
  client: Client,
  subs: ReadonlyArray<{ topic: string; qos: number }>,
  lookup: (patterns: readonly string[]) => RetainedPacket[],
): void {
  const granted: string[] = [];
  for (const s of subs) if (s.qos !== 128) granted.push(s.topic);
  if (granted.length === 0) return;
  const found = lookup(granted);
  if (found.length === 0) return;
  const conn = client.conn as unknown as Duplex;
  conn.cork();
  const deliverer = client as unknown as QoSDeliverer;
  for (const r of found) {
    deliverer.deliverQoS(
      {
        cmd: 'publish',
        topic: r.topic,
        payload: r.payload,
        qos: r.qos ?? 0,
        retain: true,
        dup: false,
        brokerId: null, // as aedes does for retained copies: never deduplicated
        brokerCounter: 0,
      },
      noop,
    );
  }
  setImmediate(uncork, conn);
}
