import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from '../../../../protocol/index.ts';
import { api } from '../api.ts';
import { ErrorNote, Loading } from '../components/Notice.tsx';
import { fmtDateTime } from '../lib/format.ts';
import { useAsync } from '../lib/useAsync.ts';
import { useSession } from '../session.ts';

interface User {
  username: string;
  role: Role;
  createdAt: string;
  disabled: boolean;
}
const ROLES: Role[] = ['admin', 'operator', 'technician'];

export function UsersPage() {
  const { t, i18n } = useTranslation();
  const me = useSession();
  const users = useAsync(async () => (await api.get<{ users: User[] }>('/users')).users, []);
  const [form, setForm] = useState({ username: '', role: 'operator' as Role, password: '' });
  const [error, setError] = useState<Error | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function act(f: () => Promise<unknown>, message: string) {
    setError(null);
    setDone(null);
    try {
      await f();
      setDone(message);
      users.reload();
    } catch (e) {
      setError(e as Error);
    }
  }

  function create(e: FormEvent) {
    e.preventDefault();
    void act(
      async () => {
        await api.post('/users', form);
        setForm({ username: '', role: 'operator', password: '' });
      },
      t('users.created', { name: form.username }),
    );
  }

  return (
    <section className="page">
      <h1>{t('users.title')}</h1>
      <ErrorNote error={error ?? users.error} />
      {done && (
        <p className="notice ok" role="status">
          {done}
        </p>
      )}
      {users.loading && !users.data ? (
        <Loading />
      ) : (
        <table className="table" data-testid="users">
          <thead>
            <tr>
              <th scope="col">{t('users.username')}</th>
              <th scope="col">{t('users.role')}</th>
              <th scope="col">{t('users.status')}</th>
              <th scope="col">{t('users.createdAt')}</th>
              <th scope="col">{t('users.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {users.data?.map((u) => (
              <tr key={u.username}>
                <td>{u.username}</td>
                <td>
                  <select
                    aria-label={t('users.roleOf', { name: u.username })}
                    value={u.role}
                    disabled={u.username === me.username}
                    onChange={(e) =>
                      void act(
                        () => api.put(`/users/${encodeURIComponent(u.username)}`, { role: e.target.value }),
                        t('users.updated', { name: u.username }),
                      )
                    }
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(`role.${r}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{u.disabled ? t('users.disabled') : t('users.active')}</td>
                <td>{fmtDateTime(u.createdAt, i18n.language)}</td>
                <td>
                  {u.username !== me.username && (
                    <button
                      type="button"
                      className="secondary small"
                      onClick={() =>
                        void act(
                          () =>
                            api.put(`/users/${encodeURIComponent(u.username)}`, { disabled: !u.disabled }),
                          t('users.updated', { name: u.username }),
                        )
                      }
                    >
                      {u.disabled ? t('users.enable') : t('users.disable')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="card" onSubmit={create} aria-labelledby="new-user">
        <h2 id="new-user">{t('users.new')}</h2>
        <div className="row wrap">
          <label>
            {t('users.username')}
            <input
              value={form.username}
              required
              autoComplete="off"
              pattern="[a-z0-9_.@\-]{2,100}"
              onChange={(e) => setForm({ ...form, username: e.target.value })}
            />
          </label>
          <label>
            {t('users.role')}
            <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('users.password')}
            <input
              type="password"
              value={form.password}
              minLength={10}
              required
              autoComplete="new-password"
              onChange={(e) => setForm({ ...form, password: e.target.value })}
            />
          </label>
          <button type="submit">{t('users.create')}</button>
        </div>
        <p className="muted small">{t('users.passwordHint')}</p>
      </form>
    </section>
  );
}
