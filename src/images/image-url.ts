// The one place that turns an image reference into a link a caller can open: the images/url route and job
// outputs both use it, so every link the gateway hands out has the same shape.
import type { Context } from 'koa';
import type { ImageType } from '../comfy/types.js';

export interface ImageLocation {
  filename: string;
  subfolder?: string;
  type?: ImageType;
  /** A mirrored job's output: the download route serves the gateway's copy of that prompt (src/jobs/mirror.ts). */
  promptId?: string;
}

export interface ImageUrlSettings {
  /** `gateway`: through GET /api/v1/images/download; `comfyui`: ComfyUI's own /view URL. */
  mode: 'gateway' | 'comfyui';
  /** config.server.public_url; empty: the origin the caller used. */
  publicUrl: string;
  /** config.comfyui.url */
  comfyuiUrl: string;
}

export const DOWNLOAD_PATH = '/api/v1/images/download';

/** An absolute URL for the image. `requestOrigin` (see originOf) is used when no public_url is configured. */
export function buildImageUrl(image: ImageLocation, settings: ImageUrlSettings, requestOrigin: string): string {
  const subfolder = encodeURIComponent(image.subfolder ?? '');
  const filename = encodeURIComponent(image.filename);
  const type = encodeURIComponent(image.type ?? 'output');
  if (settings.mode === 'comfyui') {
    return `${trimSlash(settings.comfyuiUrl)}/view?filename=${filename}&subfolder=${subfolder}&type=${type}`;
  }
  const base = trimSlash(settings.publicUrl || requestOrigin);
  const prompt = image.promptId ? `&prompt_id=${encodeURIComponent(image.promptId)}` : '';
  return `${base}${DOWNLOAD_PATH}?filename=${filename}&subfolder=${subfolder}&img_type=${type}${prompt}`;
}

/** The scheme and host the caller reached us by (the gateway does not trust X-Forwarded-*: set public_url). */
export function originOf(ctx: Context): string {
  return `${ctx.protocol}://${ctx.host || 'localhost'}`;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
