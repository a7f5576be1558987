// Which backend a job goes to, among those that can take it now. Pure: the dispatcher gathers the facts
// (health, drain flag, free slots, capability, last checkpoint, estimated wait) and this only ranks them.
import type { Lease } from './slots.js';

export interface Candidate {
  name: string;
  weight: number;
  up: boolean;
  draining: boolean;
  freeSlots: number;
  /** Has every node class and file the job names. */
  capable: boolean;
  /** The checkpoint of the last prompt sent there: loading another one costs seconds on a GPU. */
  lastCheckpoint?: string;
  /** Estimated ms until a job sent now would start there (the work already inside it). */
  startsInMs: number;
  /** When it was last chosen (any clock or counter): among equals the least recently chosen goes next. */
  lastChosenAt: number;
}

export function chooseBackend<C extends Candidate>(candidates: readonly C[], job: { checkpoint?: string }): C | undefined {
  let best: C | undefined;
  for (const candidate of candidates) {
    if (!candidate.up || candidate.draining || candidate.freeSlots < 1 || !candidate.capable) continue;
    if (!best || better(candidate, best, job.checkpoint)) best = candidate;
  }
  return best;
}

function better(a: Candidate, b: Candidate, checkpoint: string | undefined): boolean {
  if (checkpoint !== undefined) {
    const aWarm = a.lastCheckpoint === checkpoint;
    if (aWarm !== (b.lastCheckpoint === checkpoint)) return aWarm;
  }
  if (a.startsInMs !== b.startsInMs) return a.startsInMs < b.startsInMs;
  if (a.weight !== b.weight) return a.weight > b.weight;
  // Without this, equal backends would always resolve to the same one (the first in the list) and the others
  // would idle; the least recently chosen spreads work across them.
  if (a.lastChosenAt !== b.lastChosenAt) return a.lastChosenAt < b.lastChosenAt;
  return a.name < b.name;
}

/**
 * The work already inside a backend, in ms: each lease's estimated run time, less what the running one has done.
 * `estimate` is the run-time average for a scenario on this backend.
 */
export function startsInMs(leases: readonly Lease[], estimate: (scenario: string) => number, now: number): number {
  let total = 0;
  for (const lease of leases) {
    const expected = estimate(lease.scenario);
    const done = lease.state === 'running' && lease.startedAt !== undefined ? now - lease.startedAt : 0;
    total += Math.max(0, expected - done);
  }
  return total;
}
