// The access line under the header: the auth-off banner, or which key is in use and what it may see; and the
// prompt for a key when the gateway asks for one.
import { useState } from 'preact/hooks';
import { apiKey } from '../api';
import { useSession } from '../context';
import type { Translate } from '../i18n';

export function AccessBar({ onForget }: { onForget: () => void }) {
  const { t, who } = useSession();
  if (!who.auth) return <div class="banner banner-warn" role="status">{t('auth.off')}</div>;
  return (
    <div class="banner" role="status">
      {t('auth.as')} <b>{who.caller}</b> · {who.admin ? t('auth.admin') : t('auth.caller')}
      {who.scenarios && <> · {t('auth.scenarios')}: {who.scenarios.join(', ')}</>}
      <button type="button" class="link" onClick={onForget}>{t('auth.forget')}</button>
    </div>
  );
}

export function KeyPrompt({ t, error, onKey }: { t: Translate; error: string | null; onKey: () => void }) {
  const [key, setKey] = useState('');
  return (
    <form
      class="card key-prompt"
      onSubmit={(event) => {
        event.preventDefault();
        apiKey.set(key.trim());
        onKey();
      }}
    >
      <p>{t('auth.ask')}</p>
      <label>
        {t('auth.key')} <input name="api-key" type="password" autocomplete="off" value={key} onInput={(e) => setKey(e.currentTarget.value)} />
      </label>
      <button type="submit" disabled={!key.trim()}>{t('auth.use')}</button>
      {error && <p class="error">{error}</p>}
      <p class="muted small">{t('auth.kept')}</p>
    </form>
  );
}
