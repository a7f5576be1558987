import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createWebhookDispatcher, type WebhookDispatcherDeps } from '../../../src/webhooks/dispatcher.js';
import type { AttemptResult } from '../../../src/webhooks/post.js';
import { signWebhook, webhookKey } from '../../../src/webhooks/sign.js';
import type { WebhookDelivery } from '../../../src/jobs/job-document.js';

const SECRET = `whsec_${Buffer.from('a 32 byte secret for the tests!!').toString('base64')}`;
const settings = { maxAttempts: 5, initialDelayMs: 1000, maxDelayMs: 60_000, timeoutMs: 10_000 };

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A dispatcher whose receiver answers from a script and whose sleeps are recorded, not waited. */
function harness(answers: AttemptResult[], overrides: Partial<WebhookDispatcherDeps> = {}) {
  const sent: Sent[] = [];
  const sleeps: number[] = [];
  let clock = 1_700_000_000_000;
  const dispatcher = createWebhookDispatcher({
    secret: SECRET,
    settings,
    log: pino({ level: 'silent' }),
    post: async (url, headers, body) => {
      sent.push({ url, headers, body });
      return answers.shift() ?? { ok: false, status: null, error: 'script ran out' };
    },
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    now: () => clock,
    ...overrides,
  });
  return { dispatcher, sent, sleeps };
}

const message = { url: 'http://receiver.test/hook', type: 'job.succeeded' as const, data: { prompt_id: 'p1' } };
const fail500: AttemptResult = { ok: false, status: 500, error: 'the receiver answered HTTP 500' };

describe('webhook dispatcher', () => {
  it('retries failures with growing delays and stops at the first 2xx', async () => {
    const { dispatcher, sent, sleeps } = harness([fail500, fail500, { ok: true, status: 204 }]);
    const states: WebhookDelivery[] = [];
    const final = await dispatcher.deliver(message, (state) => states.push(state));
    expect(final).toMatchObject({ status: 'delivered', attempts: 3, last_status: 204, last_error: null });
    expect(final.delivered_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(sent).toHaveLength(3);
    // Full jitter with random() = 0.5: half of 1000, then half of 2000.
    expect(sleeps).toEqual([500, 1000]);
    expect(states.map((s) => [s.status, s.attempts])).toEqual([['pending', 1], ['pending', 2], ['delivered', 3]]);
  });

  it('sends one body and one id on every attempt, each signed for its own timestamp', async () => {
    // A 2 s wait, so the second attempt falls in another second.
    const { dispatcher, sent } = harness([fail500, { ok: true, status: 200 }], { settings: { ...settings, initialDelayMs: 4000 } });
    await dispatcher.deliver(message);
    const [first, second] = sent as [Sent, Sent];
    expect(second.body).toBe(first.body);
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(second.headers['webhook-timestamp']).not.toBe(first.headers['webhook-timestamp']);
    for (const attempt of sent) {
      const { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': signature } = attempt.headers;
      expect(signature).toBe(signWebhook(webhookKey(SECRET), String(id), Number(ts), attempt.body));
    }
    expect(JSON.parse(first.body)).toEqual({
      type: 'job.succeeded',
      timestamp: new Date(1_700_000_000_000).toISOString(),
      data: { prompt_id: 'p1' },
    });
  });

  it('stops at 410 Gone without retrying', async () => {
    const { dispatcher, sent } = harness([{ ok: false, status: 410, error: 'the receiver answered HTTP 410' }, { ok: true, status: 200 }]);
    const final = await dispatcher.deliver(message);
    expect(final).toMatchObject({ status: 'failed', attempts: 1, last_status: 410 });
    expect(sent).toHaveLength(1);
  });

  it('gives up after max attempts and keeps the last error', async () => {
    const timeout: AttemptResult = { ok: false, status: null, error: 'no answer within 10000 ms' };
    const { dispatcher, sent, sleeps } = harness([fail500, timeout, timeout, timeout, timeout, timeout]);
    const final = await dispatcher.deliver(message);
    expect(final).toMatchObject({ status: 'failed', attempts: 5, last_status: null, last_error: 'no answer within 10000 ms' });
    expect(sent).toHaveLength(5);
    expect(sleeps).toEqual([500, 1000, 2000, 4000]);
  });

  it('caps the delay at max_delay_ms', async () => {
    const { dispatcher, sleeps } = harness([], { settings: { ...settings, maxAttempts: 10, maxDelayMs: 3000 }, random: () => 0.999 });
    await dispatcher.deliver(message);
    expect(Math.max(...sleeps)).toBeLessThan(3000);
    expect(sleeps.slice(-3).every((ms) => ms >= 2990)).toBe(true);
  });

  it('survives a throwing state listener and a crashing poster', async () => {
    const { dispatcher } = harness([], {
      post: () => Promise.reject(new Error('bug')),
    });
    const final = await dispatcher.deliver(message, () => {
      throw new Error('listener bug');
    });
    expect(final.status).toBe('failed');
  });

  it('close() ends deliveries waiting for a retry, as failed', async () => {
    let sleeping!: () => void;
    const asleep = new Promise<void>((resolve) => (sleeping = resolve));
    const { dispatcher } = harness([fail500], {
      sleep: (_ms, signal) =>
        new Promise<void>((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new Error('aborted')));
          sleeping();
        }),
    });
    const delivery = dispatcher.deliver(message);
    await asleep;
    expect(dispatcher.active).toBe(1);
    await dispatcher.close();
    expect(await delivery).toMatchObject({ status: 'failed', attempts: 1, last_error: expect.stringContaining('stopped') });
    expect(dispatcher.active).toBe(0);
    expect((await dispatcher.deliver(message)).status).toBe('failed');
  });
});
