// The one place that turns an image reference into a link a caller can open: the images/url route and job
// outputs both use it, so every link the gateway hands out has the same shape.
import type { IncomingMessage } from 'node:http';
import type { ImageType } from '../comfy/types.js';

export interface ImageLocation {
  filename: string;
  subfolder?: string;
  type?: ImageType;
  /** A mirrored job's output: the download route serves the gateway's copy of that prompt (src/jobs/mirror.ts). */
  promptId?: string;
  /** The backend of the pool that wrote the file (its name travels in the link when the pool has several). */
  backend?: string | undefined;
}

export interface ImageUrlSettings {
  /** `gateway`: through GET /api/v1/images/download; `comfyui`: ComfyUI's own /view URL. */
  mode: 'gateway' | 'comfyui';
  /** config.server.public_url; empty: the origin the caller used. */
  publicUrl: string;
  /** config.comfyui.url */
  comfyuiUrl: string;
  /** A pool backend's URL by name (links in `comfyui` mode point at the server that wrote the file). */
  backendUrl?: (name: string) => string | undefined;
  /** Whether links name their backend: only when the pool has several, so a pool of one keeps its links. */
  nameBackends?: () => boolean;
}

export const DOWNLOAD_PATH = '/api/v1/images/download';

/** An absolute URL for the image. `requestOrigin` (see requestOrigin below) is used when no public_url is configured. */
export function buildImageUrl(image: ImageLocation, settings: ImageUrlSettings, requestOrigin: string): string {
  const subfolder = encodeURIComponent(image.subfolder ?? '');
  const filename = encodeURIComponent(image.filename);
  const type = encodeURIComponent(image.type ?? 'output');
  if (settings.mode === 'comfyui') {
    const server = (image.backend !== undefined ? settings.backendUrl?.(image.backend) : undefined) ?? settings.comfyuiUrl;
    return `${trimSlash(server)}/view?filename=${filename}&subfolder=${subfolder}&type=${type}`;
  }
  const base = trimSlash(settings.publicUrl || requestOrigin);
  const prompt = image.promptId ? `&prompt_id=${encodeURIComponent(image.promptId)}` : '';
  const backend =
    image.backend !== undefined && settings.nameBackends?.() === true ? `&backend=${encodeURIComponent(image.backend)}` : '';
  return `${base}${DOWNLOAD_PATH}?filename=${filename}&subfolder=${subfolder}&img_type=${type}${prompt}${backend}`;
}

/** A DNS name (labels of letters, digits, `-`, `_`) or a bracketed IPv6 literal, then an optional port. */
const validHost = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * The scheme and host the caller reached us by, for links when no public_url is set (the gateway does not trust
 * X-Forwarded-*: set public_url). The Host header is the caller's to write, so it is used only
 * when it is a plain host[:port]; anything else (quotes, markup, paths, userinfo) falls back to the address the
 * connection arrived on, so a hostile header never ends up inside a link.
 */
export function requestOrigin(req: IncomingMessage): string {
  const scheme = (req.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http';
  const host = req.headers.host;
  if (typeof host === 'string' && host.length <= 260 && validHost.test(host)) return `${scheme}://${host}`;
  const address = req.socket.localAddress ?? '127.0.0.1';
  const bare = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
  const shown = bare.includes(':') ? `[${bare}]` : bare;
  return `${scheme}://${shown}${req.socket.localPort ? `:${req.socket.localPort}` : ''}`;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** An absolute URL for one output image, given the base URL the caller reaches the gateway under. */
export type ImageUrlBuilder = (image: ImageLocation, baseUrl: string) => string;

/** buildImageUrl bound to the configured mode and public URL. */
export function createImageUrlBuilder(settings: ImageUrlSettings): ImageUrlBuilder {
  return (image, baseUrl) => buildImageUrl(image, settings, baseUrl);
}
