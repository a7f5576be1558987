// Job records and events in Redis, so a job submitted through one gateway process can be followed through any.
// The submitting process is the record's one writer: on every change it SETs the record (JSON, expiring ttlMs after
// its last change) and PUBLISHes {from, job, event} on one channel, both in one script so a reader never sees the
// event before the record. Every process subscribes to that channel on a connection of its own (a subscribed
// connection can do nothing else) and keeps the records of other processes' jobs it heard of, bounded and oldest
// first out: a message carries the whole record, so a copy is never built by replaying events and a missed message
// costs nothing once the next one arrives. One channel for all jobs keeps it simple: each process reads every job's
// events, which is what the WebSocket relay needs anyway (a caller's socket may be on any process).
// The job list of every process is an index the writer keeps in the same script: a sorted set of prompt ids by
// submission time for all jobs and one per owner, each cut to the latest `listed` and expiring ttlMs after its last
// write. A reader takes a page of ids and their records in one script (ZREVRANGE, MGET); an id whose record expired
// is skipped. The index is written when the record changes without an event (submitted, adopted, moved by the
// watchdog or a failover) and when the job ends, not on each progress event.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../log.js';
import type { JobEvent } from '../../jobs/job-event.js';
import { isFinished, type JobListener, type JobRecord } from '../../jobs/tracker.js';
import type { SharedJobs, SharedJobsOptions } from '../types.js';
import { adoptionKeys, startAdoption } from './adoption.js';
import { defineScript } from './script.js';
import { LISTED_JOBS } from '../../jobs/job-source.js';
import { createJobListeners } from '../../jobs/job-listeners.js';
import type { RedisConnection } from './connection.js';

/** What a reader's listeners hear when a job ended without an event of its own (the watchdog's verdict). */
export const JOB_STATE_EVENT = 'job_state';

// KEYS[1] an index; ARGV first rank, last rank, record key prefix → one record (or nil: expired) per id in the range
const pageScript = defineScript('gatewayJobPage', 1, `
local ids = redis.call('ZREVRANGE', KEYS[1], ARGV[1], ARGV[2])
if #ids == 0 then return {} end
local keys = {}
for i, id in ipairs(ids) do keys[i] = ARGV[3] .. id end
return redis.call('MGET', unpack(keys))
`);

// KEYS record, this process's open set, the all-jobs index, the owner's index (the all-jobs index again when none).
// ARGV record JSON, ttl ms, message, channel, prompt id, submitted at, index it (1/0), finished (1/0), listed, has owner
// (1/0). One script, so a change is one command and not the dozen of a MULTI, and it stays atomic: a reader never
// sees the event before the record, nor a listed id without its record.
const publishScript = defineScript('gatewayJobPublish', 4, `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if ARGV[7] == '1' then
  local last = 3
  if ARGV[10] == '1' then last = 4 end
  for i = 3, last do
    redis.call('ZADD', KEYS[i], ARGV[6], ARGV[5])
    redis.call('ZREMRANGEBYRANK', KEYS[i], 0, -(tonumber(ARGV[9]) + 1))
    redis.call('PEXPIRE', KEYS[i], ARGV[2])
  end
end
redis.call('PUBLISH', ARGV[4], ARGV[3])
if ARGV[8] == '1' then redis.call('SREM', KEYS[2], ARGV[5]) else redis.call('SADD', KEYS[2], ARGV[5]) end
return 1
`);

interface Message {
  from: string;
  job: JobRecord;
  event?: JobEvent;
}

export function redisJobs(connection: RedisConnection, prefix: string, options: SharedJobsOptions, log: Logger): SharedJobs {
  const self = randomUUID();
  const channel = `${prefix}job-events`;
  const keyOf = (promptId: string) => `${prefix}job:${promptId}`;
  const allIndex = `${prefix}jobs:all`;
  const ownerIndex = (owner: string) => `${prefix}jobs:owner:${owner}`;
  const listed = options.listed ?? LISTED_JOBS;
  const maxJobs = options.maxJobs ?? 10_000;
  // Queued until connected (unlike the command connection): the subscription must be made whenever Redis is there,
  // and ioredis subscribes again by itself after a reconnect.
  const subscriber = connection.client.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
  subscriber.on('error', () => undefined);
  const jobs = new Map<string, JobRecord>();
  const listeners = createJobListeners();
  const everyEvent = new Set<JobListener>();
  const changes = new Set<(job: JobRecord) => void>();
  const openSet = adoptionKeys(prefix).openOf(self);
  // This process's own messages come back on the channel too: told apart by their first bytes, before any parsing.
  const ownMessage = `{"from":${JSON.stringify(self)},`;
  let stopAdoption = (): void => undefined;

  function keep(job: JobRecord): void {
    jobs.delete(job.promptId);
    jobs.set(job.promptId, job);
    while (jobs.size > maxJobs) jobs.delete(jobs.keys().next().value as string);
  }

  function receive(text: string): void {
    if (text.startsWith(ownMessage)) return;
    let message: Message;
    try {
      message = JSON.parse(text) as Message;
    } catch {
      return;
    }
    const job = message.job;
    if (message.from === self || typeof job?.promptId !== 'string') return;
    const before = jobs.get(job.promptId);
    keep(job);
    for (const listener of changes) listener(job);
    const ended = isFinished(job.status) && (!before || !isFinished(before.status));
    const event = message.event ?? (ended ? { type: JOB_STATE_EVENT, data: { prompt_id: job.promptId } } : undefined);
    if (!event) return;
    listeners.tell(job.promptId, event, job);
    if (message.event) for (const listener of everyEvent) listener(message.event, job);
  }

  subscriber.on('message', (from: string, text: string) => {
    if (from === channel) receive(text);
  });
  subscriber.subscribe(channel).catch((error: unknown) => log.warn({ err: error }, 'job events: subscribing failed'));

  return {
    publish(job, event) {
      // The record is serialised once and goes into the message as it is: {from, job, event} (a Message).
      const record = JSON.stringify(job);
      const text = `${ownMessage}"job":${record}${event ? `,"event":${JSON.stringify(event)}` : ''}}`;
      const finished = isFinished(job.status);
      // Indexed when the record changes without an event and at the end: a list read by anyone who heard of the
      // job shows it. The open set is what another process adopts if this one dies.
      const indexed = !event || finished;
      const owned = job.owner !== undefined;
      connection
        .run((client) =>
          publishScript(
            client,
            [keyOf(job.promptId), openSet, allIndex, owned ? ownerIndex(job.owner as string) : allIndex],
            [record, options.ttlMs, text, channel, job.promptId, job.submittedAt, indexed ? 1 : 0, finished ? 1 : 0, listed, owned ? 1 : 0],
          ),
        )
        // The connection logged the outage; the next change writes the whole record again.
        .catch(() => undefined);
    },
    get: (promptId) => jobs.get(promptId),
    async load(promptId) {
      const known = jobs.get(promptId);
      if (known) return known;
      let text: string | null;
      try {
        text = await connection.run((client) => client.get(keyOf(promptId)));
      } catch {
        // Redis is away: the caller falls back to what ComfyUI knows (src/jobs/recover.ts).
        return undefined;
      }
      if (text === null) return undefined;
      // A message that arrived while Redis answered is newer than what it answered.
      const current = jobs.get(promptId);
      if (current) return current;
      const job = JSON.parse(text) as JobRecord;
      keep(job);
      return job;
    },
    subscribe: (promptId, listener) => listeners.add(promptId, listener),
    onEvent(listener) {
      everyEvent.add(listener);
      return () => void everyEvent.delete(listener);
    },
    onChange(listener) {
      changes.add(listener);
      return () => void changes.delete(listener);
    },
    async recent(owner, offset, count) {
      const index = owner === undefined ? allIndex : ownerIndex(owner);
      const reply = (await connection.run((client) =>
        pageScript(client, [index], [offset, offset + count - 1, keyOf('')]),
      )) as (string | null)[];
      const found = reply.filter((text): text is string => text !== null).map((text) => JSON.parse(text) as JobRecord);
      return { jobs: found, more: reply.length === count };
    },
    adoptWith(adopt, adopted) {
      stopAdoption();
      stopAdoption = startAdoption({
        connection,
        prefix,
        self,
        adopt,
        ...(adopted ? { adopted } : {}),
        takenTtlMs: options.ttlMs,
        log,
        ...(options.upstreamClientId !== undefined ? { upstreamClientId: options.upstreamClientId } : {}),
      });
    },
    async close() {
      stopAdoption();
      listeners.clear();
      everyEvent.clear();
      changes.clear();
      try {
        await subscriber.quit();
      } catch {
        subscriber.disconnect();
      }
    },
  };
}
