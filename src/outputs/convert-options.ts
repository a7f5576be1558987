// What a caller (or a manifest) asks of image outputs: another format, a quality, a longest side. One schema feeds
// the submit routes' query validation, the download route's and their OpenAPI parameters; one function reads it.
import { fail } from '../errors.js';
import { message } from '../i18n.js';

export const CONVERT_FORMATS = ['webp', 'jpeg', 'png', 'avif'] as const;
export type ConvertFormat = (typeof CONVERT_FORMATS)[number];

export interface ConvertSpec {
  format: ConvertFormat;
  /** 1-100; the encoder's default when absent. */
  quality?: number;
  /** The longest side in pixels; larger pictures are scaled down (never up). */
  max_side?: number;
}

export const MIME_OF_FORMAT: Readonly<Record<ConvertFormat, string>> = {
  webp: 'image/webp',
  jpeg: 'image/jpeg',
  png: 'image/png',
  avif: 'image/avif',
};

export const MAX_SIDE_LIMIT = 16_384;

/** The query parameters, as JSON schema (validation and OpenAPI share it). */
export const convertQueryProperties = {
  format: {
    type: 'string',
    enum: [...CONVERT_FORMATS],
    description:
      'Convert image outputs to this format (animated WebP stays animated; a picture that would lose its motion ' +
      'is left as it is). The original stays downloadable under original_url.',
  },
  quality: { type: 'integer', minimum: 1, maximum: 100, description: 'With format: encoder quality, 1-100' },
  max_side: {
    type: 'integer',
    minimum: 1,
    maximum: MAX_SIDE_LIMIT,
    description: 'With format: scale down so that the longest side is at most this many pixels',
  },
} as const;

/** A problem with the query, as an i18n key and its parameters (the route turns it into a 400). */
export interface ConvertProblem {
  key: 'reason.convert_format' | 'reason.convert_number' | 'reason.convert_without_format';
  params: Record<string, string | number>;
}

/** `format`, `quality`, `max_side` from a query; undefined when none is given. */
export function parseConvertQuery(query: Record<string, unknown>): { spec: ConvertSpec | undefined } | { problem: ConvertProblem } {
  const format = first(query.format);
  const quality = first(query.quality);
  const maxSide = first(query.max_side);
  if (format === undefined || format === '') {
    if ((quality ?? '') !== '' || (maxSide ?? '') !== '') return { problem: { key: 'reason.convert_without_format', params: {} } };
    return { spec: undefined };
  }
  const wanted = String(format).toLowerCase();
  if (!(CONVERT_FORMATS as readonly string[]).includes(wanted)) {
    return { problem: { key: 'reason.convert_format', params: { value: String(format), formats: CONVERT_FORMATS.join(', ') } } };
  }
  const spec: ConvertSpec = { format: wanted as ConvertFormat };
  for (const [name, raw, max] of [['quality', quality, 100], ['max_side', maxSide, MAX_SIDE_LIMIT]] as const) {
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!/^\d+$/.test(String(raw)) || value < 1 || value > max) {
      return { problem: { key: 'reason.convert_number', params: { name, value: String(raw), max } } };
    }
    spec[name] = value;
  }
  return { spec };
}

/** The query string that asks the download route for this conversion (`&format=webp&quality=70`). */
export function convertQueryString(spec: ConvertSpec): string {
  let query = `&format=${spec.format}`;
  if (spec.quality !== undefined) query += `&quality=${spec.quality}`;
  if (spec.max_side !== undefined) query += `&max_side=${spec.max_side}`;
  return query;
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

/** A submit route's `?format=&quality=&max_side=`, checked: a bad value is a 400 before anything is queued. */
export function requestedConversion(query: Record<string, unknown>): ConvertSpec | undefined {
  const parsed = parseConvertQuery(query);
  if ('problem' in parsed) throw fail.badRequest(message(parsed.problem.key, parsed.problem.params));
  return parsed.spec;
}
