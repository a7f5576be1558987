// Webhook deliveries through a shared outbox (store.kind: redis): the same attempts, backoff, signing and states as
// the in-process dispatcher, but every pending delivery sits in Redis between attempts. Any gateway process claims
// due items under a lease, so a message is sent by one process at a time, and what a stopped or dead process left
// behind is sent by another (or by it after its restart). A process that dies in the middle of an attempt leaves
// its item to be sent again after the lease: the receiver sees the same webhook-id twice and can drop the second.
import { setTimeout as delay } from 'node:timers/promises';
import type { WebhookDelivery } from '../jobs/job-document.js';
import type { Logger } from '../log.js';
import type { LeasedItem, OutboxItem, WebhookOutbox } from '../store/types.js';
import type { WebhookDispatcher, WebhookMessage } from './dispatcher.js';
import type { WebhookPoster } from './post.js';
import { newMessageId, signedHeaders, webhookKey } from './sign.js';
import type { WebhookSettings } from './types.js';

export interface OutboxDispatcherDeps {
  secret: string;
  settings: WebhookSettings;
  post: WebhookPoster;
  outbox: WebhookOutbox;
  log: Logger;
  /** How often the outbox is looked at when nothing woke the loop (items another process left, retries due). */
  pollMs?: number;
  random?: () => number;
  now?: () => number;
  newId?: () => string;
}

interface Listener {
  onChange?: (state: WebhookDelivery) => void;
  resolve: (state: WebhookDelivery) => void;
  /** The last state reported, which is what a stop leaves it at. */
  last: WebhookDelivery;
}

/** At most this many attempts run at once in one process. */
const batch = 16;

export function createOutboxDispatcher(deps: OutboxDispatcherDeps): WebhookDispatcher {
  const key = webhookKey(deps.secret);
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const newId = deps.newId ?? newMessageId;
  const pollMs = deps.pollMs ?? 1_000;
  const { maxAttempts, initialDelayMs, maxDelayMs, timeoutMs } = deps.settings;
  // A lease outlives one attempt (the poster gives up after timeoutMs), so no second process starts on it meanwhile.
  const leaseMs = timeoutMs + 5_000;
  // Deliveries started by this process: who to tell about each state change, and whose promise to settle.
  const listeners = new Map<string, Listener>();
  const attempts = new Set<Promise<void>>();
  const stopping = new AbortController();
  let wake: (() => void) | undefined;

  function stateOf(item: OutboxItem, status: WebhookDelivery['status']): WebhookDelivery {
    return {
      url: item.url,
      status,
      attempts: item.attempts,
      last_status: item.lastStatus,
      last_error: item.lastError,
      delivered_at: status === 'delivered' ? new Date(now()).toISOString() : null,
    };
  }

  function report(item: OutboxItem, state: WebhookDelivery): void {
    const listener = listeners.get(item.id);
    if (listener) listener.last = state;
    try {
      listener?.onChange?.(state);
    } catch (error) {
      deps.log.error({ err: error }, 'webhook state listener failed');
    }
    if (state.status !== 'pending') {
      listeners.delete(item.id);
      listener?.resolve(state);
    }
  }

  async function attempt(leased: LeasedItem): Promise<void> {
    const { item } = leased;
    const log = deps.log.child({ webhook: item.url, webhookId: item.id, event: item.type });
    const result = await deps.post(item.url, { ...signedHeaders(key, item.id, Math.floor(now() / 1000), item.body) }, item.body);
    item.attempts += 1;
    item.lastStatus = result.status;
    if (result.ok) {
      item.lastError = null;
      await deps.outbox.finish(leased);
      log.info({ attempts: item.attempts, status: result.status }, 'webhook delivered');
      return report(item, stateOf(item, 'delivered'));
    }
    item.lastError = result.error;
    // 410 Gone is the receiver saying "never again"; a refused address stays refused.
    if (result.status === 410 || result.final || item.attempts >= maxAttempts) {
      await deps.outbox.finish(leased);
      log.warn({ attempts: item.attempts, status: result.status, error: result.error }, 'webhook not delivered');
      return report(item, stateOf(item, 'failed'));
    }
    // Full jitter over a capped exponential, as the in-process dispatcher (src/retry/backoff.ts).
    const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(item.attempts - 1, 30));
    await deps.outbox.retry(leased, now() + Math.floor(random() * ceiling));
    log.debug({ attempts: item.attempts, status: result.status, error: result.error }, 'webhook attempt failed');
    report(item, stateOf(item, 'pending'));
  }

  function start(leased: LeasedItem): void {
    const running = attempt(leased).catch((error: unknown) => {
      // The store went away mid-attempt: the item stays leased and is due again when the lease ends.
      deps.log.warn({ err: error, webhookId: leased.item.id }, 'webhook attempt could not be recorded');
    });
    attempts.add(running);
    void running.finally(() => {
      attempts.delete(running);
      wake?.();
    });
  }

  async function loop(): Promise<void> {
    while (!stopping.signal.aborted) {
      let claimed: LeasedItem[] = [];
      const room = batch - attempts.size;
      if (room > 0) {
        try {
          claimed = await deps.outbox.claim(now(), leaseMs, room);
        } catch {
          // Redis is away (logged once by the connection): look again later.
        }
      }
      for (const leased of claimed) start(leased);
      if (claimed.length > 0 && claimed.length === room) continue;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      await Promise.race([woken, delay(pollMs, undefined, { signal: stopping.signal, ref: false }).catch(() => undefined)]);
      wake = undefined;
    }
  }
  const looping = loop();

  return {
    deliver(message: WebhookMessage, onChange) {
      const item: OutboxItem = {
        id: newId(),
        url: message.url,
        type: message.type,
        body: JSON.stringify({ type: message.type, timestamp: new Date(now()).toISOString(), data: message.data }),
        attempts: 0,
        lastStatus: null,
        lastError: null,
      };
      return new Promise<WebhookDelivery>((resolve) => {
        if (stopping.signal.aborted) {
          return resolve({ ...stateOf(item, 'failed'), last_error: 'the gateway is stopping' });
        }
        listeners.set(item.id, { ...(onChange ? { onChange } : {}), resolve, last: stateOf(item, 'pending') });
        deps.outbox.add(item, now()).then(
          () => wake?.(),
          () => {
            item.lastError = 'the shared store (Redis) did not take the delivery';
            report(item, stateOf(item, 'failed'));
          },
        );
      });
    },
    async close() {
      stopping.abort();
      wake?.();
      await looping;
      await Promise.allSettled([...attempts]);
      // What is still pending stays in the outbox for the next process: its state here is pending.
      for (const listener of listeners.values()) listener.resolve(listener.last);
      listeners.clear();
    },
    get active() {
      return listeners.size;
    },
  };
}
