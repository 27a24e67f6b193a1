/**
 * Deterministic generators of hostile input for the fuzz tests: random bytes, truncated and
 * mutated JSON of valid samples, wrong types, oversized values, deep nesting, prototype-pollution
 * keys and markup. Seeded, so a failure can be replayed with the same seed.
 */
export function rng(seed: number): () => number {
  // mulberry32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_STRINGS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  'javascript:alert(1)',
  '../../../../etc/passwd',
  '\u0000\u0001\u0002',
  '\ud800',
  '💥'.repeat(1000),
  'A'.repeat(70_000),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, on purpose
  '${7*7}{{7*7}}',
  'v1/screens/+/cmd',
  '#',
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

function randomValue(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * 9);
  switch (k) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return pick(r, [0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 0.1, 42]);
    case 3:
      return pick(r, HOSTILE_STRINGS);
    case 4:
      return depth > 3 ? [] : Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    case 5:
      return depth > 3
        ? {}
        : { [pick(r, ['__proto__', 'constructor', 'id', 'kind', 'x'])]: randomValue(r, depth + 1) };
    case 6:
      return new Date(Math.floor(r() * 4e12)).toISOString();
    case 7:
      return 'not-a-date';
    default:
      return Math.floor(r() * 1000);
  }
}

function mutate(r: () => number, v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== 'object') return r() < 0.3 ? randomValue(r) : v;
  if (Array.isArray(v)) {
    if (r() < 0.1) return randomValue(r);
    return v.map((x) => (r() < 0.3 ? mutate(r, x, depth + 1) : x));
  }
  const out: Record<string, unknown> = {};
  for (const [key, val] of Object.entries(v)) {
    const roll = r();
    if (roll < 0.1) continue; // drop a field
    out[key] = roll < 0.5 ? mutate(r, val, depth + 1) : val;
  }
  if (r() < 0.2) out[pick(r, ['__proto__', 'extra', 'kind', 'type'])] = randomValue(r);
  return out;
}

function deepNesting(n: number): string {
  return '['.repeat(n) + ']'.repeat(n);
}

/** One hostile payload derived from a valid sample (or from nothing). */
export function hostilePayload(r: () => number, sample: unknown): Buffer {
  const k = Math.floor(r() * 10);
  const json = JSON.stringify(sample);
  switch (k) {
    case 0:
      return Buffer.from(Array.from({ length: Math.floor(r() * 512) }, () => Math.floor(r() * 256)));
    case 1:
      return Buffer.from(json.slice(0, Math.floor(r() * json.length)));
    case 2:
      return Buffer.alloc(0);
    case 3:
      return Buffer.from(deepNesting(5000 + Math.floor(r() * 5000)));
    case 4:
      return Buffer.from(JSON.stringify(randomValue(r)));
    case 5:
      // oversized: just above the 1 MiB protocol limit
      return Buffer.from(JSON.stringify({ ...(sample as object), pad: 'x'.repeat(1024 * 1024 + 10) }));
    default:
      return Buffer.from(JSON.stringify(mutate(r, sample)));
  }
}

export { HOSTILE_STRINGS };
