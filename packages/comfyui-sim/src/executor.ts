// PromptExecutor.execute_async: runs one queued prompt and emits its events in the recorded order.
// Per node: progress_state(running) → executing → [progress…] → executed (if it has UI) → progress_state(finished).
// A cached output node only gets executed + progress_state(finished); cached inner nodes get nothing.
import type { OutputCache } from './cache.js';
import type { Catalogue } from './catalogue.js';
import { createExecutionList, linkOf } from './graph.js';
import { NODE_IMPLEMENTATIONS } from './nodes/registry.js';
import { NodeError, type NodeContext, type NodeValue } from './nodes/types.js';
import type { Folders } from './paths.js';
import type { FaultSettings } from './faults.js';
import type { HistoryEntry, QueueItem } from './prompt-queue.js';
import { PyFloat, isObject, pyStr, type JsonObject, type JsonValue } from './py.js';
import { formatValue, runtimeTraceback } from './runtime-error.js';
import type { ExecutionState } from './ws.js';

export class InterruptProcessing extends Error {}
/** Thrown out of sleeps when the simulator closes or restarts: the run is dropped without a trace. */
export class Abandoned extends Error {}

export interface ExecutorDeps {
  catalogue: Catalogue;
  folders: Folders;
  cache: OutputCache;
  state: ExecutionState;
  faults: FaultSettings;
  send(event: string, data: JsonValue, sid: string | null): void;
  interrupt: { requested: boolean };
  /** Resolves after ms; rejects if the simulator closes or restarts meanwhile. */
  sleep(ms: number): Promise<void>;
  /** True once the simulator closed or restarted: the run stops at the next node. */
  abandoned(): boolean;
}

export interface ExecutionOutcome {
  success: boolean;
  result: { outputs: JsonObject; meta: JsonObject };
  messages: HistoryEntry['status']['messages'];
}

type ProgressEntry = { state: 'pending' | 'running' | 'finished'; value: number | PyFloat; max: number | PyFloat };

export async function executePrompt(deps: ExecutorDeps, item: QueueItem): Promise<ExecutionOutcome> {
  const [, promptId, prompt, extraDataValue, outputs] = item;
  const extraData = isObject(extraDataValue) ? extraDataValue : {};
  const clientId = extraData.client_id === undefined || extraData.client_id === null ? null : String(extraData.client_id);
  deps.state.clientId = clientId;
  deps.interrupt.requested = false;
  const messages: ExecutionOutcome['messages'] = [];
  const addMessage = (event: string, data: JsonObject, broadcast: boolean): void => {
    const withTime = { ...data, timestamp: Date.now() };
    messages.push([event, withTime]);
    if (clientId !== null || broadcast) deps.send(event, withTime, clientId);
  };
  const toClient = (event: string, data: JsonObject): void => {
    if (clientId !== null) deps.send(event, data, clientId);
  };

  addMessage('execution_start', { prompt_id: promptId }, false);
  const classOf = (id: string): string => String((prompt[id] as JsonObject).class_type);
  deps.cache.setPrompt(prompt, (id, node) => {
    const impl = NODE_IMPLEMENTATIONS.get(String(node.class_type));
    return impl?.isChanged && isObject(node.inputs) ? impl.isChanged(node.inputs, deps.folders) : '';
  });
  const nodeIds = Object.keys(prompt);
  addMessage('execution_cached', { nodes: nodeIds.filter((id) => deps.cache.get(id) !== undefined), prompt_id: promptId }, false);

  const progress = new Map<string, ProgressEntry>();
  const sendProgressState = (): void => {
    const nodes: JsonObject = {};
    for (const [id, p] of progress) {
      if (p.state === 'pending') continue;
      nodes[id] = {
        value: p.value, max: p.max, state: p.state, node_id: id, prompt_id: promptId, display_node_id: id, parent_node_id: null, real_node_id: id,
      };
    }
    deps.send('progress_state', { prompt_id: promptId, nodes }, clientId);
  };
  const entry = (id: string): ProgressEntry => {
    let p = progress.get(id);
    if (!p) progress.set(id, (p = { state: 'pending', value: 0, max: 1 }));
    return p;
  };

  const isOutput = (id: string): boolean => deps.catalogue.info(classOf(id))?.output_node === true;
  const list = createExecutionList(prompt, (id) => deps.cache.get(id) !== undefined, isOutput);
  for (const o of outputs) list.addNode(o);
  const executed = new Set<string>();
  let success = true;
  // runMs: the whole prompt takes that long, cached or not, so benchmarks get jobs of a known length.
  const runUntil = deps.faults.runMs === null ? null : Date.now() + deps.faults.runMs;
  let lastId: string | undefined;

  while (!list.isEmpty()) {
    if (deps.abandoned()) throw new Abandoned();
    const id = list.stage();
    if (id === undefined) break;
    lastId = id;
    const classType = classOf(id);
    const cached = deps.cache.get(id);
    if (cached) {
      toClient('executed', { node: id, display_node: id, output: cached.ui?.output ?? null, prompt_id: promptId });
      Object.assign(entry(id), { state: 'finished', value: entry(id).max });
      sendProgressState();
      list.complete(id);
      continue;
    }
    Object.assign(entry(id), { state: 'running', value: new PyFloat(0), max: new PyFloat(1) });
    sendProgressState();
    let inputs: Record<string, NodeValue> = {};
    try {
      inputs = resolveInputs(deps, prompt, id);
      if (clientId !== null) {
        deps.state.lastNodeId = id;
        toClient('executing', { node: id, display_node: id, prompt_id: promptId });
      }
      if (deps.interrupt.requested) throw new InterruptProcessing();
      const result = await runNode(deps, id, classType, inputs, prompt, extraData, (value, max) => {
        if (deps.interrupt.requested) throw new InterruptProcessing();
        Object.assign(entry(id), { state: 'running', value, max });
        sendProgressState();
        deps.send('progress', { value, max, prompt_id: promptId, node: id }, clientId);
      });
      const ui = result.ui ? { meta: { node_id: id, display_node: id, parent_node: null, real_node_id: id }, output: result.ui } : undefined;
      deps.cache.set(id, { outputs: result.outputs, ui });
      if (ui) toClient('executed', { node: id, display_node: id, output: ui.output, prompt_id: promptId });
      Object.assign(entry(id), { state: 'finished', value: entry(id).max });
      sendProgressState();
      executed.add(id);
      list.complete(id);
    } catch (e) {
      if (e instanceof Abandoned) throw e;
      success = false;
      if (e instanceof InterruptProcessing) {
        addMessage('execution_interrupted', { prompt_id: promptId, node_id: id, node_type: classType, executed: [...executed] }, true);
      } else {
        const err = e instanceof NodeError ? e : new NodeError('RuntimeError', e instanceof Error ? e.message : String(e));
        const currentInputs: JsonObject = {};
        for (const [k, v] of Object.entries(inputs)) currentInputs[k] = [formatValue(v)];
        // V1 nodes also receive their hidden inputs, so they show up here too.
        for (const [k, kind] of Object.entries(deps.catalogue.info(classType)?.input.hidden ?? {})) {
          if (kind === 'PROMPT') currentInputs[k] = [pyStr(prompt)]; // str() of the dict, as recorded
          if (kind === 'EXTRA_PNGINFO') currentInputs[k] = [extraData.extra_pnginfo ?? null];
        }
        addMessage('execution_error', {
          prompt_id: promptId, node_id: id, node_type: classType, executed: [...executed],
          exception_message: `${err.message}\n`, exception_type: err.pyType, traceback: runtimeTraceback(classType, err),
          current_inputs: currentInputs, current_outputs: nodeIds,
        }, false);
      }
      break;
    }
  }
  if (success && runUntil !== null && lastId !== undefined && !(await waitOut(deps, runUntil))) {
    success = false;
    const done = [...executed].filter((n) => n !== lastId);
    addMessage('execution_interrupted', { prompt_id: promptId, node_id: lastId, node_type: classOf(lastId), executed: done }, true);
  }
  if (success) addMessage('execution_success', { prompt_id: promptId }, false);

  const historyOutputs: JsonObject = {};
  const meta: JsonObject = {};
  for (const id of nodeIds) {
    const ui = deps.cache.get(id)?.ui;
    if (!ui) continue;
    historyOutputs[id] = ui.output;
    meta[id] = ui.meta;
  }
  deps.state.lastNodeId = null;
  return { success, result: { outputs: historyOutputs, meta }, messages };
}

/** Sleeps until `until` in short slices; false when an interrupt came meanwhile. */
async function waitOut(deps: ExecutorDeps, until: number): Promise<boolean> {
  for (let left = until - Date.now(); left > 0; left = until - Date.now()) {
    if (deps.interrupt.requested) return false;
    await deps.sleep(Math.min(left, 20));
  }
  return !deps.interrupt.requested;
}

/** get_input_data: constants as given (already coerced by validation), links from the upstream outputs. */
function resolveInputs(deps: ExecutorDeps, prompt: JsonObject, id: string): Record<string, NodeValue> {
  const node = prompt[id] as JsonObject;
  const info = deps.catalogue.info(String(node.class_type));
  const defined = new Set([...Object.keys(info?.input.required ?? {}), ...Object.keys(info?.input.optional ?? {})]);
  const inputs = isObject(node.inputs) ? node.inputs : {};
  const out: Record<string, NodeValue> = {};
  for (const [name, value] of Object.entries(inputs)) {
    if (!defined.has(name)) continue;
    const link = linkOf(value);
    if (link) {
      const upstream = deps.cache.get(link[0]);
      if (upstream) out[name] = upstream.outputs[link[1]] as NodeValue;
    } else {
      out[name] = value as NodeValue;
    }
  }
  return out;
}

async function runNode(
  deps: ExecutorDeps, id: string, classType: string, inputs: Record<string, NodeValue>, prompt: JsonObject,
  extraData: JsonObject, progress: (value: number, max: number) => void,
): Promise<{ outputs: NodeValue[]; ui?: JsonObject }> {
  const delay = deps.faults.nodeDelayMs[classType];
  if (delay && delay > 0) await deps.sleep(delay);
  if (deps.faults.failNode === classType) {
    throw new NodeError('RuntimeError', `simulated failure of ${classType} (failNode fault)`);
  }
  const impl = NODE_IMPLEMENTATIONS.get(classType);
  if (!impl) throw new NodeError('RuntimeError', `${classType} is not implemented by the ComfyUI simulator`);
  const ctx: NodeContext = {
    nodeId: id, classType, folders: deps.folders, prompt, extraData, sleep: deps.sleep, progress, stepMs: () => (deps.faults.runMs === null ? deps.faults.stepMs : 0),
  };
  return impl.run(inputs, ctx);
}
