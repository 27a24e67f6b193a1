import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with scrypt (node:crypto), salted, encoded as `scrypt$N$r$p$salt$hash`
 * (base64url), verified in constant time. People's passwords use N=2^14.
 *
 * Device tokens are 256-bit random values: no dictionary or brute force reaches them, so a slow,
 * salted hash buys nothing and one SHA-256 digest (`sha256$<hex>`) is a safe hash for them. It costs
 * microseconds where scrypt cost ~27 ms per check under load, which after a server restart (when the
 * in-memory cache of verified tokens is empty) made every screen's reconnect pay scrypt again.
 * Token hashes written before this change (`scrypt$1024$...`) still verify.
 */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}
export const PASSWORD_COST: ScryptCost = { N: 16384, r: 8, p: 1 };
/** The cost device tokens were hashed with before `sha256$` (such hashes still verify). */
export const TOKEN_COST: ScryptCost = { N: 1024, r: 8, p: 1 };
const KEYLEN = 32;

function derive(secret: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEYLEN, { ...cost, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export async function hashSecret(secret: string, cost: ScryptCost = PASSWORD_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when `secret` matches `encoded`; false for a malformed hash (never throws on bad input). */
export async function verifySecret(secret: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 1 << 20) return false;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || expected.length !== KEYLEN) return false;
  const key = await derive(secret, salt, { N, r, p });
  return timingSafeEqual(key, expected);
}

/** The stored form of a device token (a 256-bit random secret): `sha256$<hex>`. */
export function hashToken(token: string): string {
  return `sha256$${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

/** Verifies a device token against a `sha256$` hash or an older `scrypt$` one; false for anything malformed. */
export async function verifyToken(token: string, encoded: string): Promise<boolean> {
  if (!encoded.startsWith('sha256$')) return verifySecret(token, encoded);
  const hex = encoded.slice('sha256$'.length);
  if (!/^[0-9a-f]{64}$/.test(hex)) return false;
  const digest = createHash('sha256').update(token, 'utf8').digest();
  return timingSafeEqual(digest, Buffer.from(hex, 'hex'));
}

/** A random secret for device tokens and generated passwords (base64url, 256 bits by default). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
