// Graceful shutdown: close() refuses new connections at once, lets the requests in flight finish (bounded by
// server.shutdown_timeout_ms), says 1001 "going away" to gateway WebSockets; main.ts does the same on SIGTERM and
// exits 0. The slow request is a real one: the simulator answers late (httpDelayMs).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'comfyui-sim';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { openSocket } from '../helpers/ws-client.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Resolves when the gateway has received a request (so it is truly in flight), with a deadline. */
function nextRequest(gw: TestGateway, timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no request reached the gateway within ${timeoutMs} ms`)), timeoutMs);
    gw.server.once('request', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** 'refused' when nothing listens any more, 'accepted' when a TCP connection still opens. */
function tryConnect(port: number): Promise<'refused' | 'accepted'> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.once('error', () => resolve('refused'));
  });
}

describe('gateway.close()', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(async () => sim?.close());

  it('finishes the request in flight, refuses new connections, closes WebSockets with 1001', async () => {
    const gw = await startTestGateway({ comfyui: { url: sim.url, request_timeout_ms: 5_000 } });
    let closing: Promise<void> | undefined;
    try {
      const socket = await openSocket(`${gw.url.replace(/^http/, 'ws')}/api/v1/ws/shutdown-client`);
      await socket.next();
      sim.faults.httpDelayMs = 600;
      const arrived = nextRequest(gw);
      const slow = gw.call('GET', '/api/v1/queue/status');
      await arrived;

      closing = gw.close();
      expect((await socket.closed()).code).toBe(1001);
      expect(await tryConnect(gw.port)).toBe('refused');
      const answer = await slow;
      expect(answer.status).toBe(200);
      expect(answer.json.code).toBe(200);
      await closing;
    } finally {
      sim.faults.httpDelayMs = 0;
      await (closing ?? gw.close());
    }
  });

  it('cuts a request that outlives server.shutdown_timeout_ms, and still resolves', async () => {
    const gw = await startTestGateway({
      comfyui: { url: sim.url, request_timeout_ms: 20_000 },
      server: { shutdown_timeout_ms: 200 },
    });
    try {
      sim.faults.httpDelayMs = 10_000;
      const arrived = nextRequest(gw);
      const slow = fetch(`${gw.url}/api/v1/queue/status`).then(
        (response) => `status ${response.status}`,
        () => 'cut',
      );
      await arrived;
      const started = performance.now();
      await gw.close();
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(await slow).toBe('cut');
    } finally {
      sim.faults.httpDelayMs = 0;
    }
  });
});

/**
 * A stand-in ComfyUI for the child process: GET /queue answers after `delayMs` and reports its arrival, so the test
 * knows the request is in flight inside the gateway before it sends the signal. Everything else is 404.
 */
async function slowQueueServer(delayMs: number) {
  let arrived: () => void = () => undefined;
  const arrival = new Promise<void>((resolve) => (arrived = resolve));
  const server = createServer((req, res) => {
    if (!req.url?.startsWith('/queue')) {
      res.statusCode = 404;
      res.end('404: Not Found');
      return;
    }
    arrived();
    setTimeout(() => {
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(JSON.stringify({ queue_running: [], queue_pending: [] }));
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrival,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('SIGTERM to a real gateway process', () => {
  let comfy: Awaited<ReturnType<typeof slowQueueServer>>;
  let dir: string;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    comfy = await slowQueueServer(800);
    dir = await mkdtemp(path.join(os.tmpdir(), 'gateway-sigterm-'));
  });
  afterAll(async () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
    await comfy?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lets the request in flight finish and exits 0', async () => {
    const config = [
      'server: { host: 127.0.0.1, port: 0, shutdown_timeout_ms: 5000 }',
      `comfyui: { url: "${comfy.url}", request_timeout_ms: 5000 }`,
      `folders: { scenarios: "${dir}/scenarios", templates: "${dir}/templates", input: "${dir}/input", output: "${dir}/output" }`,
      'scenarios: { watch: true }',
      'log: { level: info }',
    ].join('\n');
    await writeFile(path.join(dir, 'gateway.yaml'), config);
    // node --import tsx (not npx): the PID we signal must be the gateway's own, not a wrapper's.
    child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/main.ts')], {
      cwd: root,
      env: { ...process.env, GATEWAY_CONFIG: path.join(dir, 'gateway.yaml') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway did not start within 15 s; stderr: ${stderr}`)), 15_000);
      let out = '';
      child?.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const found = /"url":"(http:\/\/[^"]+)"/.exec(out);
        if (found) {
          clearTimeout(timer);
          resolve(found[1] as string);
        }
      });
      void exited.then((code) => reject(new Error(`gateway exited early (${code}); stderr: ${stderr}`)));
    });

    const slow = fetch(`${url}/api/v1/queue/status`).then(async (response) => ({
      status: response.status,
      code: ((await response.json()) as { code: number }).code,
    }));
    await comfy.arrival;
    process.kill(child.pid as number, 'SIGTERM');
    expect(await slow).toEqual({ status: 200, code: 200 });
    expect(await exited).toBe(0);
  }, 30_000);
});
