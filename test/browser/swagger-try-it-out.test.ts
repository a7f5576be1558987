// Swagger UI's "Try it out" on an image scenario, in a real headless Chromium: expand the operation, switch the
// request body to multipart/form-data, pick a PNG in the file input the document's `format: binary` produces, fill
// the form fields, Execute, and read the envelope Swagger UI shows. Needs a Chromium binary: CHROMIUM_PATH, else
// the Debian/Ubuntu package's usual place; without one the test is reported as skipped, saying why.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { shrinkWorkflow } from '../helpers/workflows.js';

const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (candidate): candidate is string => Boolean(candidate && existsSync(candidate)),
);

const SHRINK = `
summary: shrink
fields:
  input_image: {type: string, format: image, required: true, description: the picture, to: 1.inputs.image}
  width: {type: integer, minimum: 1, maximum: 4096, default: 512, to: 2.inputs.width}
  height: {type: integer, minimum: 1, maximum: 4096, default: 512, to: 2.inputs.height}
workflow: shrink.json
outputs: [3]
`;

describe.skipIf(!executablePath)(`Swagger UI uploads a file to an image scenario (Chromium: ${executablePath ?? 'not found; set CHROMIUM_PATH'})`, () => {
  let stack: Stack;
  let dir: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'swagger-try-'));
    await mkdir(path.join(dir, 'scenarios'));
    await mkdir(path.join(dir, 'templates'));
    await writeFile(path.join(dir, 'scenarios', 'shrink.yaml'), SHRINK);
    await writeFile(path.join(dir, 'templates', 'shrink.json'), JSON.stringify(shrinkWorkflow()));
    await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 90, b: 20 } } })
      .png()
      .toFile(path.join(dir, 'photo.png'));
    stack = await startStack(
      { folders: { scenarios: path.join(dir, 'scenarios'), templates: path.join(dir, 'templates') }, locale: 'en' },
      { stepMs: 1 },
    );
    browser = await chromium.launch({
      executablePath: executablePath!,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('Try it out → multipart/form-data → a PNG → Execute answers code 200 with the job', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${stack.gw.url}/docs`);
    const operation = page.locator('#operations-scenarios-scenario_shrink');
    await operation.locator('.opblock-summary').click();
    await operation.locator('button.try-out__btn').click();
    await operation.locator('.opblock-section-request-body select').selectOption('multipart/form-data');
    await operation.locator('input[type=file]').setInputFiles(path.join(dir, 'photo.png'));
    const field = (name: string) => operation.locator(`tr[data-property-name="${name}"] input[type=text]`);
    await field('width').fill('20');
    await field('height').fill('15');
    // Swagger UI pre-fills optional fields with their examples; a user clears those they do not want (an empty
    // field is not sent), as the webhook one would be refused on a gateway without webhooks.secret.
    await field('client_id').fill('');
    await field('webhook').fill('');
    await operation.locator('button.execute').click();
    const body = operation.locator('.live-responses-table .response-col_description pre').first();
    await body.waitFor();
    const answer = JSON.parse(await body.innerText()) as { code: number; data: { prompt_id: string; params: object } };
    expect(answer, JSON.stringify(answer)).toMatchObject({ code: 200 });
    expect(answer.data.prompt_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.data.params).toMatchObject({ width: 20, height: 15 });
    expect(String((answer.data.params as { input_image: string }).input_image)).toMatch(/\.png$/);
  }, 60_000);
});
