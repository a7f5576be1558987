// The operator console (ui/, built to static files): GET /ui and the console's own pages below it, which all answer
// the same page (the console routes in the browser), its hashed assets, and GET /api/v1/whoami, which tells the
// console what the key it holds may see. The page and its files are public, like /docs: they hold no data, and
// every number the console shows comes from the keyed API routes with the key the user typed in.
import type { Context } from 'koa';
import type { RouteGroup } from '../app.js';
import { fail } from '../errors.js';
import { defineRoute } from '../http/define-route.js';
import { ok, stateOf } from '../http/envelope.js';
import type { UiFile, UiFiles } from '../console/ui-files.js';

export interface ConsoleDeps {
  files: UiFiles;
  /** Whether API keys are configured (a key is asked for) or the gateway is single-tenant. */
  authOn: boolean;
}

// Inline styles stay out; images may come from ComfyUI itself (images.url_mode: comfyui) or a pasted URL.
const contentSecurityPolicy =
  "default-src 'self'; img-src 'self' data: blob: http: https:; media-src 'self' blob: http: https:; " +
  "style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

const pageParams = (names: string[]) => ({
  type: 'object',
  required: names,
  properties: Object.fromEntries(names.map((name) => [name, { type: 'string', maxLength: 300 }])),
});

export function consoleRoutes(deps: ConsoleDeps): RouteGroup {
  const page = (path: string, operationId: string, params: string[]) =>
    defineRoute({
      method: 'get',
      path,
      operationId,
      summary: params.length ? 'A page of the operator console (the console routes it in the browser)' : 'The operator console',
      tags: ['console'],
      access: 'public',
      ...(params.length ? { params: pageParams(params) } : {}),
      rawResponse: { contentTypes: ['text/html'], description: 'The console page' },
      handler(ctx) {
        if (!deps.files.index) return notBuilt(ctx, deps.files.dir);
        ctx.set('Content-Security-Policy', contentSecurityPolicy);
        send(ctx, deps.files.index, 'no-cache');
      },
    });

  const asset = defineRoute<unknown, Record<string, unknown>, { file: string }>({
    method: 'get',
    path: '/ui/assets/{file}',
    operationId: 'consoleAsset',
    summary: 'The operator console\'s files (named by content hash)',
    tags: ['console'],
    access: 'public',
    params: { type: 'object', required: ['file'], properties: { file: { type: 'string', pattern: '^[\\w.-]+$' } } },
    rawResponse: { contentTypes: ['text/javascript', 'text/css'], description: 'A static file' },
    errors: [404],
    handler(ctx, { params }) {
      // A lookup in the files read at start, never a path built from the request.
      const file = deps.files.assets.get(params.file);
      if (!file) throw fail.notFound(`/ui/assets/${params.file}`);
      send(ctx, file, 'public, max-age=31536000, immutable');
    },
  });

  const whoami = defineRoute({
    method: 'get',
    path: '/api/v1/whoami',
    operationId: 'whoami',
    summary: 'What the key in use may see and do',
    description:
      '`auth: false` on a gateway without API keys (everything is visible to everyone). Otherwise the key\'s name, ' +
      'whether it is an admin key (sees every caller\'s jobs, may drain backends), and the scenarios it may run ' +
      '(null: all). A wrong or missing key answers 401 like every keyed route.',
    tags: ['console'],
    response: {
      type: 'object',
      required: ['auth', 'caller', 'admin', 'scenarios'],
      properties: {
        auth: { type: 'boolean', description: 'Whether API keys are configured' },
        caller: { type: ['string', 'null'], description: 'The key\'s name; null with auth off' },
        admin: { type: 'boolean', description: 'Sees and manages every caller\'s jobs' },
        scenarios: { type: ['array', 'null'], items: { type: 'string' }, description: 'The scenarios it may run; null: all' },
      },
    },
    errors: [401],
    handler(ctx) {
      const caller = stateOf(ctx).caller;
      ok(ctx, {
        auth: deps.authOn,
        caller: caller?.id ?? null,
        // Without keys every request may do everything.
        admin: caller ? caller.admin : !deps.authOn,
        scenarios: caller?.scenarios ? [...caller.scenarios] : null,
      });
    },
  });

  return {
    name: 'console',
    routes: [
      asset,
      page('/ui', 'consolePage', []),
      page('/ui/{page}', 'consoleSection', ['page']),
      page('/ui/{page}/{item}', 'consoleItem', ['page', 'item']),
      whoami,
    ],
  };
}

function send(ctx: Context, file: UiFile, cacheControl: string): void {
  ctx.status = 200;
  ctx.set('Cache-Control', cacheControl);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.vary('Accept-Encoding');
  ctx.etag = file.etag;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.type = file.contentType;
  if (file.gzip && ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
    ctx.set('Content-Encoding', 'gzip');
    ctx.body = file.gzip;
  } else {
    ctx.body = file.body;
  }
}

function notBuilt(ctx: Context, dir: string): void {
  ctx.status = 503;
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'text/plain; charset=utf-8';
  ctx.body = `The console is not built (nothing in ${dir}). Run: npm run build:ui\n`;
}
