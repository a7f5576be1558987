// The gateway's input store against two real simulators, each behind a counting pass-through: an image is kept
// once, sent to a backend once (however many jobs use it), sent again to a backend that was forgotten (its event
// stream dropped), sent to a second backend when asked, uploaded once for concurrent needs, and a backend that
// fails is a 1001 naming its address.
import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'comfyui-sim';
import { createComfyClient, type ComfyClient } from '../../src/comfy/client.js';
import { isGatewayError } from '../../src/errors.js';
import { startCountingProxy, type CountingProxy } from '../helpers/counting-proxy.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { closedPort } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait.js';

const UPLOAD = 'POST /upload/image';

let shade = 0;
/** A PNG no other test sends: a new colour each call. */
async function freshPng(): Promise<Buffer> {
  shade += 1;
  return sharp({ create: { width: 4, height: 3, channels: 3, background: { r: shade, g: 255 - shade, b: 7 } } }).png().toBuffer();
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function invertWorkflow(name: string, prefix: string) {
  return {
    '1': { class_type: 'LoadImage', inputs: { image: name } },
    '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
    '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: prefix } },
  };
}

describe('input store', () => {
  let simA: Simulator;
  let simB: Simulator;
  let proxyA: CountingProxy;
  let proxyB: CountingProxy;
  let gw: TestGateway;
  let clientB: ComfyClient;
  const backendB = () => ({ name: 'gpu-b', client: clientB });

  beforeAll(async () => {
    [simA, simB] = await Promise.all([startSimulator({ port: 0, stepMs: 1 }), startSimulator({ port: 0, stepMs: 1 })]);
    [proxyA, proxyB] = await Promise.all([startCountingProxy(simA.url), startCountingProxy(simB.url)]);
    gw = await startTestGateway({ comfyui: { url: proxyA.url, request_timeout_ms: 5000 }, locale: 'en' });
    clientB = createComfyClient({ url: proxyB.url, connectTimeoutMs: 2000, requestTimeoutMs: 5000 });
    await waitFor('the upstream stream', () => gw.events.connected);
  });
  afterAll(async () => {
    await gw?.close();
    await clientB?.close();
    await Promise.all([proxyA?.close(), proxyB?.close()]);
    await Promise.all([simA?.close(), simB?.close()]);
  });

  async function upload(bytes: Buffer, filename: string, overwrite = 'false') {
    const form = new FormData();
    form.set('file', new Blob([bytes], { type: 'image/png' }), filename);
    form.set('overwrite', overwrite);
    const response = await fetch(`${gw.url}/api/v1/images/upload`, { method: 'POST', body: form });
    return { status: response.status, json: (await response.json()) as { code: number; message: string; data: { name: string; local_path: string } } };
  }

  async function runJob(workflow: unknown) {
    const answer = await gw.call('POST', '/api/v1/workflows/submit?wait=true&timeout=20', { workflow });
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    expect((answer.json.data as { status: string }).status).toBe('succeeded');
    return answer;
  }

  it('an uploaded image is sent to its backend once, however many jobs use it; again once that backend was forgotten', async () => {
    const png = await freshPng();
    const before = proxyA.count(UPLOAD);
    const uploaded = await upload(png, 'kept.png');
    expect(uploaded.json.data.name).toBe('kept.png');
    expect(proxyA.count(UPLOAD)).toBe(before + 1);

    await runJob(invertWorkflow('kept.png', 'kept-a'));
    await runJob(invertWorkflow('kept.png', 'kept-b'));
    expect(proxyA.count(UPLOAD)).toBe(before + 1);

    // The event stream drops (ComfyUI may have restarted with an empty input folder): the next job sends it again.
    const dropped = new Promise<void>((resolve) => {
      const off = gw.events.onConnectionChange((connected) => {
        if (connected) return;
        off();
        resolve();
      });
    });
    simA.faults.dropWebSockets();
    await dropped;
    await runJob(invertWorkflow('kept.png', 'kept-c'));
    expect(proxyA.count(UPLOAD)).toBe(before + 2);
    expect(await readFile(path.join(simA.dataDir, 'input', 'kept.png'))).toEqual(png);
  });

  it('the same bytes given twice are one name and one stored file, sent once', async () => {
    const png = await freshPng();
    const name = `${sha256(png)}.png`;
    const before = proxyA.count(UPLOAD);
    const dataUrl = `data:image/png;base64,${png.toString('base64')}`;
    const workflow = invertWorkflow('placeholder.png', 'twice');
    for (let i = 0; i < 2; i++) {
      const answer = await gw.call('POST', '/api/v1/workflows/submit?wait=true&timeout=20', { workflow, images: { '1': dataUrl } });
      expect(answer.status, JSON.stringify(answer.json)).toBe(200);
      expect((answer.json.data as { images: Record<string, string> }).images).toEqual({ '1': name });
    }
    expect(proxyA.count(UPLOAD)).toBe(before + 1);
    const kept = (await readdir(gw.config.folders.input)).filter((file) => file.startsWith(sha256(png)));
    expect(kept).toEqual([name]);

    // The upload route: the same bytes under the same name are kept once, and cost no second upload.
    const first = await upload(png, 'twice.png');
    const second = await upload(png, 'twice.png');
    expect([first.json.data.name, second.json.data.name]).toEqual(['twice.png', 'twice.png']);
    expect((await readdir(gw.config.folders.input)).filter((file) => file.startsWith('twice'))).toEqual(['twice.png']);
    expect(proxyA.count(UPLOAD)).toBe(before + 2);
  });

  it('an upload cannot claim the content name of other bytes', async () => {
    const real = await freshPng();
    const name = `${sha256(real)}.png`;
    const squatter = await upload(await freshPng(), name, 'true');
    expect(squatter.json.data.name).toBe(`${sha256(real)} (1).png`);
    const answer = await gw.call('POST', '/api/v1/workflows/submit?wait=true&timeout=20', {
      workflow: invertWorkflow('placeholder.png', 'real'),
      images: { '1': `data:image/png;base64,${real.toString('base64')}` },
    });
    expect((answer.json.data as { images: Record<string, string> }).images).toEqual({ '1': name });
    expect(await readFile(path.join(simA.dataDir, 'input', name))).toEqual(real);
  });

  it('a name whose content changed (overwrite) is sent again', async () => {
    const before = proxyA.count(UPLOAD);
    await upload(await freshPng(), 'changing.png', 'true');
    const replacement = await freshPng();
    await upload(replacement, 'changing.png', 'true');
    expect(proxyA.count(UPLOAD)).toBe(before + 2);
    expect(await readFile(path.join(simA.dataDir, 'input', 'changing.png'))).toEqual(replacement);
  });

  it('ensureOn sends the images a prompt names to a second backend, once', async () => {
    const png = await freshPng();
    const { name } = (await upload(png, 'second.png')).json.data;
    const prompt = invertWorkflow(name, 'on-b');
    expect(gw.inputs.namesIn(prompt)).toEqual([name]);
    expect(gw.inputs.namesIn(invertWorkflow('not-ours.png', 'x'))).toEqual([]);

    const before = proxyB.count(UPLOAD);
    await gw.inputs.ensureOn(backendB(), gw.inputs.namesIn(prompt));
    await gw.inputs.ensureOn(backendB(), gw.inputs.namesIn(prompt));
    expect(proxyB.count(UPLOAD)).toBe(before + 1);
    expect(await readFile(path.join(simB.dataDir, 'input', name))).toEqual(png);
    // The second backend really runs it.
    const accepted = await clientB.submitPrompt({ prompt, client_id: 'input-store-test' });
    expect(accepted.node_errors).toEqual({});
  });

  it('concurrent needs of one image on one backend share one upload', async () => {
    const png = await freshPng();
    const { name } = (await upload(png, 'shared.png')).json.data;
    const before = proxyB.count(UPLOAD);
    proxyB.hold(UPLOAD);
    const calls = [1, 2, 3].map(() => gw.inputs.ensureOn(backendB(), [name]));
    try {
      await waitFor('the upload to reach backend B', () => proxyB.count(UPLOAD) > before);
    } finally {
      proxyB.release();
    }
    await Promise.all(calls);
    expect(proxyB.count(UPLOAD)).toBe(before + 1);
  });

  it('a backend that fails the upload is a 1001 naming it and its address; the image is sent once it recovers', async () => {
    const png = await freshPng();
    const { name } = (await upload(png, 'failing.png')).json.data;
    simB.faults.text500 = true;
    try {
      const error = await gw.inputs.ensureOn(backendB(), [name]).then(() => undefined, (e: unknown) => e);
      expect(isGatewayError(error) && error.code).toBe(1001);
      expect((error as Error).message).toContain(new URL(proxyB.url).host);
      expect((error as Error).message).toContain('gpu-b');
      expect((error as Error).message).toContain(name);
    } finally {
      await simB.faults.reset();
    }
    const before = proxyB.count(UPLOAD);
    await gw.inputs.ensureOn(backendB(), [name]);
    expect(proxyB.count(UPLOAD)).toBe(before + 1);

    // A backend nobody listens on, the same.
    const port = await closedPort();
    const down = createComfyClient({ url: `http://127.0.0.1:${port}`, connectTimeoutMs: 1000, requestTimeoutMs: 2000 });
    try {
      const error = await gw.inputs.ensureOn({ name: 'gpu-down', client: down }, [name]).then(() => undefined, (e: unknown) => e);
      expect(isGatewayError(error) && error.code).toBe(1001);
      expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    } finally {
      await down.close();
    }
  });

  it('an input image the gateway keeps is downloaded from its own folder, even when ComfyUI lost it', async () => {
    const png = await freshPng();
    await upload(png, 'served.png');
    await rm(path.join(simA.dataDir, 'input', 'served.png'));
    const response = await fetch(`${gw.url}/api/v1/images/download?filename=served.png&img_type=input`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(png);
  });

  it('the upload route answers 1001 naming the address when the one ComfyUI fails', async () => {
    simA.faults.text500 = true;
    try {
      const answer = await upload(await freshPng(), 'unlucky.png');
      expect([answer.status, answer.json.code]).toEqual([502, 1001]);
      expect(answer.json.message).toContain(new URL(proxyA.url).host);
    } finally {
      await simA.faults.reset();
    }
  });
});
