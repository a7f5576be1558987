// The classic output cache (CacheKeySetInputSignature + HierarchicalCache): a node's key is its class,
// its IS_CHANGED value and its inputs, with links replaced by the upstream node's key. Before each prompt
// the cache is pruned to the keys that prompt uses, so only overlap with the previous run survives.
import { linkOf } from './graph.js';
import { isObject, type JsonObject, type JsonValue } from './py.js';
import type { NodeValue } from './nodes/types.js';

export interface CacheEntry {
  outputs: NodeValue[];
  ui?: { meta: JsonObject; output: JsonObject };
}

export interface OutputCache {
  /** Computes the keys for a prompt and drops every entry that prompt does not use. */
  setPrompt(prompt: JsonObject, isChanged: (id: string, node: JsonObject) => string): void;
  get(id: string): CacheEntry | undefined;
  set(id: string, entry: CacheEntry): void;
  clear(): void;
}

export function createOutputCache(): OutputCache {
  const entries = new Map<string, CacheEntry>();
  let keys = new Map<string, string>();

  return {
    setPrompt(prompt, isChanged) {
      const next = new Map<string, string>();
      const visiting = new Set<string>();
      const keyOf = (id: string): string => {
        const done = next.get(id);
        if (done !== undefined) return done;
        const node = prompt[id];
        if (!isObject(node) || visiting.has(id)) return JSON.stringify(['?', id]);
        visiting.add(id);
        const inputs = isObject(node.inputs) ? node.inputs : {};
        const parts: JsonValue[] = Object.keys(inputs).sort().map((name) => {
          const value = inputs[name] as JsonValue;
          const link = linkOf(value);
          return link && link[0] in prompt ? [name, 'ANCESTOR', keyOf(link[0]), link[1]] : [name, value];
        });
        const key = JSON.stringify([node.class_type ?? null, isChanged(id, node), parts]);
        visiting.delete(id);
        next.set(id, key);
        return key;
      };
      for (const id of Object.keys(prompt)) keyOf(id);
      keys = next;
      const used = new Set(next.values());
      for (const k of [...entries.keys()]) if (!used.has(k)) entries.delete(k);
    },
    get(id) {
      const k = keys.get(id);
      return k === undefined ? undefined : entries.get(k);
    },
    set(id, entry) {
      const k = keys.get(id);
      if (k !== undefined) entries.set(k, entry);
    },
    clear() {
      entries.clear();
      keys = new Map();
    },
  };
}
