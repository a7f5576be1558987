// The outbox dispatcher over the memory outbox (the Redis one passes the same outbox contract): the in-process
// dispatcher's attempts and states, and a delivery left behind by a stopped dispatcher sent by another, once.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { WebhookDelivery } from '../../../src/jobs/job-document.js';
import { createMemoryOutbox } from '../../../src/store/memory-outbox.js';
import type { WebhookOutbox } from '../../../src/store/types.js';
import { createOutboxDispatcher } from '../../../src/webhooks/outbox-dispatcher.js';
import type { AttemptResult, WebhookPoster } from '../../../src/webhooks/post.js';
import { signWebhook, webhookKey } from '../../../src/webhooks/sign.js';

const SECRET = `whsec_${Buffer.from('a 32 byte secret for the tests!!').toString('base64')}`;
const settings = { maxAttempts: 4, initialDelayMs: 1, maxDelayMs: 5, timeoutMs: 1_000 };
const message = { url: 'http://receiver.test/hook', type: 'job.succeeded' as const, data: { prompt_id: 'p1' } };
const fail500: AttemptResult = { ok: false, status: 500, error: 'the receiver answered HTTP 500' };

interface Sent {
  headers: Record<string, string>;
  body: string;
}

function dispatcher(outbox: WebhookOutbox, post: WebhookPoster) {
  return createOutboxDispatcher({ secret: SECRET, settings, post, outbox, log: pino({ level: 'silent' }), pollMs: 5 });
}

function scripted(answers: AttemptResult[], sent: Sent[]): WebhookPoster {
  return async (_url, headers, body) => {
    sent.push({ headers, body });
    return answers.shift() ?? { ok: false, status: null, error: 'script ran out' };
  };
}

describe('outbox dispatcher', () => {
  it('retries until a 2xx, reporting each state, every attempt signed with one id and one body', async () => {
    const sent: Sent[] = [];
    const webhooks = dispatcher(createMemoryOutbox(), scripted([fail500, fail500, { ok: true, status: 204 }], sent));
    const states: WebhookDelivery[] = [];
    const final = await webhooks.deliver(message, (state) => states.push(state));
    expect(final).toMatchObject({ status: 'delivered', attempts: 3, last_status: 204, last_error: null });
    expect(states.map((s) => [s.status, s.attempts])).toEqual([['pending', 1], ['pending', 2], ['delivered', 3]]);
    expect(new Set(sent.map((s) => s.headers['webhook-id'])).size).toBe(1);
    expect(new Set(sent.map((s) => s.body)).size).toBe(1);
    for (const { headers, body } of sent) {
      expect(headers['webhook-signature']).toBe(signWebhook(webhookKey(SECRET), headers['webhook-id']!, Number(headers['webhook-timestamp']), body));
    }
    await webhooks.close();
  });

  it('stops at 410 Gone, and gives up after max_attempts keeping the last error', async () => {
    const gone = dispatcher(createMemoryOutbox(), scripted([{ ok: false, status: 410, error: 'gone' }], []));
    expect(await gone.deliver(message)).toMatchObject({ status: 'failed', attempts: 1, last_status: 410 });
    await gone.close();
    const sent: Sent[] = [];
    const failing = dispatcher(createMemoryOutbox(), scripted([fail500, fail500, fail500, fail500, fail500], sent));
    expect(await failing.deliver(message)).toMatchObject({ status: 'failed', attempts: 4, last_error: 'the receiver answered HTTP 500' });
    expect(sent).toHaveLength(4);
    await failing.close();
  });

  it('a delivery still retrying when its dispatcher stops is sent by another on the same outbox, once', async () => {
    const outbox = createMemoryOutbox();
    const sent: Sent[] = [];
    let refusing = true;
    let refused!: () => void;
    const firstRefusal = new Promise<void>((resolve) => (refused = resolve));
    const post: WebhookPoster = async (_url, headers, body) => {
      sent.push({ headers, body });
      if (refusing) {
        refused();
        return fail500;
      }
      return { ok: true, status: 200 };
    };
    const first = dispatcher(outbox, post);
    const left = first.deliver(message);
    await firstRefusal;
    await first.close();
    expect(await left).toMatchObject({ status: 'pending', attempts: 1 });
    const attemptsBefore = sent.length;
    refusing = false;
    const second = dispatcher(outbox, post);
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (sent.length > attemptsBefore) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    await second.close();
    const delivered = sent.slice(attemptsBefore);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.headers['webhook-id']).toBe(sent[0]!.headers['webhook-id']);
    expect(await outbox.claim(Date.now() + 3_600_000, 1_000, 10)).toEqual([]);
  });
});
