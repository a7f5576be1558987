// The served document: built once per registry snapshot and kept as its JSON text and ETag, so a request costs a
// version comparison, never a rebuild. A new snapshot builds a new document beside the old one, then swaps.
import { createHash } from 'node:crypto';
import type { RouteSpec } from '../http/define-route.js';
import type { Locale } from '../i18n.js';
import { buildOpenApi, type BuildOpenApiInput, type OpenApiInfo } from './build-openapi.js';
import type { ScenarioDocSource } from './scenario-source.js';

export interface ServedDocument {
  /** The registry snapshot version it was built from (-1 without a registry). */
  version: number;
  json: string;
  etag: string;
}

export interface OpenApiDocumentDeps {
  info: OpenApiInfo;
  /** Read lazily: the static routes are only all known once createApp has mounted every group. */
  specs: () => readonly RouteSpec[];
  scenarios?: ScenarioDocSource;
  locale?: Locale;
  /** Given when API keys are required: which paths stay open (see buildOpenApi). */
  security?: BuildOpenApiInput['security'];
}

export interface OpenApiDocument {
  current(): ServedDocument;
}

export function createOpenApiDocument(deps: OpenApiDocumentDeps): OpenApiDocument {
  let cached: ServedDocument | undefined;
  return {
    current() {
      const snapshot = deps.scenarios?.current();
      const version = snapshot?.version ?? -1;
      if (cached?.version === version) return cached;
      const doc = buildOpenApi({
        info: deps.info,
        specs: deps.specs(),
        scenarios: snapshot?.scenarios ?? [],
        ...(deps.locale ? { locale: deps.locale } : {}),
        ...(deps.security ? { security: deps.security } : {}),
      });
      const json = JSON.stringify(doc);
      const etag = `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"`;
      cached = { version, json, etag };
      return cached;
    },
  };
}
