// Delivers one message to one URL until the receiver accepts it (2xx), refuses it for good (410 Gone), or the
// attempts run out. Exponential backoff with full jitter between attempts; every state change is reported so the
// job shows where its webhook stands. Nothing here throws to the caller and nothing blocks a request: deliveries
// run in the background and a bad receiver costs at most max_attempts × timeout.
import { setTimeout as delay } from 'node:timers/promises';
import { createBackoff } from '../retry/backoff.js';
import type { Logger } from '../log.js';
import type { WebhookPoster } from './post.js';
import { newMessageId, signedHeaders, webhookKey } from './sign.js';
import type { WebhookDelivery } from '../jobs/job-document.js';
import type { WebhookEventType, WebhookSettings } from './types.js';

export interface WebhookMessage {
  url: string;
  type: WebhookEventType;
  data: unknown;
}

export interface WebhookDispatcherDeps {
  /** whsec_<base64>, validated at start-up. */
  secret: string;
  settings: WebhookSettings;
  post: WebhookPoster;
  log: Logger;
  /** Injectable so retry tests take milliseconds; must reject when the signal aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
  newId?: () => string;
}

export interface WebhookDispatcher {
  /** Delivers in the background; resolves with the final state and never rejects. */
  deliver(message: WebhookMessage, onChange?: (state: WebhookDelivery) => void): Promise<WebhookDelivery>;
  /** Stops waiting between retries (those deliveries end as failed) and waits for attempts in flight. */
  close(): Promise<void>;
  /** Deliveries not yet finished. */
  readonly active: number;
}

const defaultSleep = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal, ref: false });

export function createWebhookDispatcher(deps: WebhookDispatcherDeps): WebhookDispatcher {
  const key = webhookKey(deps.secret);
  const sleep = deps.sleep ?? defaultSleep;
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? newMessageId;
  const stopping = new AbortController();
  const running = new Set<Promise<WebhookDelivery>>();

  async function run(message: WebhookMessage, report: (state: WebhookDelivery) => void): Promise<WebhookDelivery> {
    const { maxAttempts, initialDelayMs, maxDelayMs } = deps.settings;
    const id = newId();
    // One body for every attempt: the payload's timestamp is the event's, the header's is the attempt's.
    const body = JSON.stringify({ type: message.type, timestamp: new Date(now()).toISOString(), data: message.data });
    const backoff = createBackoff({ minDelayMs: initialDelayMs, maxDelayMs, ...(deps.random ? { random: deps.random } : {}) });
    const state: WebhookDelivery = {
      url: message.url,
      status: 'pending',
      attempts: 0,
      last_status: null,
      last_error: null,
      delivered_at: null,
    };
    const log = deps.log.child({ webhook: message.url, webhookId: id, event: message.type });

    while (state.attempts < maxAttempts) {
      if (state.attempts > 0) {
        try {
          await sleep(backoff.next(), stopping.signal);
        } catch {
          state.status = 'failed';
          state.last_error = `the gateway stopped before attempt ${state.attempts + 1}`;
          break;
        }
      }
      const headers = signedHeaders(key, id, Math.floor(now() / 1000), body);
      const result = await deps.post(message.url, { ...headers }, body);
      state.attempts += 1;
      state.last_status = result.status;
      if (result.ok) {
        state.status = 'delivered';
        state.last_error = null;
        state.delivered_at = new Date(now()).toISOString();
        log.info({ attempts: state.attempts, status: result.status }, 'webhook delivered');
        break;
      }
      state.last_error = result.error;
      // 410 Gone is the receiver saying "never again" (Standard Webhooks: disable the endpoint); a refused address
      // stays refused.
      if (result.status === 410 || result.final || state.attempts >= maxAttempts) {
        state.status = 'failed';
        log.warn({ attempts: state.attempts, status: result.status, error: result.error }, 'webhook not delivered');
        break;
      }
      log.debug({ attempts: state.attempts, status: result.status, error: result.error }, 'webhook attempt failed');
      report({ ...state });
    }
    report({ ...state });
    return state;
  }

  return {
    deliver(message, onChange) {
      const report = (state: WebhookDelivery) => {
        try {
          onChange?.(state);
        } catch (error) {
          deps.log.error({ err: error }, 'webhook state listener failed');
        }
      };
      if (stopping.signal.aborted) {
        const state: WebhookDelivery = {
          url: message.url, status: 'failed', attempts: 0, last_status: null,
          last_error: 'the gateway is stopping', delivered_at: null,
        };
        report(state);
        return Promise.resolve(state);
      }
      const delivery = run(message, report).catch((error: unknown) => {
        // A bug, not a bad receiver (post() reports those): still never crash the gateway over a webhook.
        deps.log.error({ err: error, webhook: message.url }, 'webhook delivery crashed');
        const state: WebhookDelivery = {
          url: message.url, status: 'failed', attempts: 0, last_status: null,
          last_error: 'internal error', delivered_at: null,
        };
        report(state);
        return state;
      });
      running.add(delivery);
      void delivery.finally(() => running.delete(delivery));
      return delivery;
    },
    async close() {
      stopping.abort();
      await Promise.allSettled([...running]);
    },
    get active() {
      return running.size;
    },
  };
}
