// Reads a multipart/form-data body: text fields into ctx.request.body, file parts streamed to a staging folder
// (never held in memory) and listed on ctx.request.files. Each file this request stages is tracked by the request
// itself, so that `release()` removes all of them — finished, half-written after a refused part, or moved away by a
// handler — when the request ends, whatever its outcome. Parser errors become answers that say what to fix.
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Writable } from 'node:stream';
import type { Context, Middleware } from 'koa';
import { fail } from '../errors.js';
import { message as say } from '../i18n.js';
import { formatBytes } from './format-bytes.js';
import { contentEncoding } from './read-json-body.js';

export interface FormLimits {
  uploadDir: string;
  /** One file part (limits.upload_bytes). */
  maxFileBytes: number;
  /** File parts in one form. */
  maxFiles: number;
  /** All text fields together. */
  maxFieldsBytes?: number;
  /** Text fields in one form. */
  maxFields?: number;
}

/** Removes every file the request staged; safe to call more than once. */
export type Release = () => Promise<void>;

// formidable's error codes (FormidableError.js): limits and framing.
const MAX_FIELDS_SIZE = 1006;
const MAX_FIELDS = 1007;
const TOTAL_FILE_SIZE = 1009;
const MALFORMED = 1012;
const NO_BOUNDARY = 1013;
const TRANSFER_ENCODING = 1014;
const MAX_FILES = 1015;
const FILE_SIZE = 1016;

/** Parses the form; on failure its staged files are already gone. Call the returned release when the request ends. */
export async function readForm(ctx: Context, limits: FormLimits): Promise<Release> {
  const encoding = contentEncoding(ctx.req);
  if (encoding !== 'identity') {
    throw fail.unsupportedEncoding(say('form.encoding', { encoding }));
  }
  const staging = stagingTracker();
  // koa-body (with formidable and its zod option checks, ~10 MiB) is imported by the first form, not at start-up.
  const { koaBody } = await import('koa-body');
  const parse = koaBody({
    multipart: true,
    json: false,
    urlencoded: false,
    text: false,
    formidable: {
      uploadDir: limits.uploadDir,
      maxFileSize: limits.maxFileBytes,
      maxFiles: limits.maxFiles,
      maxTotalFileSize: limits.maxFileBytes * limits.maxFiles,
      ...(limits.maxFieldsBytes !== undefined ? { maxFieldsSize: limits.maxFieldsBytes } : {}),
      ...(limits.maxFields !== undefined ? { maxFields: limits.maxFields } : {}),
      keepExtensions: false,
      fileWriteStreamHandler: staging.open,
    },
  }) as Middleware;
  try {
    await parse(ctx, async () => undefined);
  } catch (error) {
    await staging.release();
    throw formError(error, limits);
  }
  return staging.release;
}

function stagingTracker(): { open: (file?: object) => Writable; release: Release } {
  const streams: { path: string; stream: WriteStream }[] = [];
  let released = false;
  return {
    open(file) {
      // formidable hands over the part's file, named inside uploadDir (its typings leave the path out).
      const filepath = (file as { filepath?: unknown } | undefined)?.filepath;
      // A part the parser still starts after the request was refused goes nowhere, not onto the disk.
      if (released || typeof filepath !== 'string') return new Writable({ write: (_chunk, _encoding, done) => done() });
      const stream = createWriteStream(filepath);
      streams.push({ path: filepath, stream });
      return stream;
    },
    async release() {
      released = true;
      const pending = streams.splice(0);
      await Promise.all(
        pending.map(async ({ path, stream }) => {
          // Wait for the file to be closed first: removing it while its open is pending would let it reappear.
          if (!stream.closed) {
            await new Promise<void>((resolve) => {
              stream.once('close', () => resolve());
              stream.destroy();
            });
          }
          await rm(path, { force: true }).catch(() => undefined);
        }),
      );
    },
  };
}

/** formidable speaks in its own codes and English sentences about its options; say which limit, or what is broken. */
function formError(error: unknown, limits: FormLimits): unknown {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  switch (code) {
    case MAX_FILES:
      return fail.formLimit(
        limits.maxFiles === 1 ? say('form.one_file') : say('form.max_files', { max: limits.maxFiles }),
        400,
      );
    case MAX_FIELDS:
      return fail.formLimit(say('form.max_fields', { max: limits.maxFields ?? 1000 }), 400);
    case FILE_SIZE:
      return fail.formLimit(say('form.file_size', { limit: formatBytes(limits.maxFileBytes) }), 413);
    case TOTAL_FILE_SIZE:
      return fail.formLimit(
        say('form.total_size', { limit: formatBytes(limits.maxFileBytes * limits.maxFiles), max: limits.maxFiles }),
        413,
      );
    case MAX_FIELDS_SIZE:
      return fail.formLimit(say('form.fields_size', { limit: formatBytes(limits.maxFieldsBytes ?? 20 * 1024 * 1024) }), 413);
    case MALFORMED:
    case NO_BOUNDARY:
    case TRANSFER_ENCODING:
      return fail.badForm(text);
    default:
      // The part parser's own errors ("MultipartParser.end(): stream ended unexpectedly", bad part headers).
      if (/multipart|boundary|parser/i.test(text)) return fail.badForm(text);
      return error;
  }
}
