import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password and token hashing with scrypt (node:crypto), salted, encoded as
 * `scrypt$N$r$p$salt$hash` (base64url), verified in constant time.
 * People's passwords use N=2^14; device tokens are 256-bit random values that no dictionary
 * reaches, so they use a cheaper N=2^10 to keep a fleet's reconnect storm affordable.
 */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}
export const PASSWORD_COST: ScryptCost = { N: 16384, r: 8, p: 1 };
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

/** A random secret for device tokens and generated passwords (base64url, 256 bits by default). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
