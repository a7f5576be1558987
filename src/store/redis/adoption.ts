// Jobs of a gateway process that died are adopted by another. Each process keeps a liveness key that expires
// (`<prefix>alive:<id>`, renewed every third of its life) and the set of its open jobs (`<prefix>open:<id>`, kept
// by the job writer). Every process looks at the others once a second; one whose liveness key has expired is
// taken over by the first process to run the claim script, which hands out its open jobs and forgets it in one
// step, so each job is adopted by exactly one process. Beside its liveness each process keeps its upstream client id
// (`<prefix>upstream:<id>`), handed out by the same script: ComfyUI sends a prompt's events to the socket under the
// client id it was submitted with, so the adopter opens its own socket under the dead one's id and hears the adopted
// jobs live (src/pool/adopted-streams.ts). The same script makes the adopter the holder of the jobs that waited in
// the dead one's queue (src/store/redis/queue.ts) and leaves it the ids it lost (`<prefix>taken:<id>`): a process
// that was only frozen reads them with its next beat and lets those jobs go instead of sending them a second time.
// What the adopter does with the jobs: src/pool/adopt-jobs.ts.
import type { Logger } from '../../log.js';
import type { JobRecord } from '../../jobs/tracker.js';
import type { Orphans } from '../types.js';
import type { RedisConnection } from './connection.js';
import { heldPrefix } from './queue.js';
import { defineScript } from './script.js';

export const ALIVE_MS = 5_000;

// KEYS processes (set), alive key of the candidate, open set of the candidate, its upstream client id key.
// ARGV candidate id, the adopter's name as a holder, the prefix of held jobs' keys, the prefix of the taken-jobs
// sets, how long such a set is kept (ms).
// → {its upstream client id ('' when unknown), its open job ids}, or false while it is alive. The jobs it held in
// its queue become the adopter's in the same step, and the ids it lost are left where it would find them if it was
// only frozen (it must then not send them: adopted().
const claimScript = defineScript('gatewayAdoptClaim', 4, `
if redis.call('EXISTS', KEYS[2]) == 1 then return false end
local ids = redis.call('SMEMBERS', KEYS[3])
local client = redis.call('GET', KEYS[4]) or ''
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('SREM', KEYS[1], ARGV[1])
local taken = ARGV[4] .. ARGV[1]
for _, id in ipairs(ids) do
  local held = ARGV[3] .. id
  if redis.call('EXISTS', held) == 1 then redis.call('HSET', held, 'holder', ARGV[2]) end
  redis.call('SADD', taken, id)
end
if #ids > 0 then redis.call('PEXPIRE', taken, ARGV[5]) end
return {client, ids}
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
  /** This process's upstream client id, for its adopter. */
  upstreamClientId?: string;
  /** A dead process's open jobs, for this process to take over. */
  adopt(orphans: Orphans): void;
  /** This process's jobs that another adopted while this one did not answer (it was frozen, and is back). */
  adopted?(promptIds: string[]): void;
  /** How long the ids a process lost are kept for it to find. */
  takenTtlMs?: number;
  log: Logger;
  aliveMs?: number;
}): () => void {
  const { connection, prefix, self, log } = options;
  const aliveMs = options.aliveMs ?? ALIVE_MS;
  const processes = `${prefix}processes`;
  const aliveOf = (id: string) => `${prefix}alive:${id}`;
  const upstreamOf = (id: string) => `${prefix}upstream:${id}`;
  const takenPrefix = `${prefix}taken:`;
  const keys = adoptionKeys(prefix);
  let busy = false;

  // The client id is written with every beat: cheap, and back at once after Redis lost it (a restart). Each beat also
  // reads (and clears) the ids of this process's jobs another process took over: only a process that was frozen
  // past its liveness finds any.
  const beat = () =>
    connection
      .run((client) => {
        const step = client.multi().set(aliveOf(self), '1', 'PX', aliveMs).sadd(processes, self);
        if (options.upstreamClientId !== undefined) step.set(upstreamOf(self), options.upstreamClientId);
        return step.smembers(takenPrefix + self).del(takenPrefix + self).exec();
      })
      .then((replies) => {
        const taken = replies?.at(-2)?.[1];
        if (!Array.isArray(taken) || taken.length === 0) return;
        log.error({ jobs: taken.length }, 'this process stopped answering long enough for another to adopt its open jobs: they are its now');
        options.adopted?.(taken as string[]);
      })
      .catch(() => undefined);
  void beat();
  const heartbeat = setInterval(() => void beat(), Math.floor(aliveMs / 3));
  heartbeat.unref();

  async function look(): Promise<void> {
    const others = (await connection.run((client) => client.smembers(processes))).filter((id) => id !== self);
    for (const other of others) {
      const claimed = (await connection.run((client) =>
        claimScript(client, [processes, aliveOf(other), keys.openOf(other), upstreamOf(other)], [
          other,
          options.upstreamClientId ?? '',
          heldPrefix(prefix),
          takenPrefix,
          String(options.takenTtlMs ?? 86_400_000),
        ]),
      )) as [string, string[]] | null;
      const ids = claimed?.[1];
      if (!claimed || !ids?.length) continue;
      const texts = await connection.run((client) => client.mget(ids.map((id) => `${prefix}job:${id}`)));
      const jobs = texts.flatMap((text) => (text ? [JSON.parse(text) as JobRecord] : []));
      log.warn({ process: other, jobs: jobs.length }, 'adopting the open jobs of a gateway process that stopped answering');
      options.adopt({ process: other, upstreamClientId: claimed[0] || undefined, jobs });
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
