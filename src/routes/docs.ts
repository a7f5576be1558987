// GET /api/v1/openapi.json, /docs (Swagger UI), /redoc (ReDoc) and their assets. Raw answers, not envelopes;
// access `docs` (public unless auth.protect_docs). Everything a page needs comes from this gateway
// (src/openapi/doc-assets.ts), so docs work offline.
import { createReadStream } from 'node:fs';
import type { Context } from 'koa';
import type { RouteGroup } from '../app.js';
import type { Config } from '../config.js';
import { fail } from '../errors.js';
import { defineRoute } from '../http/define-route.js';
import type { Locale } from '../i18n.js';
import type { RouteSpec } from '../http/define-route.js';
import type { OpenApiInfo } from '../openapi/build-openapi.js';
import { redocAssets, swaggerUiAssets, type AssetFolder } from '../openapi/doc-assets.js';
import { docsContentSecurityPolicy, redocPage, swaggerUiPage } from '../openapi/doc-pages.js';
import { documentedSecurity } from '../openapi/document-security.js';
import { createOpenApiDocument } from '../openapi/openapi-document.js';
import type { ScenarioDocSource } from '../openapi/scenario-source.js';

export const OPENAPI_PATH = '/api/v1/openapi.json';

export interface DocsDeps {
  info: OpenApiInfo;
  /** Every static route's spec; read on the first request, once createApp has mounted all groups. */
  specs: () => readonly RouteSpec[];
  /** The scenario registry; the document is rebuilt when its snapshot version changes. */
  scenarios?: ScenarioDocSource;
  locale?: Locale;
  /** The auth settings: with API keys configured, the document marks the protected operations. */
  auth?: Config['auth'];
}

const assetParams = {
  type: 'object',
  required: ['file'],
  properties: { file: { type: 'string', pattern: '^[\\w.-]+$', description: 'A file name of the page\'s bundle' } },
};

const websocketNote = [
  'Progress and results of a job also arrive on the WebSocket `GET /api/v1/ws/{client_id}` (not listed below:',
  'OpenAPI has no way to describe it). Pass the same `client_id` in a scenario or workflow request to follow it.',
].join(' ');

export function docsRoutes(deps: DocsDeps): RouteGroup {
  const security = deps.auth ? documentedSecurity(deps.auth) : undefined;
  // OpenAPI cannot describe the WebSocket; the introduction points to it so that readers of /docs find it.
  const info = { ...deps.info, description: deps.info.description ?? websocketNote };
  const document = createOpenApiDocument({ ...deps, info, ...(security ? { security } : {}) });
  const swagger = swaggerUiAssets();
  const redoc = redocAssets();
  const pageOptions = { title: deps.info.title, specUrl: OPENAPI_PATH };
  // The pages depend on nothing that changes at run time: rendered once.
  const swaggerHtml = swaggerUiPage(pageOptions, swagger);
  const redocHtml = redocPage(pageOptions, redoc);

  const openapi = defineRoute({
    method: 'get',
    path: OPENAPI_PATH,
    operationId: 'openapiDocument',
    summary: 'This OpenAPI 3.1 document',
    description: 'Follows the scenario registry: a manifest added to scenarios/ shows up here once loaded.',
    tags: ['docs'],
    access: 'docs',
    rawResponse: { contentTypes: ['application/json'], description: 'The OpenAPI document (not an envelope)' },
    handler(ctx) {
      const served = document.current();
      ctx.status = 200;
      ctx.set('Cache-Control', 'no-cache');
      ctx.etag = served.etag;
      if (ctx.fresh) {
        ctx.status = 304;
        return;
      }
      ctx.type = 'application/json; charset=utf-8';
      ctx.body = served.json;
    },
  });

  const page = (path: string, operationId: string, summary: string, html: string) =>
    defineRoute({
      method: 'get',
      path,
      operationId,
      summary,
      tags: ['docs'],
      access: 'docs',
      rawResponse: { contentTypes: ['text/html'], description: 'An HTML page' },
      handler(ctx) {
        ctx.set('Content-Security-Policy', docsContentSecurityPolicy);
        ctx.set('Cache-Control', 'no-cache');
        ctx.type = 'text/html; charset=utf-8';
        ctx.body = html;
      },
    });

  const assets = (folder: AssetFolder, operationId: string, summary: string) =>
    defineRoute<unknown, Record<string, unknown>, { file: string }>({
      method: 'get',
      path: `${folder.prefix}/{file}`,
      operationId,
      summary,
      tags: ['docs'],
      access: 'docs',
      params: assetParams,
      rawResponse: { contentTypes: ['text/javascript', 'text/css', 'image/png'], description: 'A static file' },
      errors: [404],
      handler: (ctx, { params }) => sendAsset(ctx, folder, params.file),
    });

  return {
    name: 'docs',
    routes: [
      openapi,
      page('/docs', 'swaggerUi', 'API reference (Swagger UI)', swaggerHtml),
      page('/redoc', 'redoc', 'API reference (ReDoc)', redocHtml),
      assets(swagger, 'swaggerUiAsset', 'Swagger UI files'),
      assets(redoc, 'redocAsset', 'ReDoc files'),
    ],
  };
}

function sendAsset(ctx: Context, folder: AssetFolder, name: string): void {
  // Only names on the allow-list: a lookup, never a path join of caller input.
  const file = folder.files.get(name);
  if (!file) throw fail.notFound(`${folder.prefix}/${name}`);
  ctx.status = 200;
  ctx.type = file.contentType;
  ctx.length = file.size;
  // Asset URLs carry the package version (?v=…), so a year-long cache is safe across upgrades.
  ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.body = createReadStream(file.absolutePath);
}
