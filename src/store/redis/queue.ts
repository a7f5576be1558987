// The jobs waiting in a process's gateway queue, in Redis: one hash per job (`<prefix>held:<prompt_id>`) holding
// what its dispatcher needs to send it (`job`: the queued entry with its place in line, the workflow, extra_data,
// the scenario and checkpoint, the input images it names) and who holds it (`holder`). Written by the holder,
// deleted when the job is sent or ends; the process that adopts a dead one's jobs becomes their holder in the
// adoption script (adoption.ts), reads them and queues them again (src/pool/adopt-jobs.ts).
import type { HeldJob } from '../../pool/held-job.js';
import type { SharedQueue, SharedQueueOptions } from '../types.js';
import type { RedisConnection } from './connection.js';

/** The key of a held job is this prefix and its prompt_id (the adoption script builds it too). */
export function heldPrefix(prefix: string): string {
  return `${prefix}held:`;
}

export function redisQueue(connection: RedisConnection, prefix: string, options: SharedQueueOptions): SharedQueue {
  const keyOf = (promptId: string) => `${heldPrefix(prefix)}${promptId}`;
  return {
    hold(job) {
      const key = keyOf(job.queued.id);
      const text = JSON.stringify(job);
      // Commands of one connection run in order, so a release sent after this hold is never overtaken by it. A
      // failed write is logged by the connection: the job still runs here, it only could not be adopted.
      connection
        .run((client) => client.multi().hset(key, 'holder', options.holder, 'job', text).pexpire(key, options.ttlMs).exec())
        .catch(() => undefined);
    },
    release(promptId) {
      connection.run((client) => client.del(keyOf(promptId))).catch(() => undefined);
    },
    async read(promptIds) {
      const found = new Map<string, HeldJob>();
      if (promptIds.length === 0) return found;
      const texts = await connection.run((client) => {
        const batch = client.pipeline();
        for (const id of promptIds) batch.hget(keyOf(id), 'job');
        return batch.exec();
      });
      (texts ?? []).forEach(([error, text], index) => {
        if (!error && typeof text === 'string') found.set(promptIds[index]!, JSON.parse(text) as HeldJob);
      });
      return found;
    },
    async owns(promptId) {
      try {
        const holder = await connection.run((client) => client.hget(keyOf(promptId), 'holder'));
        return holder === null || holder === options.holder;
      } catch {
        // Redis away: no slot can be taken either, so this is rarely reached; the job is this process's as far as
        // it knows.
        return true;
      }
    },
  };
}
