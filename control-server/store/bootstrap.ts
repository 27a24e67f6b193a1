import { randomSecret } from './passwords.ts';
import type { Store } from './store.ts';

export type AdminBootstrap =
  | { created: false }
  | { created: true; username: 'admin'; password: string; generated: boolean };

/**
 * The first user. On a database without users, creates `admin` with STANDER_ADMIN_PASSWORD or a
 * generated password that the caller prints once (it is never logged). Later starts ignore it.
 */
export async function ensureAdmin(store: Store, adminPassword: string | null): Promise<AdminBootstrap> {
  if (store.listUsers().length > 0) return { created: false };
  const generated = !adminPassword;
  const password = adminPassword ?? randomSecret(12);
  await store.createUser('admin', 'admin', password);
  await store.audit({
    actor: 'system',
    action: 'user.create',
    target: 'user:admin',
    outcome: 'ok',
    detail: generated ? 'generated password' : 'password from STANDER_ADMIN_PASSWORD',
  });
  return { created: true, username: 'admin', password, generated };
}
