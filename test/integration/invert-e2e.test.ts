// The whole product in one call, as an internal service would use it: an image given inline as a data URL,
// the shipped `invert` scenario, `?wait=true`, and the result downloaded through the URL in the answer.
// The pixels are checked one by one: the simulator really inverts them, so a gateway that lost, swapped or
// mis-routed the image would fail here.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { copyShippedScenarios, type ShippedCopy } from '../helpers/shipped-scenarios.js';

const width = 5;
const height = 3;

/** A small picture whose every pixel differs, so a shifted or unchanged result cannot pass. */
function pixels(): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    data[i * 3] = (i * 37) % 256;
    data[i * 3 + 1] = (i * 91 + 13) % 256;
    data[i * 3 + 2] = 255 - ((i * 53) % 256);
  }
  return data;
}

describe('invert in one call', () => {
  let stack: Stack;
  let gw: TestGateway;

  let shipped: ShippedCopy;
  beforeAll(async () => {
    shipped = await copyShippedScenarios(['invert']);
    stack = await startStack({
      folders: shipped.folders,
    });
    gw = stack.gw;
  });
  afterAll(async () => {
    await stack?.close();
    await shipped?.remove();
  });

  it('takes a data URL, waits for the job, and links to the inverted pixels', async () => {
    const original = pixels();
    const png = await sharp(original, { raw: { width, height, channels: 3 } }).png().toBuffer();
    const dataUrl = `data:image/png;base64,${png.toString('base64')}`;

    const answer = await gw.call('POST', '/api/v1/scenarios/invert?wait=true&timeout=20', { input_image: dataUrl });
    expect(answer.status).toBe(200);
    const data = answer.json.data as {
      status: string;
      scenario: string;
      outputs: { url: string; filename: string }[];
      params: { input_image: string };
    };
    expect(data.scenario).toBe('invert');
    expect(data.status).toBe('succeeded');
    // What went into the workflow is the uploaded file's name, not the base64.
    expect(data.params.input_image).not.toContain('base64');
    expect(data.outputs).toHaveLength(1);

    const download = await fetch(data.outputs[0]!.url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    const result = await sharp(Buffer.from(await download.arrayBuffer()))
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(result.info).toMatchObject({ width, height, channels: 3 });
    const expected = Buffer.from(original.map((value) => 255 - value));
    expect([...result.data]).toEqual([...expected]);
  });
});
