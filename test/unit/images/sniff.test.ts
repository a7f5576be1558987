import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sniffImageFile } from '../../../src/images/sniff.js';
import { sampleImage, type SampleFormat } from '../../fixtures/images/samples.js';

describe('sniffImageFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sniff-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  async function sniff(name: string, data: Buffer | string) {
    const file = path.join(dir, name);
    await writeFile(file, data);
    return sniffImageFile(file);
  }

  it.each<[SampleFormat, string]>([
    ['png', 'image/png'],
    ['jpeg', 'image/jpeg'],
    ['webp', 'image/webp'],
    ['gif', 'image/gif'],
    ['tiff', 'image/tiff'],
    ['bmp', 'image/bmp'],
  ])('recognises %s by its bytes', async (format, mime) => {
    // The name says .txt: only the content counts.
    const result = await sniff(`sample-${format}.txt`, await sampleImage(format));
    expect(result).toMatchObject({ ok: true, kind: { mime } });
  });

  it('refuses text named like an image', async () => {
    expect(await sniff('fake.png', 'hello, I am not a picture')).toEqual({ ok: false, found: 'unknown' });
  });

  it('refuses a recognised non-image format', async () => {
    const pdf = '%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n';
    expect(await sniff('doc.png', pdf)).toEqual({ ok: false, found: 'application/pdf' });
  });
});
