// One image value from a caller, in any of its forms, → the file name ComfyUI's LoadImage reads. Recognised in
// this order: a data URL, long bare base64, an http(s) URL (fetched by the gateway), else a file name already in
// ComfyUI's input folder. Bytes of the first three go through the one upload pipeline (accept-upload.ts): sniffed,
// pixel-checked, kept in the gateway's input store under their content address (`<sha256>.<ext>`), and delivered.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import { fail } from '../errors.js';
import { translate, type Locale } from '../i18n.js';
import { createUploader, type StagedFile, type Uploader } from './accept-upload.js';
import { decodeInlineImage } from './decode-data-url.js';
import { createRemoteFetcher, type FetchContext, type RemoteFetcher } from './fetch-remote-image.js';
import { findPathProblem } from './image-ref.js';
import type { InputStore } from './input-store.js';
import { createUrlPolicy } from './url-policy.js';

export type ImageValue =
  | { kind: 'bytes'; bytes: Buffer; form: 'data-url' | 'base64' }
  | { kind: 'url'; url: string }
  | { kind: 'file'; name: string };

export interface ImageInputs {
  /** The name to put into the workflow: the content name of given bytes, or the checked file name as given. */
  resolve(value: string, context: FetchContext): Promise<string>;
  /** A file the multipart parser already streamed into `stagingDir`. */
  uploadStaged(file: StagedFile, context: FetchContext): Promise<string>;
  /** Where multipart parts for image fields are staged (the pipeline empties it of leftovers). */
  readonly stagingDir: string;
}

export interface ImageInputsOptions {
  uploader: Uploader;
  stagingDir: string;
  /** undefined: fetching by URL is turned off (images.fetch.enabled: false). */
  fetchRemote: RemoteFetcher | undefined;
  /** Decoded inline bytes larger than this are refused like an oversized upload (limits.upload_bytes). */
  maxBytes: number;
}

/** Which form a value is in. Pure: decodes inline bytes but makes no I/O. */
export function classifyImageValue(value: string, locale: Locale, field: string): ImageValue {
  const inline = decodeInlineImage(value);
  if (inline?.kind === 'bad-data-url') throw fail.badRequest(translate(locale, 'reason.image_input_data_url', { field }));
  if (inline) return { kind: 'bytes', bytes: inline.bytes, form: inline.kind };
  if (/^https?:\/\//i.test(value)) return { kind: 'url', url: value };
  // LoadImage reads `sub/name.png` from a subfolder of input/: the folder part is checked as a subfolder.
  const slash = value.lastIndexOf('/');
  const problem = findPathProblem(value.slice(slash + 1), slash >= 0 ? value.slice(0, slash) : '');
  if (problem || value.length > 255 || /^[a-z][\w+.-]*:\/\//i.test(value)) {
    const reason = problem ? translate(locale, problem.key, problem.params) : undefined;
    throw fail.badRequest(
      reason
        ? translate(locale, 'reason.image_input_in', { field, reason })
        : translate(locale, 'reason.image_input_kind', { field }),
    );
  }
  return { kind: 'file', name: value };
}

export function createImageInputs(options: ImageInputsOptions): ImageInputs {
  const { uploader, stagingDir } = options;

  async function uploadBytes(bytes: Buffer, context: FetchContext): Promise<string> {
    if (bytes.length > options.maxBytes) throw fail.tooLarge(translate(context.locale, 'reason.inline_too_large', { limit: options.maxBytes, field: context.field }));
    const filepath = path.join(stagingDir, randomUUID());
    await writeFile(filepath, bytes, { flag: 'wx' });
    return uploadStaged({ filepath, originalFilename: null, size: bytes.length }, context);
  }

  async function uploadStaged(file: StagedFile, context: FetchContext): Promise<string> {
    // Named by content: the same image sent twice is one file under one name, on every backend, and a name
    // never changes content under a prompt that is still waiting to read it.
    const result = await uploader(file, { by: 'content' }, context.locale);
    return result.name;
  }

  return {
    stagingDir,
    uploadStaged,
    async resolve(value, context) {
      const kind = classifyImageValue(value, context.locale, context.field);
      if (kind.kind === 'file') return kind.name;
      if (kind.kind === 'bytes') return uploadBytes(kind.bytes, context);
      if (!options.fetchRemote) {
        throw fail.badRequest(translate(context.locale, 'reason.fetch_disabled', { field: context.field }));
      }
      const fetched = await options.fetchRemote(kind.url, path.join(stagingDir, randomUUID()), context);
      return uploadStaged(fetched, context);
    },
  };
}

/**
 * The composition for server.ts: its own staging folder beside the images route's, the same store. `deliver` sends
 * a kept image on at once (the single ComfyUI); without it, images wait in the store for the prompt's dispatch.
 */
export async function createImageInputsFromConfig(
  config: Config,
  store: InputStore,
  deliver: (name: string) => Promise<void> = async () => undefined,
): Promise<ImageInputs> {
  const stagingDir = path.join(config.folders.input, '.resolving');
  const uploader = await createUploader({ store, stagingDir, deliver });
  const settings = config.images.fetch;
  let policy;
  try {
    policy = createUrlPolicy({ allowHosts: settings.allow_hosts, allowCidrs: settings.allow_cidrs });
  } catch (error) {
    throw new Error(`images.fetch.allow_cidrs: ${error instanceof Error ? error.message : String(error)}`);
  }
  const fetchRemote = settings.enabled
    ? createRemoteFetcher({
        policy,
        maxBytes: settings.max_bytes,
        timeoutMs: settings.timeout_ms,
        maxRedirects: settings.max_redirects,
      })
    : undefined;
  return createImageInputs({ uploader, stagingDir, fetchRemote, maxBytes: config.limits.upload_bytes });
}
