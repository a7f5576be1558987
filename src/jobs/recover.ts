// A prompt the tracker does not know (the gateway restarted, or another gateway submitted it) rebuilt from what
// ComfyUI still holds: its queue entry or its history entry, whose extra_data.gateway the submitter wrote
// (client_id, owner, scenario, submitted_at, outputs). The rebuilt job is recorded, so the next question is answered from
// memory and the watchdog follows it while it is open (its events go to the other gateway's socket, not ours).
import type { ComfyClient } from '../comfy/client.js';
import type { HistoryEntry, QueueItem, QueueResponse } from '../comfy/types.js';
import { eventsFromHistory } from './reconcile.js';
import { readGatewayExtra } from './gateway-extra.js';
import type { JobRecord, JobTracker, NewJob } from './tracker.js';

export type RecoverJob = (promptId: string) => Promise<JobRecord | undefined>;

/** One backend to ask: its name (recorded as the job's backend) and its client. */
export interface RecoverySource {
  name: string;
  comfy: Pick<ComfyClient, 'getQueue' | 'getHistory'>;
}

/**
 * Asks every backend in turn; the first that holds the prompt owns it. A backend that cannot be reached is
 * skipped, unless none answered: then its error is the answer (with one ComfyUI, exactly as before pools).
 */
export function createJobRecovery(deps: { sources: () => readonly RecoverySource[]; tracker: JobTracker }): RecoverJob {
  return async (promptId) => {
    let firstError: unknown;
    let answered = false;
    for (const source of deps.sources()) {
      try {
        const found = await recoverFrom(source, promptId);
        answered = true;
        if (found) return found;
      } catch (error) {
        firstError ??= error;
      }
    }
    if (!answered && firstError !== undefined) throw firstError;
    return undefined;
  };

  async function recoverFrom(source: RecoverySource, promptId: string): Promise<JobRecord | undefined> {
    // Queue before history: a prompt that finishes between the two reads is then found in the history.
    const queue = await source.comfy.getQueue();
    const running = queue.queue_running.find((item) => item[1] === promptId);
    const pending = running ? undefined : queue.queue_pending.find((item) => item[1] === promptId);
    const item = running ?? pending;
    if (item) {
      const status = running ? 'running' : 'queued';
      return deps.tracker.record({ ...jobFromItem(item), status, recovered: true, backend: source.name });
    }
    const entry = await source.comfy.getHistory(promptId);
    if (!entry) return undefined;
    return recordFromHistory(deps.tracker, promptId, entry, source.name);
  }
}

/** Records a finished prompt from its history entry, with its outputs, error and ComfyUI's own timestamps. */
export function recordFromHistory(tracker: JobTracker, promptId: string, entry: HistoryEntry, backend?: string): JobRecord {
  const job = tracker.record({ ...jobFromItem(entry.prompt), recovered: true, ...(backend !== undefined ? { backend } : {}) });
  const messages = Array.isArray(entry.status?.messages) ? entry.status.messages : [];
  const start = messages.find(([type]) => type === 'execution_start');
  const startAt = start ? timestampOf(start[1]) : undefined;
  if (startAt !== undefined) tracker.advance(promptId, 'running', startAt);
  for (const event of eventsFromHistory(promptId, entry)) {
    tracker.apply(promptId, event, timestampOf(event.data) ?? Date.now());
  }
  return job;
}

/** 1 for the prompt that runs next; undefined when the prompt is not pending. ComfyUI runs the lowest number first. */
export function queuePosition(queue: QueueResponse, promptId: string): number | undefined {
  const pending = [...queue.queue_pending].sort((a, b) => a[0] - b[0]);
  const index = pending.findIndex((item) => item[1] === promptId);
  return index < 0 ? undefined : index + 1;
}

function jobFromItem(item: QueueItem): NewJob {
  const [number, promptId, , extraData] = item;
  const extra = readGatewayExtra(extraData);
  return {
    promptId,
    clientId: extra.client_id ?? undefined,
    ...(extra.owner !== undefined ? { owner: extra.owner } : {}),
    scenario: extra.scenario ?? undefined,
    submittedAt: extra.submitted_at ?? Number.NaN,
    number: typeof number === 'number' ? number : undefined,
    ...(extra.outputs?.length ? { outputNodes: extra.outputs } : {}),
    ...(extra.mirror ? { mirror: true } : {}),
  };
}

function timestampOf(data: Record<string, unknown>): number | undefined {
  return typeof data.timestamp === 'number' && Number.isFinite(data.timestamp) ? data.timestamp : undefined;
}
