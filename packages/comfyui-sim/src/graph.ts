// comfy_execution/graph.py's ExecutionList: which node runs next. Cached upstream nodes are left out;
// among ready nodes, output nodes go first, then nodes feeding an output, then nodes two steps away.
import { isObject, type JsonObject } from './py.js';

export function linkOf(value: unknown): [string, number] | undefined {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' ? [value[0], Number(value[1])] : undefined;
}

export interface ExecutionList {
  addNode(id: string): void;
  isEmpty(): boolean;
  /** The node to run next, or undefined if nothing is ready (a cycle). */
  stage(): string | undefined;
  complete(id: string): void;
}

export function createExecutionList(
  prompt: JsonObject, isCached: (id: string) => boolean, isOutput: (id: string) => boolean,
): ExecutionList {
  const pending = new Map<string, true>();
  const blockCount = new Map<string, number>();
  const blocking = new Map<string, Set<string>>();

  const inputsOf = (id: string): JsonObject => {
    const node = prompt[id];
    return isObject(node) && isObject(node.inputs) ? node.inputs : {};
  };

  const addNode = (root: string): void => {
    const stack = [root];
    const links: [string, string][] = [];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (pending.has(id)) continue;
      pending.set(id, true);
      blockCount.set(id, 0);
      blocking.set(id, new Set());
      for (const value of Object.values(inputsOf(id))) {
        const link = linkOf(value);
        if (!link || !(link[0] in prompt)) continue;
        if (!isCached(link[0])) stack.push(link[0]);
        links.push([link[0], id]);
      }
    }
    for (const [from, to] of links) {
      if (isCached(from)) continue;
      addNode(from);
      const set = blocking.get(from) as Set<string>;
      if (!set.has(to)) {
        set.add(to);
        blockCount.set(to, (blockCount.get(to) ?? 0) + 1);
      }
    }
  };

  const pick = (ready: string[]): string | undefined => {
    const feeds = (id: string): string[] => [...(blocking.get(id) ?? [])];
    return (
      ready.find(isOutput) ??
      ready.find((id) => feeds(id).some(isOutput)) ??
      ready.find((id) => feeds(id).some((b) => feeds(b).some(isOutput))) ??
      ready[0]
    );
  };

  return {
    addNode,
    isEmpty: () => pending.size === 0,
    stage: () => pick([...pending.keys()].filter((id) => blockCount.get(id) === 0)),
    complete(id) {
      pending.delete(id);
      for (const b of blocking.get(id) ?? []) blockCount.set(b, (blockCount.get(b) ?? 0) - 1);
      blocking.delete(id);
    },
  };
}
