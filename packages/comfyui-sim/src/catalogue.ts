// The node catalogue: a verbatim subset of a real ComfyUI 0.3.64 /object_info (catalogue.json beside this file).
// Each class keeps its raw JSON text so /object_info serves the real bytes (1.0 stays 1.0, the 2^64-1 seed
// maximum stays exact); the parsed form drives validation. LoadImage's choices are the input folder's images,
// listed on every call as the real INPUT_TYPES() does.
// A simulated server can be made unlike the others, as the machines of a GPU fleet are: classes removed (a
// custom node not installed there) and other model files behind a COMBO input (other checkpoints on its disk).
// Both change the one catalogue, so /object_info and validation can never disagree.
import { readFileSync } from 'node:fs';
import { pyJson } from './py-json.js';
import type { JsonObject, JsonValue } from './py.js';

export type InputSpec = [type: string | JsonValue[], options?: JsonObject];
export interface NodeInfo {
  input: { required?: Record<string, InputSpec>; optional?: Record<string, InputSpec>; hidden?: Record<string, string> };
  output: (string | JsonValue[])[];
  output_node: boolean;
  [k: string]: JsonValue | undefined | object;
}

export interface Catalogue {
  classNames(): string[];
  has(classType: string): boolean;
  /** The parsed definition; LoadImage's image choices are not filled in (see rawInfo). */
  info(classType: string): NodeInfo | undefined;
  /** The wire text of /object_info for one class, with LoadImage's current choices. */
  rawInfo(classType: string): string | undefined;
}

export interface CatalogueOptions {
  /** Classes this server does not have: absent from /object_info, unknown to validation. */
  removeNodes?: string[];
  /** Input name → the files its COMBO offers (e.g. ckpt_name), in every class that has that input. */
  models?: Record<string, string[]>;
}

/** Where the JSON value starting at text[start] ends (exclusive). */
function valueEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      i++;
      while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (depth === 0) return i + 1;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    } else if (depth === 0 && /[,}\]]/.test(c ?? '')) return i;
  }
  return text.length;
}

/** Splits the top-level object of a JSON text into key → raw value text, keeping the original bytes. */
function splitTopLevel(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = text.indexOf('{') + 1;
  const skipWs = (): void => {
    while (i < text.length && /[\s,]/.test(text[i] ?? '')) i++;
  };
  const readString = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  for (;;) {
    skipWs();
    if (text[i] !== '"') break;
    const key = readString();
    while (text[i] !== ':') i++;
    i++;
    while (/\s/.test(text[i] ?? '')) i++;
    const start = i;
    let depth = 0;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '"') {
        readString();
        i--;
      } else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) {
          i++;
          break;
        }
      }
    }
    out.set(key, text.slice(start, i));
  }
  return out;
}

function catalogueText(): string {
  // The package runs from its TypeScript source (tsx, vitest), so the file always sits beside this module.
  return readFileSync(new URL('./catalogue.json', import.meta.url), 'utf8');
}

/** Gives every COMBO input named in `models` the listed files, in the parsed form and in the raw text alike. */
function replaceModelLists(raw: Map<string, string>, parsed: Map<string, NodeInfo>, models: Record<string, string[]>): void {
  const used = new Set<string>();
  for (const [classType, info] of parsed) {
    let text = raw.get(classType) ?? '';
    for (const category of ['required', 'optional'] as const) {
      for (const [name, spec] of Object.entries(info.input[category] ?? {})) {
        const files = models[name];
        if (!files || !(Array.isArray(spec[0]) || spec[0] === 'COMBO')) continue;
        used.add(name);
        // Old-style COMBO: the list is the type; new-style: "COMBO" with the list in options.
        const replaced: InputSpec = spec[0] === 'COMBO'
          ? ['COMBO', { ...spec[1], options: [...files] }]
          : spec[1] === undefined ? [[...files]] : [[...files], spec[1]];
        (info.input[category] as Record<string, InputSpec>)[name] = replaced;
        // The key is unique in the class text: input_order lists names but never follows one with a colon.
        const at = text.indexOf(`${pyJson(name)}: [`);
        const start = at + pyJson(name).length + 2;
        text = `${text.slice(0, start)}${pyJson(replaced)}${text.slice(valueEnd(text, start))}`;
      }
    }
    raw.set(classType, text);
  }
  const unused = Object.keys(models).filter((name) => !used.has(name));
  if (unused.length > 0) {
    throw new Error(`models: no node in the simulator's catalogue has a file list input named ${unused.join(', ')}`);
  }
}

export function createCatalogue(listInputImages: () => string[], opts: CatalogueOptions = {}): Catalogue {
  const raw = splitTopLevel(catalogueText());
  const unknown = (opts.removeNodes ?? []).filter((name) => !raw.has(name));
  if (unknown.length > 0) throw new Error(`removeNodes: the simulator has no node class ${unknown.join(', ')}`);
  for (const name of opts.removeNodes ?? []) raw.delete(name);
  const parsed = new Map<string, NodeInfo>();
  for (const [k, v] of raw) parsed.set(k, JSON.parse(v) as NodeInfo);
  if (opts.models) replaceModelLists(raw, parsed, opts.models);

  return {
    classNames: () => [...raw.keys()],
    has: (classType) => raw.has(classType),
    // LoadImage's choices are left empty here: validation never checks them (VALIDATE_INPUTS checks the file),
    // and listing the folder for every node of every prompt would cost benchmarks dearly.
    info: (classType) => parsed.get(classType),
    rawInfo(classType) {
      const text = raw.get(classType);
      if (text === undefined || classType !== 'LoadImage') return text;
      return text.replace('"image": [[]', `"image": [${pyJson(listInputImages())}`);
    },
  };
}
