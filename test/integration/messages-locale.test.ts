// A caller's mistakes on a scenario route, and an author's in GET /api/v1/scenarios, told in the configured locale
// in full: the summary message and every validation detail, with no English sentence under zh-CN.
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locale } from '../../src/i18n.js';
import { englishSentences, isChinese, isEnglish } from '../helpers/language.js';
import { startStack, type Stack } from '../helpers/stack.js';

const workflow = {
  '3': { class_type: 'KSampler', inputs: { seed: 1, steps: 20, cfg: 7, sampler_name: 'euler', denoise: 1 } },
  '5': { class_type: 'EmptyLatentImage', inputs: { width: 512, height: 512, batch_size: 1 }, _meta: { title: 'Latent' } },
  '6': { class_type: 'CLIPTextEncode', inputs: { text: 'x' } },
};

const manifest = `summary: locale probe
workflow: probe.json
fields:
  prompt:
    type: string
    minLength: 1
    required: true
    to: 6.inputs.text
  width:
    type: integer
    minimum: 64
    maximum: 2048
    multipleOf: 8
    to: 5.inputs.width
  sampler:
    type: string
    enum: [euler, dpmpp_2m]
    to: 3.inputs.sampler_name
  cfg:
    type: number
    to: 3.inputs.cfg
outputs: [5]
`;

/** The typical author mistake of mapping to a node by a title that is not quite right. */
const broken = `workflow: probe.json
fields:
  height:
    type: integer
    to: Latnet.inputs.height
`;

function language(locale: Locale) {
  return locale === 'en' ? isEnglish : isChinese;
}

describe.each(['zh-CN', 'en'] as const)('messages under %s', (locale) => {
  let dir: string;
  let stack: Stack;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'messages-locale-'));
    await mkdir(path.join(dir, 'scenarios'));
    await writeFile(path.join(dir, 'scenarios', 'probe.json'), JSON.stringify(workflow));
    await writeFile(path.join(dir, 'scenarios', 'probe.yaml'), manifest);
    await writeFile(path.join(dir, 'scenarios', 'broken.yaml'), broken);
    stack = await startStack({ locale, folders: { scenarios: path.join(dir, 'scenarios'), templates: path.join(dir, 'templates') } });
  });
  afterAll(async () => {
    await stack?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a bad JSON body with a message and details in one language', async () => {
    const answer = await stack.gw.call('POST', '/api/v1/scenarios/probe', {
      width: 'abc',
      sampler: 'ddim',
      cfg: 'high',
      extra: 1,
    });
    expect(answer.status).toBe(400);
    const inLanguage = language(locale);
    const message = answer.json.message;
    expect(inLanguage(message), `${message}\n(English runs: ${englishSentences(message).join(' | ')})`).toBe(true);
    const details = (answer.json.details as { errors: { path: string; message: string }[] }).errors;
    expect(details.map((d) => d.path).sort()).toEqual(['cfg', 'extra', 'prompt', 'sampler', 'width']);
    for (const detail of details) {
      const text = `body.${detail.path} ${detail.message}`;
      expect(inLanguage(text), `${text}\n(English runs: ${englishSentences(text).join(' | ')})`).toBe(true);
    }
    const sampler = details.find((d) => d.path === 'sampler')?.message;
    expect(sampler).toContain('"euler", "dpmpp_2m"');
    if (locale === 'zh-CN') {
      expect(message).toContain('body.prompt 是必填项');
      expect(message).toMatch(/（另有 \d+ 项）$/);
      expect(details.find((d) => d.path === 'width')?.message).toBe('必须是整数');
    } else {
      expect(message).toContain('body.prompt is required');
    }
  });

  it('refuses limits with the limit, in one language', async () => {
    const answer = await stack.gw.call('POST', '/api/v1/scenarios/probe', { prompt: 'p', width: 100 });
    expect(answer.status).toBe(400);
    expect(language(locale)(answer.json.message), answer.json.message).toBe(true);
    expect(answer.json.message).toContain(locale === 'en' ? 'must be a multiple of 8' : '必须是 8 的整数倍');
  });

  it('refuses a form value of the wrong type in one language', async () => {
    const form = new FormData();
    form.set('prompt', 'p');
    form.set('width', 'abc');
    const response = await fetch(`${stack.gw.url}/api/v1/scenarios/probe`, { method: 'POST', body: form });
    const body = (await response.json()) as { message: string };
    expect(response.status).toBe(400);
    expect(language(locale)(body.message), body.message).toBe(true);
    expect(body.message).toContain(locale === 'en' ? 'is not an integer' : '不是整数');
  });

  it('refuses what the body reader cannot read (encoding, charset, UTF-8, too many file parts) in one language', async () => {
    const url = `${stack.gw.url}/api/v1/scenarios/probe`;
    const refusals: Response[] = [
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'zstd' }, body: '{}' }),
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: 'x' }),
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-16' }, body: '{}' }),
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from([0x7b, 0xff, 0x7d]) }),
    ];
    const form = new FormData();
    for (let i = 0; i < 20; i++) form.append(`f${i}`, new Blob([Buffer.from('x')]), `f${i}.png`);
    refusals.push(await fetch(`${stack.gw.url}/api/v1/images/upload`, { method: 'POST', body: form }));
    for (const response of refusals) {
      const { message } = (await response.json()) as { message: string };
      expect([400, 413, 415]).toContain(response.status);
      expect(language(locale)(message), `${message}\n(English runs: ${englishSentences(message).join(' | ')})`).toBe(true);
    }
  });

  it('lists a broken manifest in GET /api/v1/scenarios in one language, with file:line:column', async () => {
    const answer = await stack.gw.call('GET', '/api/v1/scenarios');
    const text = JSON.stringify(answer.json.data);
    const match = /scenarios\/broken\.yaml:5:9: [^"\\]*(?:\\"[^"\\]*)*/.exec(text);
    expect(match, text).not.toBeNull();
    const message = JSON.parse(`"${match?.[0] ?? ''}"`) as string;
    expect(language(locale)(message), message).toBe(true);
    expect(message).toContain('"Latent"');
  });
});
