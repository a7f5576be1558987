import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isWebhookSecret, newMessageId, signedHeaders, signWebhook, webhookKey } from '../../../src/webhooks/sign.js';

// The test vector published with the Standard Webhooks reference libraries.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('Standard Webhooks signing', () => {
  it('reproduces the reference test vector', () => {
    expect(signWebhook(webhookKey(VECTOR.secret), VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
  });

  it('matches an independent computation over "id.timestamp.body" with the decoded secret', () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const body = JSON.stringify({ type: 'job.succeeded', data: { text: '图生图' } });
    const headers = signedHeaders(webhookKey(secret), 'msg_1', 1_700_000_000, body);
    const expected = createHmac('sha256', Buffer.from('0123456789abcdef0123456789abcdef'))
      .update(`msg_1.1700000000.${body}`, 'utf8')
      .digest('base64');
    expect(headers).toEqual({
      'content-type': 'application/json',
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1700000000',
      'webhook-signature': `v1,${expected}`,
    });
  });

  it('accepts only whsec_ + base64 of at least 16 bytes', () => {
    expect(isWebhookSecret(VECTOR.secret)).toBe(true);
    expect(isWebhookSecret('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBe(false);
    expect(isWebhookSecret('whsec_')).toBe(false);
    expect(isWebhookSecret('whsec_c2hvcnQ=')).toBe(false);
    expect(isWebhookSecret('whsec_not base64 at all!!')).toBe(false);
    expect(() => webhookKey('plain')).toThrow(/whsec_/);
  });

  it('draws a fresh message id each time', () => {
    const a = newMessageId();
    expect(a).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(newMessageId()).not.toBe(a);
  });
});
