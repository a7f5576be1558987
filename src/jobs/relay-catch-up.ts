// After the upstream stream was away, events sent meanwhile are lost: a prompt that finished during the outage
// would look "running" forever and its caller would never hear the end. On every reconnect, each unfinished job
// is looked up in ComfyUI's history; a finished one gets its outputs (`executed`) and its final event replayed
// through the relay, as ComfyUI recorded them. An `executed` seen before the outage may therefore arrive twice.
import type { ComfyClient } from '../comfy/client.js';
import type { UpstreamEvents } from '../comfy/events.js';
import type { HistoryEntry } from '../comfy/types.js';
import type { Logger } from '../log.js';
import type { JobEvent } from './job-event.js';
import { isFinished, type JobTracker } from './tracker.js';

const finalEvents = new Set(['execution_success', 'execution_error', 'execution_interrupted']);

export interface CatchUpDeps {
  events: UpstreamEvents;
  tracker: JobTracker;
  comfy: Pick<ComfyClient, 'getHistory'>;
  /** The relay's entry point (ProgressRelay.receive). */
  replay(event: JobEvent): void;
  log: Logger;
}

/** Subscribes; returns the unsubscribe function. */
export function catchUpAfterReconnect(deps: CatchUpDeps): () => void {
  let wasConnected = false;
  return deps.events.onConnectionChange((connected) => {
    const reconnect = connected && wasConnected;
    if (connected) wasConnected = true;
    if (!reconnect) return;
    catchUp().catch((error: unknown) => deps.log.warn({ err: error }, 'catching up after the event stream returned failed'));
  });

  async function catchUp(): Promise<void> {
    for (const job of deps.tracker.unfinished()) {
      const entry = await deps.comfy.getHistory(job.promptId);
      // The live stream may have delivered the end while we were asking.
      if (!entry || isFinished(job.status)) continue;
      for (const event of eventsFromHistory(job.promptId, entry)) deps.replay(event);
    }
  }
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
