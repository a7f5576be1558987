// The node catalogue: a verbatim subset of a real ComfyUI 0.3.64 /object_info (catalogue.json beside this file).
// Each class keeps its raw JSON text so /object_info serves the real bytes (1.0 stays 1.0, the 2^64-1 seed
// maximum stays exact); the parsed form drives validation. LoadImage's choices are the input folder's images,
// listed on every call as the real INPUT_TYPES() does.
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

export function createCatalogue(listInputImages: () => string[]): Catalogue {
  const raw = splitTopLevel(catalogueText());
  const parsed = new Map<string, NodeInfo>();
  for (const [k, v] of raw) parsed.set(k, JSON.parse(v) as NodeInfo);

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
