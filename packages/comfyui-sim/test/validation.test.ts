// POST /prompt validation, as ComfyUI's validate_prompt does it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { emptySave, invertChain, waitHistory, postJson, request, startTestSim, submit, testPng, upload } from './harness.js';

type Reason = { type: string; message: string; details: string; extra_info: Record<string, unknown> };
type NodeError = { errors: Reason[]; dependent_outputs: string[]; class_type: string };
type Body = { error?: Reason; node_errors: Record<string, NodeError>; prompt_id?: string; number?: number };
const firstError = (b: Body, id: string): Reason => b.node_errors[id]?.errors[0] as Reason;

describe('POST /prompt validation', () => {
  let sim: Simulator;
  const post = async (body: unknown): Promise<{ status: number; body: Body }> => {
    const r = await postJson(sim.url, '/prompt', body);
    return { status: r.status, body: r.status === 500 ? ({} as Body) : (r.json() as Body) };
  };

  beforeAll(async () => {
    sim = await startTestSim();
    await upload(sim, 'test_input.png', await testPng());
    await upload(sim, 'in_sub.png', await testPng(), { subfolder: 'sub' });
  });
  afterAll(() => sim.close());

  it('refuses an unknown class_type anywhere, with no node_errors', async () => {
    const r = await post({ prompt: { ...emptySave(), '9': { class_type: 'Nope', inputs: {} } } });
    expect(r.status).toBe(400);
    expect(r.body.error).toEqual({ type: 'invalid_prompt', message: 'Cannot execute because node Nope does not exist.', details: "Node ID '#9'", extra_info: {} });
    expect(r.body.node_errors).toEqual({});
  });

  it('reports a missing input on the output node in details, and upstream only in node_errors', async () => {
    const own = await post({ prompt: { '3': { class_type: 'SaveImage', inputs: { filename_prefix: 'x' } } } });
    expect(own.body.error?.details).toBe('Required input is missing: images');
    expect(own.body.node_errors['3']?.dependent_outputs).toEqual(['3']);

    const up = await post({ prompt: { '2': { class_type: 'ImageInvert', inputs: {} }, '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'x' } } } });
    expect(up.status).toBe(400);
    expect(up.body.error?.details).toBe('');
    expect(Object.keys(up.body.node_errors)).toEqual(['2']);
    expect(up.body.node_errors['2']).toEqual({
      errors: [{ type: 'required_input_missing', message: 'Required input is missing', details: 'image', extra_info: { input_name: 'image' } }],
      dependent_outputs: ['3'], class_type: 'ImageInvert',
    });
  });

  it('queues the good outputs and still reports the bad ones (200 with node_errors)', async () => {
    const prompt = {
      ...emptySave('good'),
      '5': { class_type: 'ImageInvert', inputs: {} },
      '6': { class_type: 'PreviewImage', inputs: { images: ['5', 0] } },
    };
    const r = await post({ prompt });
    expect(r.status).toBe(200);
    expect(r.body.node_errors['5']?.dependent_outputs).toEqual(['6']);
    const h = await waitHistory(sim, r.body.prompt_id as string);
    expect(h.prompt[4]).toEqual(['2']);
  });

  it('explains values out of range, bad conversions and combo misses', async () => {
    const big = await post({ prompt: emptySave('x', { width: 99999 }) });
    expect(firstError(big.body, '1')).toMatchObject({ type: 'value_bigger_than_max', message: 'Value 99999 bigger than max of 16384', details: 'width' });
    const small = await post({ prompt: emptySave('x', { width: 0 }) });
    expect(firstError(small.body, '1').message).toBe('Value 0 smaller than min of 1');
    const bad = await post({ prompt: emptySave('x', { height: 'abc' }) });
    expect(firstError(bad.body, '1')).toMatchObject({
      type: 'invalid_input_type', details: "height, abc, invalid literal for int() with base 10: 'abc'",
      extra_info: { input_config: ['INT', { default: 512, min: 1, max: 16384, step: 1 }], received_value: 'abc' },
    });
    const blur = await post({
      prompt: {
        '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
        '2': { class_type: 'ImageBlur', inputs: { image: ['1', 0], blur_radius: 1, sigma: 11 } },
        '3': { class_type: 'PreviewImage', inputs: { images: ['2', 0] } },
      },
    });
    expect(firstError(blur.body, '2').message).toBe('Value 11.0 bigger than max of 10.0');
  });

  it('lists a short combo in details and hides a long one', async () => {
    const scale = await post({
      prompt: {
        '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
        '2': { class_type: 'ImageScale', inputs: { image: ['1', 0], upscale_method: 'nope', width: 4, height: 4, crop: 'disabled' } },
        '3': { class_type: 'PreviewImage', inputs: { images: ['2', 0] } },
      },
    });
    expect(firstError(scale.body, '2').details).toBe("upscale_method: 'nope' not in ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos']");
    const t2i = (await import('./harness.js')).text2img();
    (t2i['3'] as { inputs: Record<string, unknown> }).inputs.sampler_name = 'nope';
    const long = await post({ prompt: t2i });
    const err = firstError(long.body, '3');
    expect(err.details).toMatch(/^sampler_name: 'nope' not in \(list of length \d+\)$/);
    expect(err.extra_info.input_config).toBeNull();
  });

  it('reports broken links the way Python raises them', async () => {
    const missing = await post({ prompt: { '3': { class_type: 'SaveImage', inputs: { images: ['42', 0], filename_prefix: 'x' } } } });
    expect(missing.body.error?.details).toBe("Exception when validating node: '42'");
    expect(firstError(missing.body, '3').extra_info.exception_type).toBe('KeyError');
    const slot = await post({ prompt: { ...emptySave(), '2': { class_type: 'SaveImage', inputs: { images: ['1', 5], filename_prefix: 'x' } } } });
    expect(firstError(slot.body, '2').details).toBe('tuple index out of range');
    const inner = await post({
      prompt: {
        '2': { class_type: 'ImageInvert', inputs: { image: ['77', 0] } },
        '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'x' } },
      },
    });
    expect(firstError(inner.body, '2')).toMatchObject({
      type: 'exception_during_inner_validation', details: "'77'", extra_info: { input_name: 'images', linked_node: ['2', 0], exception_type: 'KeyError' },
    });
    const len = await post({ prompt: { ...emptySave(), '2': { class_type: 'SaveImage', inputs: { images: ['1', 0, 1], filename_prefix: 'x' } } } });
    expect(firstError(len.body, '2').type).toBe('bad_linked_input');
    const mismatch = await post({
      prompt: {
        '1': { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 64, batch_size: 1 } },
        '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'x' } },
      },
    });
    expect(firstError(mismatch.body, '2')).toMatchObject({ type: 'return_type_mismatch', details: 'images, received_type(LATENT) mismatch input_type(IMAGE)' });
  });

  it("checks LoadImage's file (annotated and subfolder names allowed), not its combo list", async () => {
    const missing = await post({ prompt: invertChain('nope.png') });
    expect(firstError(missing.body, '1')).toEqual({
      type: 'custom_validation_failed', message: 'Custom validation failed for node', details: 'image - Invalid image file: nope.png', extra_info: { input_name: 'image' },
    });
    expect((await post({ prompt: invertChain('sub/in_sub.png') })).status).toBe(200);
    expect((await post({ prompt: invertChain('test_input.png [input]') })).status).toBe(200);
    expect((await post({ prompt: invertChain('test_input.png [output]') })).status).toBe(400);
  });

  it('writes coerced constants back into the queued prompt', async () => {
    const id = await submit(sim, emptySave('coerce', { width: '16', height: 8.9 }));
    const h = await waitHistory(sim, id);
    expect(h.prompt[2]['1']?.inputs).toMatchObject({ width: 16, height: 8 });
  });

  it('handles number, front, prompt_id, client_id and extra_data like post_prompt', async () => {
    const fresh = await startTestSim();
    try {
      const p = (body: unknown): Promise<{ status: number; json: () => unknown }> => postJson(fresh.url, '/prompt', body);
      expect(((await p({ prompt: emptySave(), front: true })).json() as Body).number).toBe(0);
      expect((await p({ prompt: {} })).status).toBe(400); // invalid, but it used number 1
      const malformed = await request(fresh.url, '/prompt', { method: 'POST', body: '{not json' });
      expect(malformed.status).toBe(500);
      expect(malformed.text()).toBe('500 Internal Server Error\n\nServer got itself in trouble');
      expect(((await p({ prompt: emptySave() })).json() as Body).number).toBe(2);
      expect(((await p({ prompt: emptySave(), front: 1 })).json() as Body).number).toBe(-3);
      const explicit = await p({ prompt: emptySave(), number: '7.5', prompt_id: 5, client_id: 'c1', extra_data: { client_id: 'x', k: 1 } });
      expect(explicit.json()).toEqual({ prompt_id: '5', number: 7.5, node_errors: {} });
      const h = await waitHistory(fresh, '5');
      expect(h.prompt[3]).toEqual({ client_id: 'c1', k: 1 });
      expect((await p({ prompt: 'string' })).status).toBe(500);
      expect((await p({ foo: 1 })).json()).toEqual({
        error: { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} }, node_errors: {},
      });
      expect((await p({ prompt: { '1': { inputs: {} } } })).json()).toMatchObject({ error: { message: 'Cannot execute because a node is missing the class_type property.' } });
      expect((await p({ prompt: emptySave(), partial_execution_targets: [] })).json()).toMatchObject({ error: { type: 'prompt_no_outputs' } });
    } finally {
      await fresh.close();
    }
  });

});
