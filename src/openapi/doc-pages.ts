// The two documentation pages. Ours, not the packages' sample index.html: every URL points at this gateway,
// Swagger UI's online validator badge is off, and ReDoc's fonts are local system fonts (its usual page pulls
// Montserrat and Roboto from Google Fonts), so both render on a machine with no internet.
import type { AssetFolder } from './doc-assets.js';

export interface DocPageOptions {
  title: string;
  /** Where the OpenAPI document is served, e.g. `/api/v1/openapi.json`. */
  specUrl: string;
}

/**
 * Sent with both pages: the browser may load nothing from another origin, whatever a bundle tries. Inline scripts
 * and styles stay allowed (our initializer, ReDoc's styled-components); blob: is ReDoc's search worker.
 */
export const docsContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
].join('; ');

const systemFonts = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'PingFang SC', 'Microsoft YaHei', sans-serif";
const monoFonts = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace";

export function swaggerUiPage(options: DocPageOptions, assets: AssetFolder): string {
  const config = {
    url: options.specUrl,
    dom_id: '#swagger-ui',
    deepLinking: true,
    // Otherwise Swagger UI sends the document to validator.swagger.io for a badge.
    validatorUrl: null,
    tryItOutEnabled: false,
    displayRequestDuration: true,
    layout: 'BaseLayout',
  };
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(options.title)} · Swagger UI</title>
  <link rel="stylesheet" href="${escapeHtml(assets.url('swagger-ui.css'))}">
  <link rel="icon" type="image/png" sizes="32x32" href="${escapeHtml(assets.url('favicon-32x32.png'))}">
  <link rel="icon" type="image/png" sizes="16x16" href="${escapeHtml(assets.url('favicon-16x16.png'))}">
  <style>body { margin: 0; }</style>
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${escapeHtml(assets.url('swagger-ui-bundle.js'))}"></script>
  <script>
    window.ui = SwaggerUIBundle(Object.assign(${scriptJson(config)}, { presets: [SwaggerUIBundle.presets.apis] }));
  </script>
</body>
</html>
`;
}

export function redocPage(options: DocPageOptions, assets: AssetFolder): string {
  const redocOptions = {
    theme: {
      typography: {
        fontFamily: systemFonts,
        headings: { fontFamily: systemFonts },
        code: { fontFamily: monoFonts },
      },
    },
    expandResponses: '200',
    pathInMiddlePanel: true,
  };
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(options.title)} · ReDoc</title>
  <style>body { margin: 0; padding: 0; }</style>
</head>
<body>
  <div id="redoc"></div>
  <script src="${escapeHtml(assets.url('redoc.standalone.js'))}"></script>
  <script>
    Redoc.init(${scriptJson(options.specUrl)}, ${scriptJson(redocOptions)}, document.getElementById('redoc'));
  </script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element: no `</script>` or `<!--` can close it early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
