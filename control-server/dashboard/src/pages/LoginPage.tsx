import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from '../../../../protocol/index.ts';
import { ApiError, type Session, api } from '../api.ts';
import { LANGUAGES, setLanguage, type UiLanguage } from '../i18n.ts';

export function LoginPage({ onLogin }: { onLogin: (s: Session) => void }) {
  const { t, i18n } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<{ token: string; role: Role; username?: string }>('/session', {
        username,
        password,
      });
      onLogin({ token: r.token, role: r.role, username: r.username ?? username });
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? t('login.wrong')
          : err instanceof ApiError && err.status === 429
            ? t('login.tooMany')
            : t('errors.network'),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login" id="main">
      <form className="card login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">{t('login.title')}</h1>
        <p className="muted">{t('login.intro')}</p>
        <label>
          {t('login.username')}
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label>
          {t('login.password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <p className="notice error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t('login.signingIn') : t('login.submit')}
        </button>
        <div className="lang-links">
          {LANGUAGES.map((l) => (
            <button
              type="button"
              key={l.code}
              lang={l.code}
              className="link"
              aria-pressed={i18n.language === l.code}
              onClick={() => setLanguage(l.code as UiLanguage)}
            >
              {l.name}
            </button>
          ))}
        </div>
      </form>
    </main>
  );
}
