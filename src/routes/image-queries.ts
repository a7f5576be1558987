// The queries of the image routes: which file (checked against leaving its folder), and for a download the job
// it belongs to, the backend that wrote it and the conversion asked for.
import type { ImageType } from '../comfy/types.js';
import { fail } from '../errors.js';
import { message } from '../i18n.js';
import { findPathProblem } from '../images/image-ref.js';
import { mimeOf } from '../outputs/classify.js';
import { convertQueryProperties, parseConvertQuery, type ConvertSpec } from '../outputs/convert-options.js';

export interface ImageQuery {
  filename: string;
  subfolder: string;
  img_type: ImageType;
}

export interface DownloadQuery extends ImageQuery {
  prompt_id?: string;
  backend?: string;
  format?: string;
  quality?: number;
  max_side?: number;
}

export const imageQuery = {
  type: 'object',
  required: ['filename'],
  properties: {
    filename: { type: 'string', minLength: 1, maxLength: 255, description: 'File name', example: 'result.png' },
    subfolder: { type: 'string', maxLength: 255, default: '', description: 'Subfolder inside the type\'s folder' },
    img_type: {
      type: 'string',
      enum: ['input', 'output', 'temp'],
      default: 'output',
      description: 'Which ComfyUI folder: input, output or temp',
    },
  },
};

export const downloadQuery = {
  ...imageQuery,
  properties: {
    ...imageQuery.properties,
    prompt_id: {
      type: 'string',
      pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
      description:
        'The job the file belongs to (a UUID; job output links of mirrored jobs carry it). With img_type=output, ' +
        'the gateway\'s copy in output/<prompt_id>/ is served when it has one, else ComfyUI\'s file',
      example: '4f5e0f3a-6c1b-4d2e-9a7b-1f2e3d4c5b6a',
    },
    backend: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description: 'The pool backend that wrote the file (links carry it when the pool has several servers)',
      example: 'gpu-a',
    },
    ...convertQueryProperties,
  },
};

/** Pictures sharp reads; anything else (video, audio, other files) cannot be converted. */
const CONVERTIBLE = /^image\/(png|jpeg|webp|gif|bmp|tiff|avif)$/;

/** The conversion a download asks for (checked), or undefined. */
export function conversionOf(query: DownloadQuery): ConvertSpec | undefined {
  const parsed = parseConvertQuery(query as unknown as Record<string, unknown>);
  if ('problem' in parsed) throw fail.badRequest(message(parsed.problem.key, parsed.problem.params));
  if (parsed.spec && !CONVERTIBLE.test(mimeOf(query.filename))) {
    throw fail.badRequest(message('reason.convert_source', { name: query.filename }));
  }
  return parsed.spec;
}

/** Refuses a file name or subfolder that would leave its folder. */
export function checkRef(query: ImageQuery): void {
  const problem = findPathProblem(query.filename, query.subfolder);
  if (problem) throw fail.badRequest(message(problem.key, problem.params));
}
