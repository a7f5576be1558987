// Jobs of a gateway process that died are adopted by another. Each process keeps a liveness key that expires
// (`<prefix>alive:<id>`, renewed every third of its life) and the set of its open jobs (`<prefix>open:<id>`, kept
// by the job writer). Every process looks at the others once a second; one whose liveness key has expired is
// taken over by the first process to run the claim script, which hands out its open jobs and forgets it in one
// step, so each job is adopted by exactly one process. Beside its liveness each process keeps its upstream client id
// (`<prefix>upstream:<id>`), handed out by the same script: ComfyUI sends a prompt's events to the socket under the
// client id it was submitted with, so the adopter opens its own socket under the dead one's id and hears the adopted
// jobs live (src/pool/adopted-streams.ts). What the adopter does with the jobs: src/pool/adopt-jobs.ts.
import type { Logger } from '../../log.js';
import type { JobRecord } from '../../jobs/tracker.js';
import type { Orphans } from '../types.js';
import type { RedisConnection } from './connection.js';
import { defineScript } from './script.js';

export const ALIVE_MS = 5_000;

// KEYS processes (set), alive key of the candidate, open set of the candidate, its upstream client id key.
// ARGV candidate id. → {its upstream client id ('' when unknown), its open job ids}, or false while it is alive.
const claimScript = defineScript('gatewayAdoptClaim', 4, `
if redis.call('EXISTS', KEYS[2]) == 1 then return false end
local ids = redis.call('SMEMBERS', KEYS[3])
local client = redis.call('GET', KEYS[4]) or ''
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('SREM', KEYS[1], ARGV[1])
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
  log: Logger;
  aliveMs?: number;
}): () => void {
  const { connection, prefix, self, log } = options;
  const aliveMs = options.aliveMs ?? ALIVE_MS;
  const processes = `${prefix}processes`;
  const aliveOf = (id: string) => `${prefix}alive:${id}`;
  const upstreamOf = (id: string) => `${prefix}upstream:${id}`;
  const keys = adoptionKeys(prefix);
  let busy = false;

  // The client id is written with every beat: cheap, and back at once after Redis lost it (a restart).
  const beat = () =>
    connection
      .run((client) => {
        const step = client.multi().set(aliveOf(self), '1', 'PX', aliveMs).sadd(processes, self);
        if (options.upstreamClientId !== undefined) step.set(upstreamOf(self), options.upstreamClientId);
        return step.exec();
      })
      .catch(() => undefined);
  void beat();
  const heartbeat = setInterval(() => void beat(), Math.floor(aliveMs / 3));
  heartbeat.unref();

  async function look(): Promise<void> {
    const others = (await connection.run((client) => client.smembers(processes))).filter((id) => id !== self);
    for (const other of others) {
      const claimed = (await connection.run((client) =>
        claimScript(client, [processes, aliveOf(other), keys.openOf(other), upstreamOf(other)], [other]),
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
