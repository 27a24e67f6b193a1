import { Readable } from 'node:stream';
import memory from 'aedes-persistence';

/**
 * Retained messages indexed by topic level (a trie), so that answering a SUBSCRIBE costs what the
 * filter can match instead of a test of every retained message. aedes-persistence's in-memory store
 * keeps retained messages in one Map and, for every subscribed filter, tests each of them: with a
 * few retained messages per screen, each screen's connect is O(fleet) and a reconnect storm O(fleet²).
 *
 * Matching: an exact filter is one walk down the trie; `+` follows every non-empty child of a level
 * (as aedes' own router, qlobber, does); a trailing `#` takes the node itself and everything below.
 * A filter whose first level is a wildcard never matches a topic whose first level starts with `$`
 * (MQTT 3.1.1 §4.7.2). Results of a wildcard filter come in first-stored order, as the Map gave them.
 */
interface Node<T> {
  children: Map<string, Node<T>>;
  value?: T;
  /** Order of first store, for stable wildcard results. */
  seq: number;
}

const newNode = <T>(): Node<T> => ({ children: new Map(), seq: 0 });

export class RetainedIndex<T> {
  #root: Node<T> = newNode();
  #size = 0;
  #seq = 0;

  get size(): number {
    return this.#size;
  }

  set(topic: string, value: T): void {
    let node = this.#root;
    for (const level of topic.split('/')) {
      let next = node.children.get(level);
      if (!next) {
        next = newNode();
        node.children.set(level, next);
      }
      node = next;
    }
    if (node.value === undefined) {
      this.#size++;
      node.seq = ++this.#seq;
    }
    node.value = value;
  }

  get(topic: string): T | undefined {
    let node: Node<T> | undefined = this.#root;
    for (const level of topic.split('/')) {
      node = node.children.get(level);
      if (!node) return undefined;
    }
    return node.value;
  }

  delete(topic: string): boolean {
    const path: Array<[Node<T>, string]> = [];
    let node: Node<T> | undefined = this.#root;
    for (const level of topic.split('/')) {
      path.push([node, level]);
      node = node.children.get(level);
      if (!node) return false;
    }
    if (node.value === undefined) return false;
    node.value = undefined;
    this.#size--;
    // Prune the branch so deleted topics leave no empty nodes behind.
    for (let i = path.length - 1; i >= 0; i--) {
      const [parent, level] = path[i] as [Node<T>, string];
      const child = parent.children.get(level);
      if (!child || child.value !== undefined || child.children.size > 0) break;
      parent.children.delete(level);
    }
    return true;
  }

  /** Every value whose topic matches `filter` (an MQTT topic filter). */
  match(filter: string): T[] {
    const levels = filter.split('/');
    const hashAt = levels.indexOf('#');
    if (hashAt >= 0 && hashAt !== levels.length - 1) return []; // not a valid filter: matches nothing
    if (hashAt < 0 && !levels.includes('+')) {
      const value = this.get(filter);
      return value === undefined ? [] : [value];
    }
    const found: Node<T>[] = [];
    this.#walk(this.#root, levels, 0, found);
    found.sort((a, b) => a.seq - b.seq);
    return found.map((n) => n.value as T);
  }

  #walk(node: Node<T>, levels: string[], i: number, found: Node<T>[]): void {
    const level = levels[i];
    if (level === undefined) {
      if (node.value !== undefined) found.push(node);
      return;
    }
    const top = i === 0;
    if (level === '#') {
      // `a/#` matches `a` itself too; a top-level `#` matches no `$` topic.
      if (node.value !== undefined) found.push(node);
      for (const [key, child] of node.children) {
        if (top && key.startsWith('$')) continue;
        this.#collect(child, found);
      }
      return;
    }
    if (level === '+') {
      for (const [key, child] of node.children) {
        if (key === '' || (top && key.startsWith('$'))) continue;
        this.#walk(child, levels, i + 1, found);
      }
      return;
    }
    const child = node.children.get(level);
    if (child) this.#walk(child, levels, i + 1, found);
  }

  #collect(node: Node<T>, found: Node<T>[]): void {
    if (node.value !== undefined) found.push(node);
    for (const child of node.children.values()) this.#collect(child, found);
  }
}

export interface RetainedPacket {
  topic: string;
  payload: Buffer | string;
  qos?: number;
}

const lookups = new WeakMap<object, (patterns: readonly string[]) => RetainedPacket[]>();

/**
 * The retained messages matching any of `patterns` (one per matching filter, in order), read
 * straight from the index of a persistence made by {@link indexedMemoryPersistence}; null for any
 * other persistence.
 */
export function retainedLookup(
  persistence: object,
): ((patterns: readonly string[]) => RetainedPacket[]) | null {
  return lookups.get(persistence) ?? null;
}

/** The parts of aedes-persistence's in-memory store that hold retained messages. */
interface RetainedStore {
  storeRetained(packet: RetainedPacket): Promise<void>;
  createRetainedStream(pattern: string): Readable;
  createRetainedStreamCombi(patterns: string[]): Readable;
}

/**
 * aedes-persistence's in-memory persistence (sessions, subscriptions, queues, wills unchanged) with
 * its retained store replaced by a {@link RetainedIndex}. Same contract: a retained packet is copied
 * on store, an empty payload deletes the topic, lookups are object-mode streams of packets (one
 * per filter that matches, as before).
 */
export function indexedMemoryPersistence(): object {
  // The package is CommonJS: its default export is the factory (its typings say otherwise).
  const persistence = (memory as unknown as () => object)();
  const inner = (persistence as unknown as { asyncPersistence?: RetainedStore }).asyncPersistence;
  if (!inner || typeof inner.createRetainedStreamCombi !== 'function')
    throw new Error('aedes-persistence layout changed: no asyncPersistence retained store to index');
  const index = new RetainedIndex<RetainedPacket>();
  inner.storeRetained = async (pkt) => {
    const packet = { ...pkt };
    if (packet.payload.length === 0) index.delete(packet.topic);
    else index.set(packet.topic, packet);
  };
  const lookup = (patterns: readonly string[]) =>
    patterns.length === 1 ? index.match(patterns[0] as string) : patterns.flatMap((p) => index.match(p));
  lookups.set(persistence, lookup);
  inner.createRetainedStream = (pattern) => arrayStream(index.match(pattern));
  inner.createRetainedStreamCombi = (patterns) => arrayStream(lookup(patterns));
  // aedes calls the callback wrapper, which returns Readable.from(innerStream) for these: the inner
  // stream read through an async iterator again (several promise turns per packet, on every SUBSCRIBE
  // and on every persistent reconnect's offline queue). The inner streams are object-mode Readables
  // already: hand them over as they are.
  const outer = persistence as unknown as RetainedStore & QueueStreams;
  const queue = inner as unknown as Partial<QueueStreams>;
  outer.createRetainedStream = (pattern) => inner.createRetainedStream(pattern);
  outer.createRetainedStreamCombi = (patterns) => inner.createRetainedStreamCombi(patterns);
  if (typeof queue.outgoingStream === 'function' && typeof outer.outgoingStream === 'function') {
    const outgoing = queue.outgoingStream.bind(inner);
    outer.outgoingStream = (client) => outgoing(client);
  }
  return persistence;
}

/** The offline-queue stream of aedes-persistence (a Readable.from of a copy of the queue). */
interface QueueStreams {
  outgoingStream(client: unknown): Readable;
}

/**
 * An object-mode stream of a ready array. Readable.from() drives an async iterator (a promise per
 * item, an AbortController per stream); every SUBSCRIBE of every screen opens one of these.
 */
export function arrayStream<T>(items: readonly T[]): Readable {
  let i = 0;
  return new Readable({
    objectMode: true,
    highWaterMark: 16,
    read() {
      while (i < items.length) if (!this.push(items[i++])) return;
      this.push(null);
    },
  });
}
