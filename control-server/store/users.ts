import type { Role } from '../../protocol/index.ts';
import { type DocumentStore, replaceWhere } from './core.ts';
import { ConflictError, NotFoundError } from './errors.ts';
import { hashSecret, PASSWORD_COST, verifySecret } from './passwords.ts';
import type { Database, UserRecord } from './schema.ts';

/** A user as the rest of the server sees one: never with its password hash. */
export type UserView = Omit<UserRecord, 'passwordHash'>;
export interface UserChange {
  role?: Role;
  password?: string;
  disabled?: boolean;
}

/** A valid hash nobody's password matches, so unknown usernames cost as much as wrong passwords. */
const DUMMY_HASH = `scrypt$${PASSWORD_COST.N}$${PASSWORD_COST.r}$${PASSWORD_COST.p}$${Buffer.alloc(16, 7).toString('base64url')}$${Buffer.alloc(32).toString('base64url')}`;

/** People's accounts in the database: passwords hashed with scrypt (passwords.ts). */
export function listUsers(db: Readonly<Database>): UserView[] {
  return db.users.map(({ passwordHash: _omit, ...u }) => ({ ...u }));
}

export async function createUser(
  doc: DocumentStore,
  at: string,
  user: { username: string; role: Role; password: string },
): Promise<void> {
  const passwordHash = await hashSecret(user.password, PASSWORD_COST);
  await doc.mutate((db) => {
    if (db.users.some((u) => u.username === user.username))
      throw new ConflictError(`user "${user.username}" exists`);
    db.users.push({ username: user.username, role: user.role, passwordHash, createdAt: at, disabled: false });
  });
}

export async function updateUser(doc: DocumentStore, username: string, change: UserChange): Promise<void> {
  const passwordHash = change.password ? await hashSecret(change.password, PASSWORD_COST) : undefined;
  await doc.mutate((db) => {
    const u = replaceWhere(
      db.users,
      (x) => x.username === username,
      (old) => ({
        ...old,
        ...(change.role ? { role: change.role } : {}),
        ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
        ...(passwordHash ? { passwordHash } : {}),
      }),
    );
    if (!u) throw new NotFoundError(`no user "${username}"`);
  });
}

/** The user when the password is right and the account enabled; same cost for unknown names. */
export async function verifyUser(
  db: Readonly<Database>,
  username: string,
  password: string,
): Promise<UserView | null> {
  const u = db.users.find((x) => x.username === username);
  const ok = await verifySecret(password, u?.passwordHash ?? DUMMY_HASH);
  if (!u || !ok || u.disabled) return null;
  return listUsers(db).find((x) => x.username === username) ?? null;
}
