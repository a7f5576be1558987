// The jobs waiting in a process's gateway queue, in Redis: one key per job (`<prefix>held:<prompt_id>`) holding
// what its dispatcher needs to send it (the queued entry with its place in line, the workflow, extra_data, the
// scenario and checkpoint, the input images it names). Written by the process that holds the job, deleted when it
// is sent or ends; the process that adopts a dead one's jobs reads them and queues them again (src/pool/adopt-jobs.ts).
import type { HeldJob } from '../../pool/held-job.js';
import type { SharedQueue, SharedQueueOptions } from '../types.js';
import type { RedisConnection } from './connection.js';

export function heldKey(prefix: string, promptId: string): string {
  return `${prefix}held:${promptId}`;
}

export function redisQueue(connection: RedisConnection, prefix: string, options: SharedQueueOptions): SharedQueue {
  return {
    hold(job) {
      const text = JSON.stringify(job);
      // Commands of one connection run in order, so a release sent after this hold is never overtaken by it. A
      // failed write is logged by the connection: the job still runs here, it only could not be adopted.
      connection.run((client) => client.set(heldKey(prefix, job.queued.id), text, 'PX', options.ttlMs)).catch(() => undefined);
    },
    release(promptId) {
      connection.run((client) => client.del(heldKey(prefix, promptId))).catch(() => undefined);
    },
    async read(promptIds) {
      const found = new Map<string, HeldJob>();
      if (promptIds.length === 0) return found;
      const texts = await connection.run((client) => client.mget(promptIds.map((id) => heldKey(prefix, id))));
      texts.forEach((text, index) => {
        if (text !== null) found.set(promptIds[index]!, JSON.parse(text) as HeldJob);
      });
      return found;
    },
  };
}
