import { describe, expect, it } from 'vitest';
import { TOKEN_COST, hashSecret, hashToken, randomSecret, verifySecret, verifyToken } from './passwords.ts';

describe('device token hashes', () => {
  it('hashes a token as sha256$<hex> and verifies only that token', async () => {
    const token = randomSecret(32);
    const hash = hashToken(token);
    expect(hash).toMatch(/^sha256\$[0-9a-f]{64}$/);
    expect(hashToken(token)).toBe(hash); // unsalted: a 256-bit random secret needs no salt
    expect(await verifyToken(token, hash)).toBe(true);
    expect(await verifyToken(`${token}x`, hash)).toBe(false);
    expect(await verifyToken(randomSecret(32), hash)).toBe(false);
    expect(await verifyToken('', hash)).toBe(false);
  });

  it('still verifies tokens hashed with scrypt before', async () => {
    const token = randomSecret(32);
    const legacy = await hashSecret(token, TOKEN_COST);
    expect(await verifyToken(token, legacy)).toBe(true);
    expect(await verifyToken(`${token}x`, legacy)).toBe(false);
  });

  it('refuses malformed hashes without throwing', async () => {
    const token = randomSecret(32);
    const hex = hashToken(token).slice('sha256$'.length);
    for (const bad of [
      '',
      'sha256$',
      `sha256$${hex.slice(2)}`,
      `sha256$${hex.toUpperCase()}`,
      `sha256$${hex}00`,
      'scrypt$x',
      hex,
    ])
      expect(await verifyToken(token, bad), bad).toBe(false);
  });

  it("keeps people's passwords on scrypt: a sha256 token hash is no password hash", async () => {
    const secret = randomSecret(32);
    expect(await verifySecret(secret, hashToken(secret))).toBe(false);
    expect(await hashSecret('correct horse')).toMatch(/^scrypt\$16384\$8\$1\$/);
  });
});
