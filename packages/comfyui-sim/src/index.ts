// The ComfyUI simulator: a stand-in for a real ComfyUI 0.3.64 server (HTTP + WebSocket), for tests,
// demos and benchmarks. Importing this module does nothing; startSimulator() builds and listens.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCatalogue } from './catalogue.js';
import { createFaults, type SimFaults } from './faults.js';
import { prepareFolders, resetTemp } from './folders-setup.js';
import type { RouteContext } from './http/context.js';
import { createRouter } from './http/router.js';
import { registerInfoRoutes } from './http/routes-info.js';
import { registerPromptRoutes } from './http/routes-prompt.js';
import { registerQueueRoutes } from './http/routes-queue.js';
import { registerUploadRoutes } from './http/routes-upload.js';
import { registerViewRoutes } from './http/routes-view.js';
import { createHttpServer } from './http/server.js';
import { folders as foldersOf, listInputImages } from './paths.js';
import { createRuntime, type Runtime } from './runtime.js';
import { createHub, type ExecutionState } from './ws.js';

export type { SimFaults, FaultSettings } from './faults.js';

export interface SimOptions {
  /** 0 = a free port (the default). */
  port?: number;
  host?: string;
  /** Holds input/, output/, temp/. Default: a fresh temp folder, removed again by close(). */
  dataDir?: string;
  /** KSampler time per step, ms (default 5). */
  stepMs?: number;
  /** Every prompt runs this long (ms), whatever its nodes and the cache; KSampler steps then take no time. */
  runMs?: number;
  /** Node classes this server lacks: absent from /object_info and refused on /prompt as unknown class_types. */
  removeNodes?: string[];
  /** COMBO input name → the files it offers (e.g. { ckpt_name: ['a.safetensors'] }), in /object_info and validation. */
  models?: Record<string, string[]>;
  /** aiohttp's client_max_size, bytes (default 100 MiB, like --max-upload-size 100). */
  maxUploadSize?: number;
  /** Called as each WebSocket event is sent, with its type, data and recipient (null: everyone). */
  onSend?: (event: string, data: unknown, sid: string | null) => void;
  /** Negotiate permessage-deflate on /ws as real ComfyUI (aiohttp) does (default true); false sends plain frames. */
  perMessageDeflate?: boolean;
}

export interface Simulator {
  /** http://host:port */
  url: string;
  port: number;
  dataDir: string;
  faults: SimFaults;
  /** Forgets queue, history, cache and the prompt counter, drops every connection, listens again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

function stopListening(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startSimulator(opts: SimOptions = {}): Promise<Simulator> {
  const host = opts.host ?? '127.0.0.1';
  // Built first: a bad removeNodes/models option throws before any folder exists. The image list is read later.
  const catalogue = createCatalogue(() => listInputImages(folders), {
    ...(opts.removeNodes ? { removeNodes: opts.removeNodes } : {}),
    ...(opts.models ? { models: opts.models } : {}),
  });
  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = path.resolve(opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'comfy-sim-')));
  const maxUploadSize = opts.maxUploadSize ?? 100 * 1024 * 1024;
  const folders = foldersOf(dataDir);
  await prepareFolders(folders);

    const state: ExecutionState = { clientId: null, lastNodeId: null };
  const serverFeatures = (): { supports_preview_metadata: boolean; max_upload_size: number } => ({
    supports_preview_metadata: true, max_upload_size: maxUploadSize,
  });
  let runtime: Runtime;
  const hub = createHub({
    queueRemaining: () => runtime.queue.remaining(),
    state,
    serverFeatures,
    ...(opts.onSend ? { onSend: opts.onSend } : {}),
    perMessageDeflate: opts.perMessageDeflate ?? true,
  });

  let port = opts.port ?? 0;
  const faults = createFaults({ stepMs: opts.stepMs ?? 5, runMs: opts.runMs ?? null }, {
    dropWebSockets: () => hub.closeAll(true),
    async refuse(on) {
      if (on) {
        hub.closeAll(true);
        await stopListening(server);
      } else {
        await listen(server, port, host);
      }
    },
  });
  const newRuntime = (): Runtime => createRuntime({ hub, state, catalogue, folders, faults });
  runtime = newRuntime();

  const ctx: RouteContext = {
    folders, catalogue, faults, maxUploadSize, serverFeatures,
    get queue() { return runtime.queue; },
    get counter() { return runtime.counter; },
    get interrupt() { return runtime.interrupt; },
    argv: () => ['main.py', '--cpu', '--listen', host, '--port', String(port), '--disable-all-custom-nodes', '--disable-api-nodes'],
  };
  const router = createRouter();
  registerPromptRoutes(router, ctx);
  registerQueueRoutes(router, ctx);
  registerUploadRoutes(router, ctx);
  registerViewRoutes(router, ctx);
  registerInfoRoutes(router, ctx);
  const server = createHttpServer({
    router, faults, maxUploadSize,
    upgradeWebSocket: (req, socket, head) => hub.upgrade(req, socket, head),
    sleep: (ms) => runtime.sleep(ms),
  });
  port = await listen(server, port, host);

  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closed = false;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    dataDir,
    faults,
    async restart() {
      runtime.abort();
      hub.closeAll(true);
      await stopListening(server);
      await runtime.stopped;
      Object.assign(state, { clientId: null, lastNodeId: null });
      resetTemp(folders);
      runtime = newRuntime();
      if (!faults.refuseConnections) await listen(server, port, host);
    },
    async close() {
      if (closed) return;
      closed = true;
      runtime.abort();
      await faults.reset().catch(() => undefined);
      await hub.close();
      await stopListening(server);
      await runtime.stopped;
      rmSync(folders.temp, { recursive: true, force: true });
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
