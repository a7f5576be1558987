// Images: upload into the gateway's input store and on to ComfyUI's input folder (checked by content), stream one back from
// ComfyUI's /view (or from the gateway's copy of a mirrored job), or hand out a link to it.
import path from 'node:path';
import type { Context } from 'koa';
import type { RouteGroup } from '../app.js';
import type { ComfyClient } from '../comfy/client.js';
import type { Config } from '../config.js';
import { fail, isGatewayError } from '../errors.js';
import { defineRoute } from '../http/define-route.js';
import { ok, stateOf } from '../http/envelope.js';
import { originOf } from '../http/origin.js';
import { message } from '../i18n.js';
import { createUploader, type StagedFile } from '../images/accept-upload.js';
import type { InputStore } from '../images/input-store.js';
import { buildImageUrl, type ImageUrlSettings } from '../images/image-url.js';
import { openMirrored } from '../jobs/mirror.js';
import type { Converter } from '../outputs/convert.js';
import type { JobRecord } from '../jobs/tracker.js';
import { maySee } from '../security/caller.js';
import { checkRef, conversionOf, downloadQuery, imageQuery, type DownloadQuery, type ImageQuery } from './image-queries.js';
import { sendConverted, sendFile } from './send-download.js';

export interface ImageRouteDeps {
  config: Config;
  comfy: ComfyClient;
  /** Where uploads are kept (folders.input). */
  store: InputStore;
  /** Sends an upload on at once (the single ComfyUI); without it, it waits in the store for a prompt's dispatch. */
  deliver?: (name: string) => Promise<void>;
  /** The job a download's `prompt_id` names (remembered, or rebuilt from ComfyUI), to check whose it is. */
  findJob: (promptId: string) => Promise<JobRecord | undefined>;
  /** `?format=`: image outputs converted while they stream (src/outputs/convert.ts). */
  converter: Converter;
}

/** Async because it prepares the input and staging folders once, at start-up. */
export async function imageRoutes(deps: ImageRouteDeps): Promise<RouteGroup> {
  const { config, comfy } = deps;
  const stagingDir = path.join(config.folders.input, '.uploading');
  const accept = await createUploader({
    store: deps.store,
    stagingDir,
    deliver: deps.deliver ?? (async () => undefined),
  });
  const urlSettings: ImageUrlSettings = {
    mode: config.images.url_mode,
    publicUrl: config.server.public_url,
    comfyuiUrl: config.comfyui.url,
  };

  const upload = defineRoute<{ file: string; overwrite: boolean }>({
    method: 'post',
    path: '/api/v1/images/upload',
    operationId: 'uploadImage',
    summary: 'Upload an image into ComfyUI\'s input folder',
    description:
      'multipart/form-data with the image in `file`. The content must be png, jpeg, webp, gif, bmp or tiff ' +
      '(judged by its bytes, not its name or claimed type), at most `limits.upload_bytes` bytes (413 otherwise) ' +
      'and `limits.image_pixels` pixels. The name is made safe (directories and unsafe characters removed, the ' +
      'extension matched to the content). The gateway keeps the image in its input folder and sends it to ComfyUI. ' +
      '`name` is the name it is kept under: with `overwrite=false` a clash with different content is renamed ' +
      '(`cat (1).png`); the same content under the same name is kept once and sent once. Use `name` in workflows ' +
      'and scenarios.',
    tags: ['images'],
    bodyType: 'multipart',
    body: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary', description: 'The image file' },
        overwrite: {
          type: 'boolean',
          default: true,
          description: 'Replace an image of the same name and other content (false: keep it, take `name (1).ext`)',
        },
      },
    },
    response: {
      type: 'object',
      required: ['filename', 'name', 'local_path'],
      properties: {
        filename: { type: 'string', description: 'The safe name made from the uploaded file\'s name', example: 'image.png' },
        name: { type: 'string', description: 'The name it is stored under: use it in workflows', example: 'image.png' },
        local_path: { type: 'string', description: 'The gateway\'s own copy', example: '/srv/gateway/input/image.png' },
      },
    },
    errors: [400, 413, 1001, 1003],
    async handler(ctx, { body }) {
      const file = stagedFile(ctx);
      if (!file) throw fail.badRequest(message('reason.upload_missing_file'));
      const stored = await accept(file, { by: 'caller', overwrite: body.overwrite }, stateOf(ctx).locale);
      ok(ctx, { filename: stored.filename, name: stored.name, local_path: stored.local_path }, 'image.uploaded');
    },
  });

  const download = defineRoute<unknown, DownloadQuery>({
    method: 'get',
    path: '/api/v1/images/download',
    operationId: 'downloadImage',
    summary: 'Download an image from ComfyUI',
    description:
      'Streams the file from ComfyUI\'s /view. `filename` is a bare name; a directory goes into `subfolder`. ' +
      'Paths that try to leave the folder ("..", absolute paths, backslashes, NUL, encoded separators) are refused. ' +
      'With `prompt_id` (in the output links of a mirrored job), the gateway\'s own copy of that job\'s result is ' +
      'served first, so the link keeps working after ComfyUI\'s output folder is cleaned. A `prompt_id` of another ' +
      'caller\'s job (or an unknown one) answers 404 to a caller\'s key. With `img_type=input`, an image the gateway ' +
      'keeps (uploaded, or given to a job) is served from its own input folder.',
    tags: ['images'],
    query: downloadQuery,
    rawResponse: { contentTypes: ['image/png', 'image/jpeg', 'image/webp', 'application/octet-stream'], description: 'The file' },
    errors: [400, 404, 1001],
    async handler(ctx, { query }) {
      checkRef(query);
      const spec = conversionOf(query);
      const caller = stateOf(ctx).caller;
      if (query.prompt_id !== undefined && caller !== undefined && !caller.admin) {
        // A file of another caller's job (or of an unknown id) is not there, as far as this caller can tell.
        const job = await deps.findJob(query.prompt_id);
        if (!job || !maySee(caller, job.owner)) throw fail.notFound(message('what.image', { name: query.filename }));
      }
      const file = { filename: query.filename, subfolder: query.subfolder, type: query.img_type, backend: query.backend };
      // The copy first: it is this job's own result, while ComfyUI's file of that name may since have been
      // cleaned, or replaced by another job's once its file counter started again.
      // An input image the gateway keeps is its own to serve: whichever ComfyUI has (or lost) a copy.
      const copy = query.prompt_id && query.img_type === 'output'
        ? await openMirrored(config.folders.output, query.prompt_id, file)
        : query.img_type === 'input' && query.subfolder === ''
          ? await deps.store.open(query.filename)
          : undefined;
      if (copy && spec) {
        sendConverted(ctx, deps.converter, copy.stream, query.filename, spec);
        return;
      }
      if (copy) {
        // No upstream type to trust: the extension decides, through the same filter.
        ctx.attachment(path.basename(query.filename), { type: 'inline' });
        sendFile(ctx, ctx.response.type, copy.stream, copy.size);
        return;
      }
      let view;
      try {
        view = await comfy.view(file);
      } catch (error) {
        // The client names the file in English; say it in the caller's language.
        if (isGatewayError(error) && error.code === 404) {
          throw fail.notFound(message('what.image', { name: query.filename }));
        }
        throw error;
      }
      if (spec) {
        sendConverted(ctx, deps.converter, view.body, query.filename, spec);
        return;
      }
      ctx.attachment(path.basename(query.filename), { type: 'inline' });
      const length = view.contentLength !== undefined && /^\d+$/.test(view.contentLength) ? Number(view.contentLength) : undefined;
      sendFile(ctx, view.contentType, view.body, length);
    },
  });

  const url = defineRoute<unknown, ImageQuery>({
    method: 'get',
    path: '/api/v1/images/url',
    operationId: 'getImageUrl',
    summary: 'A link to an image',
    description:
      'By default a link to this gateway\'s download route (based on `server.public_url`, or the host you ' +
      'called); with `images.url_mode: comfyui`, ComfyUI\'s own /view URL. Does not check that the file exists.',
    tags: ['images'],
    query: imageQuery,
    response: {
      type: 'object',
      required: ['url', 'filename'],
      properties: {
        url: {
          type: 'string',
          format: 'uri',
          example: 'http://localhost:8000/api/v1/images/download?filename=result.png&subfolder=&img_type=output',
        },
        filename: { type: 'string', example: 'result.png' },
      },
    },
    errors: [400],
    handler(ctx, { query }) {
      checkRef(query);
      const link = buildImageUrl(
        { filename: query.filename, subfolder: query.subfolder, type: query.img_type },
        urlSettings,
        originOf(ctx),
      );
      ok(ctx, { url: link, filename: query.filename }, 'image.url');
    },
  });

  return {
    name: 'images',
    routes: [upload, download, url],
    multipart: { maxFileSizeBytes: config.limits.upload_bytes, uploadDir: stagingDir },
  };
}

/** The file formidable streamed to the staging folder, if the caller sent one in `file`. */
function stagedFile(ctx: Context): StagedFile | undefined {
  const entry = ctx.request.files?.file;
  const file = Array.isArray(entry) ? entry[0] : entry;
  if (!file) return undefined;
  return { filepath: file.filepath, originalFilename: file.originalFilename, size: file.size };
}
