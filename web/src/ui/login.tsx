// Logging in, and choosing one's own password after a temporary one.
import { useState } from 'preact/hooks';
import type { User } from '../fair/protocol';
import { t } from '../i18n';
import { api } from './app';

function loginError(status: number, message?: string): string {
  if (status === 401) return t('wrong_login');
  if (status === 429) return t('too_many_attempts');
  if (status === 503) return t('server_busy');
  return message || `HTTP ${status}`;
}

export function Login({ onLogin }: { onLogin: (u: User) => void }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const login = (form.elements.namedItem('login') as HTMLInputElement).value.trim();
    const pw = form.elements.namedItem('password') as HTMLInputElement;
    setBusy(true);
    setError('');
    try {
      const res = await api('/api/login', { login, password: pw.value });
      pw.value = '';
      if (res.status === 200) onLogin(res.json.user);
      else setError(loginError(res.status, res.json?.error?.message));
    } catch {
      setError(t('err_unavailable'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card narrow" id="login-view">
      <h1>{t('log_in')}</h1>
      <form onSubmit={submit} autocomplete="on">
        <label>{t('login')}<input id="login" name="login" autocomplete="username" required maxLength={64} autofocus /></label>
        <label>{t('password')}<input id="password" name="password" type="password" autocomplete="current-password" required maxLength={256} /></label>
        <button type="submit" class="primary" disabled={busy}>{t('log_in')}</button>
        <p class="error" role="alert">{error}</p>
      </form>
    </section>
  );
}

export function PasswordChange({ onDone }: { onDone: (u: User) => void }) {
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const old = form.elements.namedItem('old') as HTMLInputElement;
    const next = form.elements.namedItem('new') as HTMLInputElement;
    const res = await api('/api/password', { old: old.value, new: next.value });
    if (res.status !== 200) {
      setError(res.status === 403 ? t('wrong_current_password') : loginError(res.status, res.json?.error?.message));
      return;
    }
    old.value = next.value = '';
    onDone(res.json.user);
  };
  return (
    <section class="card narrow" id="password-view">
      <h1>{t('new_password_title')}</h1>
      <p class="muted">{t('new_password_why')}</p>
      <form onSubmit={submit}>
        <label>{t('current_password')}<input id="old-password" name="old" type="password" autocomplete="current-password" required autofocus /></label>
        <label>{t('new_password')}<input id="new-password" name="new" type="password" autocomplete="new-password" required minLength={8} /></label>
        <button type="submit" class="primary">{t('save')}</button>
        <p class="error" role="alert">{error}</p>
      </form>
    </section>
  );
}
