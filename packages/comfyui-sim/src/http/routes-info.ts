// Read-only information routes: /object_info, /object_info/{class}, /system_stats, /features,
// /embeddings, /models, /models/{folder}, the index page, and /ws asked for without an upgrade.
import { freemem, totalmem } from 'node:os';
import { pyJson } from '../py-json.js';
import type { RouteContext } from './context.js';
import { sendEmpty, sendJson, sendRawJson, sendText } from './respond.js';
import type { Router } from './router.js';

const MODEL_FOLDERS = [
  'checkpoints', 'configs', 'loras', 'vae', 'text_encoders', 'diffusion_models', 'clip_vision', 'style_models', 'embeddings',
  'diffusers', 'vae_approx', 'controlnet', 'gligen', 'upscale_models', 'custom_nodes', 'hypernetworks', 'photomaker',
  'classifiers', 'model_patches', 'audio_encoders',
];

const INDEX_HTML = '<!doctype html><title>ComfyUI (simulator)</title><p>ComfyUI API simulator - no frontend.</p>\n';

export function registerInfoRoutes(router: Router, ctx: RouteContext): void {
  router.add('GET', '/object_info', (_req, res) => {
    const parts = ctx.catalogue.classNames().map((name) => `${pyJson(name)}: ${ctx.catalogue.rawInfo(name) ?? '{}'}`);
    sendRawJson(res, 200, `{${parts.join(', ')}}`);
  });

  router.add('GET', '/object_info/{node_class}', (req, res) => {
    const name = req.params.node_class ?? '';
    const raw = ctx.catalogue.rawInfo(name);
    sendRawJson(res, 200, raw === undefined ? '{}' : `{${pyJson(name)}: ${raw}}`);
  });

  router.add('GET', '/system_stats', (_req, res) => {
    const total = totalmem();
    const free = freemem();
    sendJson(res, 200, {
      system: {
        os: 'posix', ram_total: total, ram_free: free, comfyui_version: '0.3.64', required_frontend_version: '1.27.10',
        installed_templates_version: null, required_templates_version: '0.1.95',
        python_version: '3.11.2 (main, Apr 28 2025, 14:11:48) [GCC 12.2.0]', pytorch_version: '1.13.0a0',
        embedded_python: false, argv: ctx.argv(),
      },
      devices: [{ name: 'cpu', type: 'cpu', index: null, vram_total: total, vram_free: free, torch_vram_total: total, torch_vram_free: free }],
    });
  });

  router.add('GET', '/features', (_req, res) => sendJson(res, 200, ctx.serverFeatures()));
  router.add('GET', '/embeddings', (_req, res) => sendJson(res, 200, []));
  router.add('GET', '/models', (_req, res) => sendJson(res, 200, MODEL_FOLDERS));
  router.add('GET', '/models/{folder}', (req, res) => {
    const folder = req.params.folder ?? '';
    if (!MODEL_FOLDERS.includes(folder)) {
      sendEmpty(res, 404);
      return;
    }
    const ckpt = ctx.catalogue.info('CheckpointLoaderSimple')?.input.required?.ckpt_name?.[0];
    sendJson(res, 200, folder === 'checkpoints' && Array.isArray(ckpt) ? ckpt : []);
  });

  // A plain GET of /ws (no Upgrade header) fails in aiohttp's WebSocketResponse.prepare().
  router.add('GET', '/ws', (req, res) => {
    sendText(res, 400, `No WebSocket UPGRADE hdr: ${req.raw.headers.upgrade ?? 'None'}\n Can "Upgrade" only to "WebSocket".`);
  });

  router.add('GET', '/', (_req, res) => {
    const body = Buffer.from(INDEX_HTML);
    res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': body.length, 'Cache-Control': 'no-cache', Pragma: 'no-cache', Expires: '0' });
    res.end(body);
  }, false);
}
