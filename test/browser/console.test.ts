// The operator console (/ui) in a real headless Chromium against a real gateway and the simulator: the overview
// shows the backend, a broken manifest shows its file:line, the try-it form inverts an uploaded picture (pixels
// checked), a running job's progress bar moves and its cancel button stops it, and a caller's key does not see
// another caller's jobs. Each page is photographed into docs/console/ (docs/console.md shows them). Needs a
// Chromium binary: CHROMIUM_PATH, else the Debian/Ubuntu package's usual place; without one the file is skipped.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator } from 'comfyui-sim';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway } from '../helpers/gateway.js';
import { progressAbove, resultPixel, type PasteGlobals } from './console-page.js';
import { startStack, type Stack } from '../helpers/stack.js';

const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (candidate): candidate is string => Boolean(candidate && existsSync(candidate)),
);
const repo = path.resolve(import.meta.dirname, '../..');
// Screenshots go to a temporary folder, so a test run leaves the repository as it found it; the ones in
// docs/console/ are refreshed on purpose: CONSOLE_SCREENSHOTS=docs/console npx vitest run test/browser/console.test.ts
let shots = '';

// Line 4 names a node the workflow does not have: the console must show the file and that line.
const BROKEN = `summary: broken on purpose
workflow: invert.json
fields:
  input_image: {type: string, format: image, required: true, to: 99.inputs.image}
outputs: [Save Image]
`;

// Every kind of input the form makes from a schema: text with a length limit, integers and numbers with limits, a
// choice list.
const KNOBS = `summary: knobs
workflow: text2img.json
fields:
  prompt: {type: string, minLength: 1, maxLength: 300, required: true, to: Positive Prompt.inputs.text}
  steps: {type: integer, minimum: 1, maximum: 50, default: 2, to: KSampler.inputs.steps}
  cfg: {type: number, minimum: 0, maximum: 30, default: 7, to: KSampler.inputs.cfg}
  sampler: {type: string, enum: [euler, heun], default: euler, to: KSampler.inputs.sampler_name}
outputs: [Save Image]
`;

const keys = { ops: 'console-ops-key-0001', alice: 'console-alice-key-01', bob: 'console-bob-key-0001', carol: 'console-carol-key-01' };

async function fixtures(dir: string): Promise<void> {
  await mkdir(path.join(dir, 'scenarios'));
  await mkdir(path.join(dir, 'templates'));
  for (const name of ['invert', 'text2img']) {
    await copyFile(path.join(repo, 'scenarios', `${name}.yaml`), path.join(dir, 'scenarios', `${name}.yaml`));
    await copyFile(path.join(repo, 'templates', `${name}.json`), path.join(dir, 'templates', `${name}.json`));
  }
  await writeFile(path.join(dir, 'scenarios', 'broken.yaml'), BROKEN);
  await writeFile(path.join(dir, 'scenarios', 'knobs.yaml'), KNOBS);
  await sharp({ create: { width: 48, height: 32, channels: 3, background: { r: 200, g: 90, b: 20 } } })
    .png()
    .toFile(path.join(dir, 'photo.png'));
}

async function submitText2img(stack: Stack, steps: number, key?: string, wait = false): Promise<string> {
  const route = `/api/v1/scenarios/text2img${wait ? '?wait=true' : ''}`;
  const answer = await stack.gw.call('POST', route, { prompt: 'a lighthouse', steps }, key ? { 'X-API-Key': key } : {});
  expect(answer.json, JSON.stringify(answer.json)).toMatchObject({ code: 200 });
  return (answer.json.data as { prompt_id: string }).prompt_id;
}

describe.skipIf(!executablePath)(`operator console in Chromium (${executablePath ?? 'not found; set CHROMIUM_PATH'})`, () => {
  let open: Stack;
  /** The open gateway's second backend (its first is open.sim). */
  let second: Simulator;
  let keyed: Stack;
  let dir: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'console-ui-'));
    await fixtures(dir);
    shots = process.env.CONSOLE_SCREENSHOTS ? path.resolve(repo, process.env.CONSOLE_SCREENSHOTS) : path.join(dir, 'screenshots');
    await mkdir(shots, { recursive: true });
    const folders = { scenarios: path.join(dir, 'scenarios'), templates: path.join(dir, 'templates') };
    // The open gateway has a pool of two backends, as the demo has.
    const sims = [await startSimulator({ port: 0, stepMs: 1 }), await startSimulator({ port: 0, stepMs: 1 })] as const;
    second = sims[1];
    const gw = await startTestGateway({
      folders,
      locale: 'en',
      comfyui: { url: sims[0].url, backends: sims.map((sim, i) => ({ name: `gpu-${'ab'[i]}`, url: sim.url, slots: 1, weight: 1, labels: [] })) },
    });
    open = { sim: sims[0], gw, close: async () => { await gw.close(); await Promise.all(sims.map((sim) => sim.close())); } };
    keyed = await startStack(
      {
        folders,
        locale: 'en',
        auth: { api_keys: [{ key: keys.ops, name: 'ops', role: 'admin' }, { key: keys.alice, name: 'alice' }, { key: keys.bob, name: 'bob' }, { key: keys.carol, name: 'carol', scenarios: ['invert'] }] },
      },
      { stepMs: 1 },
    );
    browser = await chromium.launch({
      executablePath: executablePath!,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await open?.close();
    await keyed?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function newPage(locale = 'en-US'): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    return page;
  }

  it('overview: both backends are up, the auth-off banner shows; first paint is measured', async () => {
    const page = await newPage();
    await page.goto(`${open.gw.url}/ui`);
    await page.locator('.backend[data-state=up]').first().waitFor();
    const paint = (await page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null")) as number | null;
    console.log(`console: /ui first contentful paint ${paint === null ? 'n/a' : `${Math.round(paint)} ms`}`);
    // Both backends of the pool, each with its name.
    await expect.poll(() => page.locator('.backend[data-state=up]').count(), { timeout: 20_000 }).toBe(2);
    expect(await page.locator('.backend').evaluateAll((cards) => cards.map((card) => card.getAttribute('data-backend')))).toEqual(['gpu-a', 'gpu-b']);
    expect(await page.locator('.banner-warn').innerText()).toMatch(/Authentication is off/);
    await page.screenshot({ path: path.join(shots, 'overview.png'), fullPage: true });
    const zh = await newPage('zh-CN');
    await zh.goto(`${open.gw.url}/ui`);
    await zh.locator('.backend[data-state=up]').first().waitFor();
    expect(await zh.locator('h1').first().innerText()).toContain('概览');
  }, 60_000);

  it('scenarios: a broken manifest shows its file:line', async () => {
    const page = await newPage();
    await page.goto(`${open.gw.url}/ui/scenarios`);
    const row = page.locator('tr[data-scenario=broken]');
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('failed');
    expect(await row.locator('.problem-error').first().innerText()).toMatch(/broken\.yaml:4\b/);
    expect(await page.locator('tr[data-scenario=invert]').getAttribute('data-status')).toBe('loaded');
    await page.screenshot({ path: path.join(shots, 'scenarios.png'), fullPage: true });
  }, 60_000);

  it('try-it: the form made from invert\'s schema takes a picture uploaded, typed as a data URL, or pasted, and shows it inverted', async () => {
    const page = await newPage();
    await page.goto(`${open.gw.url}/ui/scenarios/invert`);
    const field = page.locator('[data-field=input_image]');
    const submit = page.locator('.try-form button[type=submit]');

    await field.locator('input[type=file]').setInputFiles(path.join(dir, 'photo.png'));
    await submit.click();
    // (200, 90, 20) inverted.
    expect(await resultPixel(page, null)).toEqual({ r: 55, g: 165, b: 235, width: 48, height: 32 });
    await page.screenshot({ path: path.join(shots, 'try-it.png'), fullPage: true });
    let shown = await page.locator('.try-result').getAttribute('data-job');

    const typed = await sharp({ create: { width: 6, height: 4, channels: 3, background: { r: 10, g: 20, b: 30 } } }).png().toBuffer();
    await field.locator('.image-text').fill(`data:image/png;base64,${typed.toString('base64')}`);
    await submit.click();
    expect(await resultPixel(page, shown)).toEqual({ r: 245, g: 235, b: 225, width: 6, height: 4 });
    shown = await page.locator('.try-result').getAttribute('data-job');

    // A paste of an image (as the clipboard hands it to the page) becomes the field's file.
    const pasted = await sharp({ create: { width: 5, height: 3, channels: 3, background: { r: 0, g: 128, b: 255 } } }).png().toBuffer();
    await field.locator('.image-input').evaluate(
      (target, base64) => {
        const browser = globalThis as unknown as PasteGlobals;
        const bytes = Uint8Array.from(browser.atob(base64), (c) => c.charCodeAt(0));
        const data = new browser.DataTransfer();
        data.items.add(new browser.File([bytes], 'clip.png', { type: 'image/png' }));
        target.dispatchEvent(new browser.ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
      },
      pasted.toString('base64'),
    );
    await field.locator('img.thumb').waitFor();
    await submit.click();
    expect(await resultPixel(page, shown)).toEqual({ r: 255, g: 127, b: 0, width: 5, height: 3 });
  }, 60_000);

  it('try-it: numbers carry their limits, a choice list its choices, and the form sends what was chosen', async () => {
    const page = await newPage();
    await page.goto(`${open.gw.url}/ui/scenarios/knobs`);
    const input = (name: string, tag = 'input') => page.locator(`[data-field=${name}] ${tag}`);
    const attributes = (name: string, tag?: string) =>
      input(name, tag).evaluate((element, names) => names.map((attribute) => element.getAttribute(attribute)), ['type', 'min', 'max', 'step', 'maxlength']);
    expect(await attributes('steps')).toEqual(['number', '1', '50', '1', null]);
    expect(await attributes('cfg')).toEqual(['number', '0', '30', 'any', null]);
    expect(await attributes('prompt', 'textarea')).toEqual([null, null, null, null, '300']);
    expect(await input('sampler', 'select option').allInnerTexts()).toEqual(['—', 'euler', 'heun']);
    await input('prompt', 'textarea').fill('a quiet harbour');
    await input('steps').fill('3');
    await input('sampler', 'select').selectOption('heun');
    const sent = page.waitForRequest((request) => request.method() === 'POST' && request.url().endsWith('/api/v1/scenarios/knobs'));
    await page.locator('.try-form button[type=submit]').click();
    const body = (await sent).postData() ?? '';
    for (const [name, value] of [['prompt', 'a quiet harbour'], ['steps', '3'], ['cfg', '7'], ['sampler', 'heun']]) {
      expect(body).toMatch(new RegExp(`name="${name}"\\r\\n\\r\\n${value}\\r\\n`));
    }
    await page.locator('.try-result .badge-succeeded').waitFor();
    await page.locator('.try-result img.output-image').waitFor();
  }, 60_000);

  it('a running text2img job: its progress bar moves, and Cancel stops it', async () => {
    for (const sim of [open.sim, second]) sim.faults.stepMs = 300;
    try {
      const id = await submitText2img(open, 100);
      const page = await newPage();
      await page.goto(`${open.gw.url}/ui/jobs/${id}`);
      const first = await progressAbove(page, 0);
      const later = await progressAbove(page, first);
      expect(later).toBeGreaterThan(first);
      // The timeline names the backend the pool sent it to.
      expect(await page.locator('.timeline').innerText()).toMatch(/dispatched to gpu-[ab]/);
      await page.screenshot({ path: path.join(shots, 'job.png'), fullPage: true });
      const list = await newPage();
      await list.goto(`${open.gw.url}/ui/jobs`);
      await list.locator(`tr[data-job="${id}"] [role=progressbar]`).waitFor();
      await list.screenshot({ path: path.join(shots, 'jobs.png'), fullPage: true });
      // Filtered to running jobs (by the gateway): this one is there, the finished ones are not.
      await list.locator('select[name=status]').selectOption('running');
      await expect.poll(() => list.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-job'))), { timeout: 20_000 }).toEqual([id]);
      const unfiltered = await newPage();
      await unfiltered.goto(`${open.gw.url}/ui/jobs`);
      await unfiltered.locator(`tr[data-job="${id}"]`).waitFor();
      await page.locator('button.danger').click();
      await page.locator('.job-page[data-status=interrupted]').waitFor();
      const job = await open.gw.call('GET', `/api/v1/jobs/${id}`);
      expect(job.json.data).toMatchObject({ status: 'interrupted' });
      await unfiltered.locator(`tr[data-job="${id}"][data-status=interrupted]`).waitFor();
      // It left the filter: the running list drops it.
      await expect.poll(() => list.locator(`tr[data-job="${id}"]`).count(), { timeout: 20_000 }).toBe(0);
    } finally {
      for (const sim of [open.sim, second]) sim.faults.stepMs = 1;
    }
  }, 90_000);

  it('backends page: each backend with its load and health history; an admin drains one and resumes it', async () => {
    const page = await newPage();
    await page.goto(`${open.gw.url}/ui/backends`);
    await page.locator('.backend[data-state=up] .health .health-up').first().waitFor();
    await page.screenshot({ path: path.join(shots, 'backends.png'), fullPage: true });
    const card = page.locator('.backend').first();
    await card.locator('button').click();
    await page.locator('.backend[data-state=draining]').first().waitFor();
    const draining = async () =>
      ((await open.gw.call('GET', '/api/v1/backends')).json.data as { backends: { draining: boolean }[] }).backends.map((b) => b.draining);
    expect(await draining()).toEqual([true, false]);
    await page.screenshot({ path: path.join(shots, 'backends-draining.png'), fullPage: true });
    await page.locator('.backend[data-state=draining] button').first().click();
    await expect.poll(() => page.locator('.backend[data-state=draining]').count(), { timeout: 20_000 }).toBe(0);
    expect(await draining()).toEqual([false, false]);
  }, 60_000);

  it('a key limited to some scenarios is told so, and gets the try-it form only for those', async () => {
    const page = await newPage();
    await page.goto(`${keyed.gw.url}/ui/scenarios/text2img`);
    await page.locator('input[name=api-key]').fill(keys.carol);
    await page.locator('.key-prompt button[type=submit]').click();
    expect(await page.locator('.banner').innerText()).toMatch(/carol.*may run: invert/);
    await page.locator('text=Your key may not run this scenario.').waitFor();
    expect(await page.locator('.try-form').count()).toBe(0);
    await page.goto(`${keyed.gw.url}/ui/scenarios/invert`);
    await page.locator('.try-form').waitFor();
  }, 60_000);

  it('a caller\'s key sees its own jobs only; an admin key sees every caller\'s', async () => {
    const mine = await submitText2img(keyed, 2, keys.bob);
    const theirs = await submitText2img(keyed, 2, keys.alice);
    const page = await newPage();
    await page.goto(`${keyed.gw.url}/ui/jobs`);
    await page.locator('input[name=api-key]').fill(keys.bob);
    await page.screenshot({ path: path.join(shots, 'key-prompt.png') });
    await page.locator('.key-prompt button[type=submit]').click();
    await page.locator(`tr[data-job="${mine}"]`).waitFor();
    expect(await page.locator(`tr[data-job="${theirs}"]`).count()).toBe(0);
    // Live too: Alice's next job ends before Bob's next one is submitted, so once Bob's shows, Alice's would have.
    const theirsLater = await submitText2img(keyed, 1, keys.alice, true);
    const mineLater = await submitText2img(keyed, 1, keys.bob);
    await page.locator(`tr[data-job="${mineLater}"]`).waitFor();
    expect(await page.locator(`tr[data-job="${theirsLater}"]`).count()).toBe(0);
    expect(await page.locator('.banner').innerText()).toMatch(/bob.*sees its own jobs/);
    // The pool's own route is for admin keys: a caller's overview shows the backend as the public /health tells it.
    await page.locator('nav a', { hasText: 'Overview' }).click();
    await page.locator('.backend[data-state=up]').waitFor();
    // The key lives in this tab's sessionStorage only.
    expect(await page.evaluate("[sessionStorage.getItem('gateway.apiKey'), localStorage.getItem('gateway.apiKey')]")).toEqual([keys.bob, null]);

    const admin = await newPage();
    await admin.goto(`${keyed.gw.url}/ui/jobs`);
    await admin.locator('input[name=api-key]').fill(keys.ops);
    await admin.locator('.key-prompt button[type=submit]').click();
    await admin.locator(`tr[data-job="${mine}"]`).waitFor();
    await admin.locator(`tr[data-job="${theirs}"]`).waitFor();
    await admin.screenshot({ path: path.join(shots, 'jobs-admin.png'), fullPage: true });
  }, 60_000);
});
