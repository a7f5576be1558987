// Bringing an open job up to date from ComfyUI's history when its live events may have been missed: after the event
// stream comes back (relay-catch-up.ts) and while it is down or silent (watchdog.ts). A prompt ComfyUI has finished
// gets its outputs (`executed`) and its final event replayed through the relay, as ComfyUI recorded them, so its
// waiters, SSE streams, sockets and webhooks hear the end as if it had come live. An `executed` the live stream
// already delivered may therefore arrive twice; the job state takes it in once.
import type { ComfyClient } from '../comfy/client.js';
import type { HistoryEntry } from '../comfy/types.js';
import type { JobEvent } from './job-event.js';
import { isFinished, type JobRecord } from './tracker.js';

const finalEvents = new Set(['execution_success', 'execution_error', 'execution_interrupted']);

export interface ReconcileDeps {
  comfy: Pick<ComfyClient, 'getHistory'>;
  /** The relay's entry point (ProgressRelay.receive), so every listener hears what is replayed. */
  replay(event: JobEvent): void;
}

/**
 * Looks one open job up in ComfyUI's history and replays what the history holds. `ended`: the job ended while
 * ComfyUI was being asked (the live stream delivered it), nothing replayed; `absent`: the history has no entry for
 * the prompt; `replayed`: the entry's events went through the relay.
 */
export async function reconcileFromHistory(deps: ReconcileDeps, job: JobRecord): Promise<'ended' | 'absent' | 'replayed'> {
  const entry = await deps.comfy.getHistory(job.promptId);
  if (isFinished(job.status)) return 'ended';
  if (!entry) return 'absent';
  for (const event of eventsFromHistory(job.promptId, entry)) deps.replay(event);
  return 'replayed';
}

/** The outputs and the final event of a finished prompt, in the order ComfyUI would have sent them. */
export function eventsFromHistory(promptId: string, entry: HistoryEntry): JobEvent[] {
  const messages = Array.isArray(entry.status?.messages) ? entry.status.messages : [];
  const final = messages.findLast(([type]) => finalEvents.has(type));
  if (!final) return [];
  const outputs: JobEvent[] = Object.entries(entry.outputs ?? {}).map(([node, output]) => ({
    type: 'executed',
    data: { node, display_node: node, output, prompt_id: promptId },
  }));
  return [...outputs, { type: final[0], data: { ...final[1], prompt_id: promptId } }];
}
