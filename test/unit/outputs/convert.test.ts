// The converter with real sharp: an animation keeps every frame and its timing, a still picture is scaled and
// re-encoded, a broken file ends the stream with an error, and no more conversions run at once than allowed.
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createConverter } from '../../../src/outputs/convert.js';

const colours = [[255, 0, 0], [0, 255, 0], [0, 0, 255]] as const;

/** A three-frame animated GIF, each frame its own colour. */
async function animatedGif(): Promise<Buffer> {
  const width = 24;
  const height = 16;
  const frames = colours.map(([r, g, b]) => Buffer.alloc(width * height * 3).fill(Buffer.from([r, g, b])));
  return sharp(Buffer.concat(frames), { raw: { width, height: height * 3, channels: 3, pageHeight: height } })
    .gif({ delay: [100, 200, 300], loop: 0 })
    .toBuffer();
}

describe('converter', () => {
  it('turns an animated GIF into an animated WebP with every frame and its delay', async () => {
    const converter = createConverter({ concurrency: 1, maxPixels: 1_000_000 });
    const out = await buffer(converter.convert(Readable.from([await animatedGif()]), { format: 'webp', quality: 70 }, true));
    expect(out.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(out.subarray(8, 12).toString('latin1')).toBe('WEBP');
    const meta = await sharp(out, { animated: true }).metadata();
    expect(meta).toMatchObject({ format: 'webp', pages: 3, pageHeight: 16, width: 24, delay: [100, 200, 300] });
  });

  it('scales a still picture down to max_side, never up', async () => {
    const converter = createConverter({ concurrency: 1, maxPixels: 1_000_000 });
    const png = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#336699' } }).png().toBuffer();
    const small = await buffer(converter.convert(Readable.from([png]), { format: 'avif', max_side: 50 }, false));
    expect(await sharp(small).metadata()).toMatchObject({ width: 50, height: 25 });
    const same = await buffer(converter.convert(Readable.from([png]), { format: 'jpeg', max_side: 1000 }, false));
    expect(await sharp(same).metadata()).toMatchObject({ format: 'jpeg', width: 200, height: 100 });
  });

  it('ends the stream with an error for bytes that are no picture, and frees its slot', async () => {
    const converter = createConverter({ concurrency: 1, maxPixels: 1_000_000 });
    await expect(buffer(converter.convert(Readable.from([Buffer.from('not a picture')]), { format: 'webp' }, false))).rejects.toThrow();
    expect(converter.active).toBe(0);
  });

  it('runs at most `concurrency` conversions at once; the rest wait and then run', async () => {
    const converter = createConverter({ concurrency: 2, maxPixels: 10_000_000 });
    const png = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#abcdef' } }).png().toBuffer();
    // Sources that hold back their bytes until released, so the first conversions stay busy.
    const gates: (() => void)[] = [];
    const held = () =>
      Readable.from((async function* () {
        await new Promise<void>((resolve) => gates.push(resolve));
        yield png;
      })());
    const outputs = Array.from({ length: 5 }, () => buffer(converter.convert(held(), { format: 'webp' }, false)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(converter.active).toBe(2);
    expect(converter.waiting).toBe(3);
    // A source is read only once its conversion has a slot: release them one by one as they ask.
    for (let opened = 0; opened < 5; opened += 1) {
      while (gates.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      expect(converter.active).toBeLessThanOrEqual(2);
      gates.shift()!();
    }
    const done = await Promise.all(outputs);
    expect(done.every((out) => out.subarray(8, 12).toString('latin1') === 'WEBP')).toBe(true);
    expect(converter.active).toBe(0);
  });
});
