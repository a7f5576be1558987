// Small pieces shown everywhere: a status badge, a progress bar, the live indicator, a time.
import { useSession } from '../context';
import { isMessageKey } from '../i18n';

/** A status in a coloured pill; a job or scenario status is shown in the page's language. */
export function Badge({ value, tone }: { value: string; tone?: string }) {
  const { t } = useSession();
  const key = `status.${value}`;
  return <span class={`badge badge-${tone ?? value}`}>{isMessageKey(key) ? t(key) : value}</span>;
}

export function ProgressBar({ percent }: { percent: number }) {
  const value = Math.max(0, Math.min(100, Math.round(percent)));
  return (
    <div class="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={value}>
      <div class="progress-fill" style={{ width: `${value}%` }} />
    </div>
  );
}

export function Live({ live }: { live: boolean }) {
  const { t } = useSession();
  return <span class={live ? 'live live-on' : 'live'}>{live ? t('live.on') : t('live.off')}</span>;
}

export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span class="muted">—</span>;
  return <time dateTime={iso} title={iso}>{new Date(iso).toLocaleTimeString()}</time>;
}
