// One "process lifetime" of the simulated server: queue, history, cache, prompt counter and the worker
// that runs prompts one at a time. restart() throws a runtime away and starts a fresh one, as restarting
// ComfyUI would; anything the old one still does afterwards is silenced.
import { createOutputCache } from './cache.js';
import type { Catalogue } from './catalogue.js';
import { Abandoned, executePrompt } from './executor.js';
import type { SimFaults } from './faults.js';
import type { Folders } from './paths.js';
import { createPromptQueue, type PromptQueue } from './prompt-queue.js';
import type { JsonValue } from './py.js';
import type { ExecutionState, Hub } from './ws.js';

export interface Runtime {
  queue: PromptQueue;
  counter: { value: number };
  interrupt: { requested: boolean };
  sleep(ms: number): Promise<void>;
  /** Stops the worker; pending sleeps reject with Abandoned. */
  abort(): void;
  /** Resolves when the worker has stopped. */
  stopped: Promise<void>;
}

export interface RuntimeDeps {
  hub: Hub;
  state: ExecutionState;
  catalogue: Catalogue;
  folders: Folders;
  faults: SimFaults;
}

export function createRuntime(deps: RuntimeDeps): Runtime {
  const controller = new AbortController();
  const { signal } = controller;
  const send = (event: string, data: JsonValue, sid: string | null): void => {
    if (!signal.aborted) deps.hub.send(event, data, sid);
  };
  const queue = createPromptQueue(() => send('status', { status: { exec_info: { queue_remaining: queue.remaining() } } }, null));
  const cache = createOutputCache();
  const interrupt = { requested: false };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(new Abandoned());
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new Abandoned());
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });

  const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

  async function work(): Promise<void> {
    while (!signal.aborted) {
      await Promise.race([queue.whenNotEmpty(), aborted]);
      if (signal.aborted) return;
      const next = queue.get();
      if (!next) continue;
      const promptId = next.item[1];
      try {
        const outcome = await executePrompt(
          {
            catalogue: deps.catalogue, folders: deps.folders, cache, state: deps.state, faults: deps.faults, send, interrupt, sleep,
            abandoned: () => signal.aborted,
          },
          next.item,
        );
        if (signal.aborted) return;
        queue.taskDone(next.taskId, outcome.result, {
          status_str: outcome.success ? 'success' : 'error', completed: outcome.success, messages: outcome.messages,
        });
      } catch (e) {
        if (e instanceof Abandoned || signal.aborted) return;
        console.error('sim: prompt execution failed unexpectedly', e);
        queue.taskDone(next.taskId, { outputs: {}, meta: {} }, { status_str: 'error', completed: false, messages: [] });
      }
      // The "done" signal: sent after the history entry exists.
      if (deps.state.clientId !== null) send('executing', { node: null, prompt_id: promptId }, deps.state.clientId);
    }
  }

  const stopped = work();
  return { queue, counter: { value: 0 }, interrupt, sleep, abort: () => controller.abort(), stopped };
}
