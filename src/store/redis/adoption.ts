// Jobs of a gateway process that died are adopted by another. Each process keeps a liveness key that expires
// (`<prefix>alive:<id>`, renewed every third of its life) and the set of its open jobs (`<prefix>open:<id>`, kept
// by the job writer). Every process looks at the others once a second; one whose liveness key has expired is
// taken over by the first process to run the claim script, which hands out its open jobs and forgets it in one
// step, so each job is adopted by exactly one process. The adopter becomes the job's writer and catches up from
// ComfyUI's queue and history (its watchdog polls adopted jobs: their events went to the dead process's socket).
import type { Logger } from '../../log.js';
import type { JobRecord } from '../../jobs/tracker.js';
import type { RedisConnection } from './connection.js';
import { defineScript } from './script.js';

export const ALIVE_MS = 5_000;

// KEYS processes (set), alive key of the candidate, open set of the candidate. ARGV candidate id.
// → its open job ids, or false while it is alive.
const claimScript = defineScript('gatewayAdoptClaim', 3, `
if redis.call('EXISTS', KEYS[2]) == 1 then return false end
local ids = redis.call('SMEMBERS', KEYS[3])
redis.call('DEL', KEYS[3])
redis.call('SREM', KEYS[1], ARGV[1])
return ids
`);

export interface AdoptionKeys {
  openOf(processId: string): string;
}

export function adoptionKeys(prefix: string): AdoptionKeys {
  return { openOf: (processId) => `${prefix}open:${processId}` };
}

export function startAdoption(options: {
  connection: RedisConnection;
  prefix: string;
  self: string;
  /** The records of a dead process's open jobs, for this process to take over. */
  adopt(jobs: JobRecord[]): void;
  log: Logger;
  aliveMs?: number;
}): () => void {
  const { connection, prefix, self, log } = options;
  const aliveMs = options.aliveMs ?? ALIVE_MS;
  const processes = `${prefix}processes`;
  const aliveOf = (id: string) => `${prefix}alive:${id}`;
  const keys = adoptionKeys(prefix);
  let busy = false;

  const beat = () =>
    connection
      .run((client) => client.multi().set(aliveOf(self), '1', 'PX', aliveMs).sadd(processes, self).exec())
      .catch(() => undefined);
  void beat();
  const heartbeat = setInterval(() => void beat(), Math.floor(aliveMs / 3));
  heartbeat.unref();

  async function look(): Promise<void> {
    const others = (await connection.run((client) => client.smembers(processes))).filter((id) => id !== self);
    for (const other of others) {
      const ids = (await connection.run((client) => claimScript(client, [processes, aliveOf(other), keys.openOf(other)], [other]))) as
        | string[]
        | null;
      if (!ids?.length) continue;
      const texts = await connection.run((client) => client.mget(ids.map((id) => `${prefix}job:${id}`)));
      const jobs = texts.flatMap((text) => (text ? [JSON.parse(text) as JobRecord] : []));
      log.warn({ process: other, jobs: jobs.length }, 'adopting the open jobs of a gateway process that stopped answering');
      options.adopt(jobs);
    }
  }
  const checker = setInterval(() => {
    if (busy) return;
    busy = true;
    look()
      .catch((error: unknown) => log.debug({ err: error }, 'adoption check failed'))
      .finally(() => {
        busy = false;
      });
  }, 1_000);
  checker.unref();

  return () => {
    clearInterval(heartbeat);
    clearInterval(checker);
  };
}
