// PromptQueue from ComfyUI execution.py: a heap of pending items, the running items, and the history.
// Every change that the real queue announces calls onUpdated (the server broadcasts `status`).
import { heapify, heappop, heappush } from './heap.js';
import { deepCopy, num, type JsonObject, type JsonValue, type PyFloat } from './py.js';

export type QueueItem = [number: number | PyFloat, promptId: string, prompt: JsonObject, extraData: JsonValue, outputs: string[]];

export interface HistoryEntry {
  prompt: QueueItem;
  outputs: JsonObject;
  status: { status_str: 'success' | 'error'; completed: boolean; messages: [string, JsonObject][] };
  meta: JsonObject;
}

const MAXIMUM_HISTORY_SIZE = 10000;
const SENSITIVE_EXTRA_DATA_KEYS = ['auth_token_comfy_org', 'api_key_comfy_org'];

// Tuples compare element by element: number first, then prompt_id.
const less = (a: QueueItem, b: QueueItem): boolean => {
  const na = num(a[0]);
  const nb = num(b[0]);
  if (na !== nb) return na < nb;
  return a[1] < b[1];
};

export interface PromptQueue {
  put(item: QueueItem): void;
  /** Pops the next item into the running set, or undefined when nothing is pending. */
  get(): { item: QueueItem; taskId: number } | undefined;
  /** Resolves when an item may be available. */
  whenNotEmpty(): Promise<void>;
  taskDone(taskId: number, result: { outputs: JsonObject; meta: JsonObject }, status: HistoryEntry['status']): void;
  remaining(): number;
  running(): QueueItem[];
  pending(): QueueItem[];
  isRunning(promptId: string): boolean;
  wipeQueue(): void;
  deleteQueueItem(promptId: JsonValue): boolean;
  getHistory(opts: { promptId?: string; maxItems?: number | null; offset?: number }): Record<string, HistoryEntry>;
  wipeHistory(): void;
  deleteHistoryItem(promptId: JsonValue): void;
}

export function createPromptQueue(onUpdated: () => void): PromptQueue {
  let queue: QueueItem[] = [];
  const currentlyRunning = new Map<number, QueueItem>();
  let taskCounter = 0;
  const history = new Map<string, HistoryEntry>();
  let wake: (() => void) | undefined;

  const wipeQueue = (): void => {
    queue = [];
    onUpdated();
  };

  return {
    put(item) {
      heappush(queue, item, less);
      onUpdated();
      wake?.();
      wake = undefined;
    },
    get() {
      const item = heappop(queue, less);
      if (!item) return undefined;
      const taskId = taskCounter++;
      currentlyRunning.set(taskId, deepCopy(item));
      onUpdated();
      return { item, taskId };
    },
    whenNotEmpty() {
      if (queue.length > 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const previous = wake;
        wake = () => {
          previous?.();
          resolve();
        };
      });
    },
    taskDone(taskId, result, status) {
      const prompt = currentlyRunning.get(taskId);
      currentlyRunning.delete(taskId);
      if (!prompt) return;
      if (history.size > MAXIMUM_HISTORY_SIZE) {
        const oldest = history.keys().next().value;
        if (oldest !== undefined) history.delete(oldest);
      }
      const extra = prompt[3];
      if (extra && typeof extra === 'object' && !Array.isArray(extra)) {
        for (const k of SENSITIVE_EXTRA_DATA_KEYS) delete (extra as JsonObject)[k];
      }
      history.set(prompt[1], { prompt, outputs: result.outputs, status: deepCopy(status), meta: result.meta });
      onUpdated();
    },
    remaining: () => queue.length + currentlyRunning.size,
    running: () => [...currentlyRunning.values()],
    pending: () => [...queue],
    isRunning: (promptId) => [...currentlyRunning.values()].some((item) => item[1] === promptId),
    wipeQueue,
    deleteQueueItem(promptId) {
      const index = queue.findIndex((item) => item[1] === promptId);
      if (index < 0) return false;
      if (queue.length === 1) {
        wipeQueue();
      } else {
        queue.splice(index, 1);
        heapify(queue, less);
      }
      onUpdated();
      return true;
    },
    getHistory({ promptId, maxItems = null, offset = -1 }) {
      if (promptId !== undefined) {
        const entry = history.get(promptId);
        return entry ? { [promptId]: deepCopy(entry) } : {};
      }
      const out: Record<string, HistoryEntry> = {};
      let start = offset;
      if (start < 0 && maxItems !== null) start = history.size - maxItems;
      let i = 0;
      let count = 0;
      for (const [k, entry] of history) {
        if (i >= start) {
          out[k] = entry;
          count++;
          if (maxItems !== null && count >= maxItems) break;
        }
        i++;
      }
      return out;
    },
    wipeHistory: () => history.clear(),
    deleteHistoryItem(promptId) {
      if (typeof promptId === 'string') history.delete(promptId);
    },
  };
}
