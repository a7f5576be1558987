// Text of one manifest → a checked Manifest plus a way to point at any key's line and column. Every problem comes
// back as one sentence prefixed with `file:line:column:`, so an author can jump straight to it.
import { Ajv, type ErrorObject } from 'ajv';
import { isCollection, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { YAML_CODE_KEYS, type MessageKey, type Translate } from '../i18n.js';
import { ajvPredicate } from '../http/validation.js';
import { didYouMean, FIELD_OWN_KEYS, FIELD_SCHEMA_KEYS, manifestSchema, OUTPUTS_KEYS, type Manifest } from './manifest-schema.js';

/** A manifest is a page of settings; anything bigger is a mistake or an attack. */
export const MANIFEST_MAX_BYTES = 256 * 1024;
const MAX_DEPTH = 24;
const MAX_ALIASES = 50;

export type PathSegment = string | number;

export interface LoadedManifest {
  manifest: Manifest;
  /**
   * `file:line:column` of the value at `path` when it is written on one line (`to: 6.inputs.seed`), else of its
   * key; `key` always points at the key. A path that does not exist points at the deepest part that does.
   */
  at(path: readonly PathSegment[], part?: 'key' | 'value'): string;
}

export type LoadResult = { ok: true; loaded: LoadedManifest } | { ok: false; errors: string[] };

export type ManifestParser = (file: string, text: string) => LoadResult;

/** Compiles the manifest schema once; the returned parser is called for every manifest load. */
export function createManifestParser(t: Translate): ManifestParser {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  const validate = ajv.compile<Manifest>(manifestSchema);

  return (file, text) => {
    if (Buffer.byteLength(text) > MANIFEST_MAX_BYTES) {
      return fail(`${file}: ${t('manifest.too_large', { kib: MANIFEST_MAX_BYTES / 1024 })}`);
    }
    const lineCounter = new LineCounter();
    let value: unknown;
    let doc: ReturnType<typeof parseDocument>;
    try {
      doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
      const first = doc.errors[0];
      if (first) {
        const pos = first.linePos?.[0];
        const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
        return fail(`${where}: ${t('manifest.yaml_invalid', { reason: yamlReason(first, t) })}`);
      }
      value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (error) {
      if (error instanceof RangeError) return fail(`${file}: ${t('manifest.too_deep_to_read')}`);
      const reason = firstLine(error instanceof Error ? error.message : String(error));
      if (/alias/i.test(reason)) {
        return fail(`${file}: ${t('manifest.aliases')}`);
      }
      return fail(`${file}: ${t('manifest.yaml_unreadable', { reason })}`);
    }
    if (depthOf(value, 0) > MAX_DEPTH) return fail(`${file}: ${t('manifest.too_deep', { max: MAX_DEPTH })}`);

    const at = (path: readonly PathSegment[], part: 'key' | 'value' = 'value'): string => {
      const offset = offsetOf(doc.contents, path, part);
      const pos = lineCounter.linePos(offset);
      return `${file}:${pos.line}:${pos.col}`;
    };

    if (value === null || value === undefined) {
      return fail(`${file}: ${t('manifest.empty')}`);
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      return fail(`${at([])}: ${t(Array.isArray(value) ? 'manifest.not_mapping_list' : 'manifest.not_mapping_value')}`);
    }
    if (!validate(value)) return { ok: false, errors: describe(validate.errors ?? [], at, t) };
    return { ok: true, loaded: { manifest: value, at } };
  };
}

function fail(message: string): LoadResult {
  return { ok: false, errors: [message] };
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

function depthOf(value: unknown, depth: number): number {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return depth;
  let deepest = depth;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child, depth + 1));
  return deepest;
}

/** Start offset of the key at `path` (or of the deepest part of it that exists). */
function offsetOf(root: unknown, path: readonly PathSegment[], part: 'key' | 'value'): number {
  let node = root as Node | null;
  let offset = node?.range?.[0] ?? 0;
  for (const [index, segment] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return offset;
      const key = pair.key as Node;
      const value = pair.value as Node | null;
      const last = index === path.length - 1;
      const inline = isScalar(value) || (isCollection(value) && value.flow === true);
      offset = (last && part === 'value' && inline ? value?.range?.[0] : key.range?.[0]) ?? offset;
      node = value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) return offset;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}

const TOP_KEYS = Object.keys(manifestSchema.properties as object);
const FIELD_KEYS: string[] = [...FIELD_SCHEMA_KEYS, ...FIELD_OWN_KEYS];

/** ajv's errors → one sentence per place, most specific first. */
function describe(errors: ErrorObject[], at: LoadedManifest['at'], t: Translate): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  // anyOf reports every branch; the branch errors are noise once the anyOf itself is reported.
  // Errors inside propertyNames repeat what the propertyNames error says, with less context.
  const specific = errors.filter((e) => e.keyword !== 'if' && !(e.propertyName !== undefined && e.keyword !== 'propertyNames'));
  for (const error of specific) {
    const path = error.instancePath.split('/').slice(1).map(unescape);
    const key = error.instancePath + (error.keyword === 'additionalProperties' ? `/${String(error.params.additionalProperty)}` : '');
    if (seen.has(key)) continue;
    seen.add(key);
    const message = sentence(error, path, t);
    if (error.keyword === 'additionalProperties') {
      out.push(`${at([...path, String(error.params.additionalProperty)], 'key')}: ${message}`);
    } else if (error.keyword === 'propertyNames') {
      out.push(`${at([...path, String(error.params.propertyName)], 'key')}: ${message}`);
    } else {
      out.push(`${at(path)}: ${message}`);
    }
  }
  return out;
}

function unescape(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

function sentence(error: ErrorObject, path: string[], t: Translate): string {
  const inField = path[0] === 'fields' && path.length >= 2 ? t('manifest.subject_field', { name: path[1] as string }) : undefined;
  const name = path.join('.') || t('manifest.subject');
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const inOutputs = path.length === 1 && path[0] === 'outputs';
      const known = inField && path.length === 2 ? FIELD_KEYS : inOutputs ? [...OUTPUTS_KEYS] : TOP_KEYS;
      const guess = didYouMean(key, known);
      const hint = guess ? t('manifest.hint_did_you_mean', { guess }) : t('manifest.hint_known_keys', { keys: known.join(', ') });
      const owner = inField ?? t(inOutputs ? 'manifest.subject_outputs' : 'manifest.subject');
      return t('manifest.unknown_key', { owner, key, hint });
    }
    case 'required': {
      const missing = String(error.params.missingProperty);
      if (missing === 'workflow') return t('manifest.needs_workflow');
      if (missing === 'to' && inField) return t('manifest.field_needs_to', { field: inField });
      return t('manifest.needs', { name, missing });
    }
    case 'propertyNames':
      return t('manifest.bad_field_name', { name: String(error.params.propertyName) });
    case 'pattern':
      if (path.at(-1) === 'workflow') return t('manifest.workflow_pattern');
      if (path.at(-1) === 'route') return t('manifest.route_pattern');
      if (path.includes('to')) return t('manifest.to_pattern', { name: inField ?? name });
      return t('manifest.pattern', { name });
    case 'anyOf':
      if (path.at(-1) === 'to') return t('manifest.to_any_of', { name: inField ?? name });
      if (path.at(-1) === 'type') return t('manifest.type_any_of', { name: inField ?? name });
      return t('manifest.invalid', { name });
    case 'type':
      return t('manifest.must_be', { name, kind: kinds(String(error.params.type), t) });
    case 'enum':
      return t('manifest.one_of', { name, values: (error.params.allowedValues as unknown[]).join(', ') });
    default:
      return t('manifest.other', { name, problem: ajvPredicate(error, t) });
  }
}

const KIND_KEYS = new Set<string>(['string', 'object', 'array', 'boolean', 'integer', 'number', 'null']);

function kinds(type: string, t: Translate): string {
  return type.split(',').map((k) => (KIND_KEYS.has(k) ? t(`kind.${k}` as MessageKey) : k)).join(t('kind.or'));
}

/** The yaml library's problem: its own sentence in English, a description of its error code in Chinese. */
function yamlReason(error: { code: string; message: string }, t: Translate): string {
  const reason = firstLine(error.message);
  const key = `yaml.${error.code}`;
  return YAML_CODES.has(key) ? t(key as MessageKey, { reason }) : t('yaml.other', { reason, code: error.code });
}

const YAML_CODES = new Set<string>(YAML_CODE_KEYS);
