// extra_data.gateway: what the submitter writes is what recovery and the queue read back, and what comes back from
// ComfyUI is trusted field by field only (any client of ComfyUI can put anything there).
import { describe, expect, it } from 'vitest';
import { GATEWAY_EXTRA_KEY, readGatewayExtra, writeGatewayExtra } from '../../../src/jobs/gateway-extra.js';

/** What ComfyUI hands back: the same JSON, parsed again. */
const throughJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('gateway extra_data', () => {
  it('reads back every field it wrote', () => {
    const written = writeGatewayExtra({
      clientId: 'c1',
      scenario: 'txt2img',
      submittedAt: 1_700_000_000_000,
      owner: 'key-a',
      mirror: true,
      meta: { outputs: ['9', '12'] },
    });
    expect(readGatewayExtra(throughJson(written))).toEqual({
      client_id: 'c1',
      scenario: 'txt2img',
      submitted_at: 1_700_000_000_000,
      owner: 'key-a',
      outputs: ['9', '12'],
      mirror: true,
    });
  });

  it('writes null for a missing client_id and scenario, and leaves out owner and mirror when there are none', () => {
    const written = writeGatewayExtra({ clientId: undefined, scenario: undefined, submittedAt: 5, mirror: false });
    expect(throughJson(written)).toEqual({ [GATEWAY_EXTRA_KEY]: { client_id: null, scenario: null, submitted_at: 5 } });
    expect(readGatewayExtra(throughJson(written))).toEqual({ client_id: null, scenario: null, submitted_at: 5 });
  });

  it('drops each field of the wrong type and keeps the others', () => {
    const stored = {
      [GATEWAY_EXTRA_KEY]: {
        client_id: 7,
        scenario: ['x'],
        submitted_at: '1700000000000',
        owner: { id: 'key-a' },
        outputs: ['9', 12],
        mirror: 'true',
      },
    };
    expect(readGatewayExtra(stored)).toEqual({});
    expect(readGatewayExtra({ [GATEWAY_EXTRA_KEY]: { owner: 'key-a', outputs: 'nine' } })).toEqual({ owner: 'key-a' });
  });

  it('reads nothing from a prompt submitted around the gateway or from malformed extra_data', () => {
    for (const extraData of [undefined, null, 'gateway', [], {}, { create_time: 1 }, { [GATEWAY_EXTRA_KEY]: [] }, { [GATEWAY_EXTRA_KEY]: 'x' }]) {
      expect(readGatewayExtra(extraData)).toEqual({});
    }
  });
});
