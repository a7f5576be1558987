// Events that arrive before the job is recorded. ComfyUI may start a prompt, and send execution_start on its
// WebSocket, before the gateway has read the HTTP answer to POST /prompt and recorded the job; those events are held
// here for a short while instead of being lost. Events of prompts that never get recorded (another user's prompt
// broadcast to every socket) simply expire. Bounded in both directions so a chatty stranger cannot grow it.
import type { JobEvent } from './job-event.js';

export interface EarlyEventsOptions {
  ttlMs: number;
  maxPrompts: number;
  maxEventsPerPrompt: number;
  now?: () => number;
}

export interface EarlyEvents {
  hold(promptId: string, event: JobEvent): void;
  /** The held events of that prompt, oldest first, and forgets them. */
  take(promptId: string): JobEvent[] | undefined;
  readonly size: number;
}

export function createEarlyEvents(options: EarlyEventsOptions): EarlyEvents {
  const now = options.now ?? Date.now;
  // Insertion order = age order, so expiry only ever looks at the front.
  const held = new Map<string, { since: number; events: JobEvent[] }>();

  function expire(at: number): void {
    for (const [promptId, entry] of held) {
      if (at - entry.since < options.ttlMs && held.size <= options.maxPrompts) return;
      held.delete(promptId);
    }
  }

  return {
    hold(promptId, event) {
      const at = now();
      let entry = held.get(promptId);
      if (!entry) {
        entry = { since: at, events: [] };
        held.set(promptId, entry);
      }
      if (entry.events.length < options.maxEventsPerPrompt) entry.events.push(event);
      expire(at);
    },
    take(promptId) {
      const entry = held.get(promptId);
      if (!entry) return undefined;
      held.delete(promptId);
      return now() - entry.since < options.ttlMs ? entry.events : undefined;
    },
    get size() {
      return held.size;
    },
  };
}
