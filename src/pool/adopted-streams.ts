// Following a dead gateway process's prompts live. ComfyUI sends a prompt's events to the socket registered under
// the client id the prompt was submitted with, and a new socket under an id already used takes its place. Every
// gateway process submits under its own `gateway-<uuid>`; the process that adopts a dead one's sent jobs opens, per
// backend that runs some, a stream under the dead process's client id (Backend.listen: the same stream code as its
// own stream), feeds its events in like its own (Followers.attach), and on each connect reads those prompts'
// history once, for what ended between the death and the connect. A stream closes when its prompts have all ended.
// The adopted jobs stay `recovered`, so the watchdog keeps polling them as well: the safety net if the stream fails.
import type { UpstreamEvents } from '../comfy/events.js';
import type { Logger } from '../log.js';
import type { JobEvent } from '../jobs/job-event.js';
import { reconcileFromHistory } from '../jobs/reconcile.js';
import { isFinished, type JobTracker } from '../jobs/tracker.js';
import type { Pool } from './pool.js';

export interface AdoptedStreams {
  /** Follows these prompts on that backend through a stream under `clientId` (opened unless one is open). */
  follow(clientId: string, backend: string, promptIds: readonly string[]): void;
  /** How many such streams are open. */
  readonly size: number;
  close(): Promise<void>;
}

export interface AdoptedStreamsDeps {
  pool: Pick<Pool, 'get'>;
  tracker: Pick<JobTracker, 'get' | 'onFinished'>;
  /** Followers.attach: the stream's events go where the backend's own go. */
  attach(backend: string, events: UpstreamEvents): () => void;
  /** The relay's entry point, for what the history holds. */
  replay(event: JobEvent): void;
  log: Logger;
}

interface Stream {
  events: UpstreamEvents;
  prompts: Set<string>;
  stop(): Promise<void>;
}

export function createAdoptedStreams(deps: AdoptedStreamsDeps): AdoptedStreams {
  const streams = new Map<string, Stream>();

  function open(key: string, clientId: string, name: string): Stream | undefined {
    const backend = deps.pool.get(name);
    if (!backend) return undefined;
    const events = backend.listen(clientId);
    const detach = deps.attach(name, events);
    const prompts = new Set<string>();
    const offConnection = events.onConnectionChange((connected) => {
      if (!connected) return;
      // Events sent before this socket was there went nowhere: the history has the end of what ended meanwhile.
      void (async () => {
        for (const id of [...prompts]) {
          const job = deps.tracker.get(id);
          if (job && !isFinished(job.status)) await reconcileFromHistory({ comfy: backend.client, replay: deps.replay }, job);
        }
      })().catch((error: unknown) => deps.log.warn({ err: error, backend: name }, 'catching up adopted jobs from history failed'));
    });
    const stream: Stream = {
      events,
      prompts,
      async stop() {
        streams.delete(key);
        offConnection();
        detach();
        await events.close();
      },
    };
    streams.set(key, stream);
    deps.log.info({ backend: name, clientId }, 'following adopted jobs live under the client id of the process that sent them');
    return stream;
  }

  const offFinished = deps.tracker.onFinished((job) => {
    for (const stream of streams.values()) {
      if (stream.prompts.delete(job.promptId) && stream.prompts.size === 0) void stream.stop();
    }
  });

  return {
    follow(clientId, backend, promptIds) {
      const key = `${backend}\u0000${clientId}`;
      const stream = streams.get(key) ?? open(key, clientId, backend);
      if (!stream) {
        deps.log.warn({ backend, jobs: promptIds.length }, 'adopted jobs name a backend this process does not have: only polled');
        return;
      }
      for (const id of promptIds) stream.prompts.add(id);
    },
    get size() {
      return streams.size;
    },
    async close() {
      offFinished();
      await Promise.all([...streams.values()].map((stream) => stream.stop()));
    },
  };
}
