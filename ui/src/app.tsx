// The shell: who is asking (a key when the gateway wants one), the header and navigation, and the page for the path.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, api, apiKey, whenUnauthorized } from './api';
import { AccessBar, KeyPrompt } from './components/access';
import { Link } from './components/link';
import { SessionContext } from './context';
import { initialLocale, rememberLocale, translator, type Locale } from './i18n';
import { Backends } from './pages/backends';
import { JobPage } from './pages/job-page';
import { Jobs } from './pages/jobs';
import { Overview } from './pages/overview';
import { ScenarioPage } from './pages/scenario-page';
import { Scenarios } from './pages/scenarios';
import { usePath } from './router';
import type { WhoAmI } from './types';

function Page({ path }: { path: string }) {
  const [section = '', item] = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (section === 'scenarios') return item ? <ScenarioPage name={item} /> : <Scenarios />;
  if (section === 'jobs') return item ? <JobPage id={item} /> : <Jobs />;
  if (section === 'backends') return <Backends />;
  return <Overview />;
}

export function App() {
  const path = usePath();
  const [locale, setLocale] = useState<Locale>(initialLocale);
  const t = translator(locale);
  const [who, setWho] = useState<WhoAmI | null>(null);
  const [needKey, setNeedKey] = useState<string | null>(null);

  const identify = useCallback(() => {
    api.whoami().then(
      (answer) => {
        setWho(answer);
        setNeedKey(null);
      },
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 401) {
          // A key that was refused is dropped and the refusal shown; with no key yet, the prompt is enough.
          const refused = apiKey.get() !== null;
          apiKey.clear();
          setWho(null);
          setNeedKey(refused ? error.message : '');
        } else setNeedKey((error as Error).message);
      },
    );
  }, []);
  useEffect(() => {
    whenUnauthorized(identify);
    identify();
  }, [identify]);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const section = path.split('/')[1] ?? '';
  return (
    <div class="shell">
      <header class="top">
        <strong class="brand">ComfyUI gateway</strong>
        <nav>
          {(['', 'scenarios', 'jobs', 'backends'] as const).map((name) => (
            <Link key={name} to={`/${name}`} class={section === name ? 'active' : ''}>
              {t(`nav.${name || 'overview'}` as const)}
            </Link>
          ))}
        </nav>
        <button type="button" class="link" onClick={() => {
          const next = locale === 'en' ? 'zh-CN' : 'en';
          rememberLocale(next);
          setLocale(next);
        }}>{locale === 'en' ? '中文' : 'English'}</button>
      </header>
      {who ? (
        <SessionContext.Provider value={{ t, who }}>
          <AccessBar onForget={() => { apiKey.clear(); identify(); }} />
          <main><Page key={path} path={path} /></main>
        </SessionContext.Provider>
      ) : needKey !== null ? (
        <main><KeyPrompt t={t} error={needKey || null} onKey={identify} /></main>
      ) : (
        <main class="muted">{t('common.loading')}</main>
      )}
    </div>
  );
}
