// The one shape of an output wherever a caller meets it (job document, `?wait=true` answer, SSE, webhook, the
// WebSocket relay): `{kind, mime, size, node, url}` for a file, `{kind: 'text', node, text}` for a text. A file
// keeps ComfyUI's `filename`, `subfolder` and `type` beside them, the fields callers read before kinds existed.
import { kindOf, mimeOf, OUTPUT_KINDS, readNodeOutput, type OutputKind } from './classify.js';
import { convertQueryString, MIME_OF_FORMAT, type ConvertSpec } from './convert-options.js';
import { DOWNLOAD_PATH } from '../images/image-url.js';

export interface FileOutput {
  kind: Exclude<OutputKind, 'text'>;
  mime: string;
  /** Bytes, once the gateway has read the file (its mirrored copy, an inlined answer); null until then. */
  size: number | null;
  node: string;
  url: string;
  filename: string;
  subfolder: string;
  type: string;
  /** Only for a converted output: the file as ComfyUI wrote it. */
  original_url?: string;
  /** Only with `?output=base64`. */
  base64?: string;
  /** Set when the file was not inlined (the size limit, or ComfyUI could not serve it). */
  base64_omitted?: string;
  /** Only for a job that delivers its outputs (`?deliver=`): where this file stands with each sink. */
  deliveries?: FileDelivery[];
}

/** One sink's delivery of one file (src/outputs/delivery.ts), as the job document shows it. */
export interface FileDelivery {
  sink: string;
  status: 'pending' | 'delivered' | 'failed';
  /** The object key; null only before the job's deliveries have started. */
  key: string | null;
  url: string | null;
  expires_at: string | null;
  attempts: number;
  last_error: string | null;
  delivered_at: string | null;
}

export interface TextOutput {
  kind: 'text';
  node: string;
  text: string;
}

export type TypedOutput = FileOutput | TextOutput;

/**
 * One entry of a job document's `outputs` as TypeScript sees it: one flat type, so code written when every output
 * was a file (`output.url`, `output.filename`) still compiles. A text entry has `kind: 'text'`, `node` and `text`
 * and none of the file fields: narrow with isFileOutput before reading them.
 */
export type DocumentOutput = Omit<FileOutput, 'kind'> & { kind: OutputKind; text?: string };

export function isFileOutput(output: { kind: OutputKind }): output is FileOutput {
  return output.kind !== 'text';
}

export interface FileSource {
  node: string;
  filename: string;
  subfolder: string;
  type: string;
  animated?: boolean;
  size?: number;
}

/** Pictures sharp decodes; an animation only converts when its motion survives (animated WebP or GIF → WebP). */
const STILL_SOURCES = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/bmp', 'image/tiff', 'image/avif']);
const MOVING_SOURCES = new Set(['image/webp', 'image/gif']);

/** Whether `spec` applies to this file: a still picture always, an animation only into animated WebP. */
export function converts(kind: FileOutput['kind'], mime: string, spec: ConvertSpec | undefined): spec is ConvertSpec {
  if (!spec) return false;
  if (kind === 'image') return STILL_SOURCES.has(mime);
  if (kind === 'animation') return MOVING_SOURCES.has(mime) && spec.format === 'webp';
  return false;
}

/**
 * One file output. `link` is the plain download link; a conversion is a query on the gateway's download route,
 * so the converted file is made while it streams and the original stays where it was.
 */
export function fileOutput(source: FileSource, link: string, spec?: ConvertSpec): FileOutput {
  const mime = mimeOf(source.filename);
  const kind = kindOf(mime, source.animated === true);
  const base: FileOutput = {
    kind,
    mime,
    size: source.size ?? null,
    node: source.node,
    url: link,
    filename: source.filename,
    subfolder: source.subfolder,
    type: source.type,
  };
  // ComfyUI's own /view links (images.url_mode: comfyui) cannot convert: those stay as they are.
  // The link may be relative (no public_url and no request origin, e.g. a recovered job's webhook).
  if (!converts(kind, mime, spec) || !(link.split('?')[0] ?? '').endsWith(DOWNLOAD_PATH)) return base;
  return {
    ...base,
    mime: MIME_OF_FORMAT[spec.format],
    size: null,
    url: link + convertQueryString(spec),
    original_url: link,
  };
}

/** The OpenAPI schema of one output; `kinds` narrows the kind to what a scenario promises. */
export function typedOutputSchema(kinds: readonly OutputKind[] = OUTPUT_KINDS): Record<string, unknown> {
  return {
    type: 'object',
    required: ['kind', 'node'],
    description:
      'A file: {kind, mime, size, node, url, filename, subfolder, type}; a text: {kind: "text", node, text}. ' +
      'size is null until the gateway has read the file.',
    properties: {
      kind: { type: 'string', enum: [...kinds] },
      node: { type: 'string' },
      mime: { type: 'string', example: 'image/png' },
      size: { type: ['integer', 'null'] },
      url: { type: 'string' },
      original_url: { type: 'string', description: 'Only for a converted output: the file as ComfyUI wrote it' },
      filename: { type: 'string' },
      subfolder: { type: 'string' },
      type: { type: 'string' },
      text: { type: 'string', description: 'A text output only' },
      base64: { type: 'string', description: 'With ?output=base64 only' },
      base64_omitted: { type: 'string', description: 'With ?output=base64: why this file was not inlined' },
      deliveries: {
        type: 'array',
        description: 'With ?deliver= (or a manifest\'s outputs.deliver): each sink\'s object key and state',
        items: {
          type: 'object',
          properties: {
            sink: { type: 'string' },
            status: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
            key: { type: ['string', 'null'] },
            url: { type: ['string', 'null'], description: 'A presigned GET URL when the sink hands them out' },
            expires_at: { type: ['string', 'null'], format: 'date-time' },
            attempts: { type: 'integer' },
            last_error: { type: ['string', 'null'] },
            delivered_at: { type: ['string', 'null'], format: 'date-time' },
          },
        },
      },
    },
  };
}

/** The typed outputs of one `executed` frame (the WebSocket relay and SSE add them as `data.outputs`). */
export function executedOutputs(
  node: string,
  output: unknown,
  link: (file: { filename: string; subfolder: string; type: 'output' | 'temp' | 'input' }) => string,
  spec?: ConvertSpec,
): TypedOutput[] {
  const { files, texts } = readNodeOutput(output);
  return [
    ...files.map((file) => fileOutput({ ...file, node }, link(file), spec)),
    ...texts.map((text): TextOutput => ({ kind: 'text', node, text })),
  ];
}
