// Text of one manifest → a checked Manifest plus a way to point at any key's line and column. Every problem comes
// back as one sentence prefixed with `file:line:column:`, so an author can jump straight to it.
import { Ajv, type ErrorObject } from 'ajv';
import { isCollection, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
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
export function createManifestParser(): ManifestParser {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  const validate = ajv.compile<Manifest>(manifestSchema);

  return (file, text) => {
    if (Buffer.byteLength(text) > MANIFEST_MAX_BYTES) {
      return fail(`${file}: the manifest is larger than ${MANIFEST_MAX_BYTES / 1024} KiB; a manifest only describes fields, keep the workflow in its own .json file`);
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
        return fail(`${where}: the YAML is not valid: ${firstLine(first.message)}`);
      }
      value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (error) {
      if (error instanceof RangeError) return fail(`${file}: the manifest is nested too deeply to read`);
      const reason = firstLine(error instanceof Error ? error.message : String(error));
      if (/alias/i.test(reason)) {
        return fail(`${file}: the manifest uses YAML aliases (*name) too many times; write the values out instead`);
      }
      return fail(`${file}: the YAML could not be read: ${reason}`);
    }
    if (depthOf(value, 0) > MAX_DEPTH) return fail(`${file}: the manifest is nested more than ${MAX_DEPTH} levels deep`);

    const at = (path: readonly PathSegment[], part: 'key' | 'value' = 'value'): string => {
      const offset = offsetOf(doc.contents, path, part);
      const pos = lineCounter.linePos(offset);
      return `${file}:${pos.line}:${pos.col}`;
    };

    if (value === null || value === undefined) {
      return fail(`${file}: the manifest is empty; it needs at least "workflow: <file>.json"`);
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      return fail(`${at([])}: the manifest must be a list of "key: value" settings, not a single ${Array.isArray(value) ? 'list' : 'value'}`);
    }
    if (!validate(value)) return { ok: false, errors: describe(validate.errors ?? [], at) };
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
function describe(errors: ErrorObject[], at: LoadedManifest['at']): string[] {
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
    const message = sentence(error, path);
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

function sentence(error: ErrorObject, path: string[]): string {
  const inField = path[0] === 'fields' && path.length >= 2 ? `field "${path[1]}"` : undefined;
  const name = path.join('.') || 'the manifest';
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const inOutputs = path.length === 1 && path[0] === 'outputs';
      const known = inField && path.length === 2 ? FIELD_KEYS : inOutputs ? [...OUTPUTS_KEYS] : TOP_KEYS;
      const guess = didYouMean(key, known);
      const hint = guess ? ` (did you mean "${guess}"?)` : `; known keys: ${known.join(', ')}`;
      return `${inField ?? (inOutputs ? '"outputs"' : 'the manifest')} has an unknown key "${key}"${hint}`;
    }
    case 'required': {
      const missing = String(error.params.missingProperty);
      if (missing === 'workflow') {
        return 'the manifest needs "workflow: <file>.json", the ComfyUI workflow exported with "Save (API Format)"';
      }
      if (missing === 'to' && inField) {
        return `${inField} needs "to", the place its value goes in the workflow, e.g. "to: 6.inputs.seed"`;
      }
      return `${name} needs "${missing}"`;
    }
    case 'propertyNames':
      return `"${String(error.params.propertyName)}" cannot be a field name: use letters, digits and _ (client_id and webhook are reserved: every scenario accepts them)`;
    case 'pattern':
      if (path.at(-1) === 'workflow') return '"workflow" must name a .json file (a workflow exported with "Save (API Format)")';
      if (path.at(-1) === 'route') return '"route" may only use letters, digits, _ and - (at most 64 characters)';
      if (path.includes('to')) return `${inField ?? name}: "to" must look like "<node id or title>.inputs.<input name>", e.g. "6.inputs.seed"`;
      return `${name} does not have the expected form`;
    case 'anyOf':
      if (path.at(-1) === 'to') return `${inField ?? name}: "to" must be a node path like "6.inputs.seed", or a list of them`;
      if (path.at(-1) === 'type') return `${inField ?? name}: "type" must be one of string, number, integer, boolean, array, object`;
      return `${name} is not valid`;
    case 'type':
      return `${name} must be ${article(String(error.params.type))}`;
    case 'enum':
      return `${name} must be one of: ${(error.params.allowedValues as unknown[]).join(', ')}`;
    default:
      return `${name} ${error.message ?? 'is not valid'}`;
  }
}

function article(type: string): string {
  const words: Record<string, string> = {
    string: 'text', object: 'a mapping (key: value lines)', array: 'a list', boolean: 'true or false',
    integer: 'a whole number', number: 'a number',
  };
  return type.split(',').map((t) => words[t] ?? t).join(' or ');
}
