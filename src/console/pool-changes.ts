// When the pool's numbers may have moved: a job changed (submitted, started, progressed, ended: slots fill and free),
// a backend went up or down, or the backend list was reloaded. The backends stream reads the pool again after
// these, instead of on a timer.
import type { JobFeed } from '../jobs/job-feed.js';
import type { GatewayPool } from '../pool/start-pool.js';

/** Subscribes to "something changed"; the returned function unsubscribes. */
export type ChangeSource = (listener: () => void) => () => void;

export function poolChanges(pool: Pick<GatewayPool, 'backends'>, feed: Pick<JobFeed, 'onChange'>): ChangeSource {
  return (listener) => {
    let health: (() => void)[] = [];
    const watchHealth = () => {
      for (const off of health) off();
      health = pool.backends.list().map((backend) => backend.onHealthChange(() => listener()));
    };
    watchHealth();
    const offList = pool.backends.onChange(() => {
      watchHealth();
      listener();
    });
    const offJobs = feed.onChange(() => listener());
    return () => {
      for (const off of health) off();
      offList();
      offJobs();
    };
  };
}
