// What the dispatcher knows of each backend when it chooses one: which backends take work, whether one can run a
// prompt (its node catalogue), its free slots and when one frees, and the choices made before (the least recently
// chosen wins a tie, a backend keeps the checkpoint it loaded last).
import { fail, type GatewayError } from '../errors.js';
import { message } from '../i18n.js';
import { createCapabilityCheck, type Capabilities, type Requirements } from '../backends/capabilities.js';
import { startsInMs, type Candidate } from '../backends/choose-backend.js';
import type { CanRun } from '../backends/gateway-queue.js';
import type { RunTimeEstimates } from '../backends/run-time-estimates.js';
import type { SlotStore } from '../backends/slots.js';
import type { Backend } from './backend.js';
import type { Pool } from './pool.js';

export type BackendCandidate = Candidate & { backend: Backend };

export interface DispatchCandidates {
  /** The backends that take new work (not being retired from gateway.yaml). */
  active(): Backend[];
  canRunOn(backend: Backend): CanRun;
  candidates(requirements: Requirements): Promise<BackendCandidate[]>;
  /** Remembers a choice before its prompt is sent. */
  chose(backend: Backend, checkpoint: string | undefined): void;
  /** The error when no backend is up: the one backend's own failure, else one naming them all. */
  noneUp(): GatewayError;
}

const ALWAYS: CanRun = () => true;

export function createDispatchCandidates(deps: {
  pool: Pool;
  slots: SlotStore;
  estimates: RunTimeEstimates;
  now: () => number;
}): DispatchCandidates {
  const check = createCapabilityCheck();
  const canRunMemo = new WeakMap<Capabilities, CanRun>();
  const lastChosen = new Map<string, number>();
  const lastCheckpoint = new Map<string, string>();
  let chooseCount = 0;

  /** With one backend ComfyUI itself judges the prompt, so its answer reaches the caller as it always did. */
  function canRunOn(backend: Backend): CanRun {
    const capabilities = backend.capabilities;
    if (!capabilities || deps.pool.list().length === 1) return ALWAYS;
    let canRun = canRunMemo.get(capabilities);
    if (!canRun) canRunMemo.set(capabilities, (canRun = (requirements: Requirements) => check(requirements, capabilities)));
    return canRun;
  }

  const active = (): Backend[] => deps.pool.list().filter((backend) => !deps.pool.isRetiring(backend.name));

  async function candidates(requirements: Requirements): Promise<BackendCandidate[]> {
    const at = deps.now();
    const usage = new Map((await deps.slots.all()).map((entry) => [entry.backend, entry]));
    const backends = active();
    // The estimated wait only ranks backends against each other: with one there is nothing to rank, and its leases
    // are every prompt waiting in ComfyUI's own queue (a single `comfyui.url` has no slot limit), which summing on
    // every submission would make each one cost more the longer that queue is.
    const ranked = backends.length > 1;
    return backends.map((backend) => {
      const use = usage.get(backend.name);
      const estimate = (scenario: string): number => deps.estimates.estimate(scenario, backend.name);
      const checkpoint = lastCheckpoint.get(backend.name);
      return {
        backend,
        name: backend.name,
        weight: backend.spec.weight,
        up: backend.up,
        draining: use?.draining ?? false,
        freeSlots: use?.free ?? 0,
        capable: canRunOn(backend)(requirements),
        ...(checkpoint !== undefined ? { lastCheckpoint: checkpoint } : {}),
        startsInMs: ranked ? startsInMs(use?.leases ?? [], estimate, at) : 0,
        lastChosenAt: lastChosen.get(backend.name) ?? 0,
      };
    });
  }

  function chose(backend: Backend, checkpoint: string | undefined): void {
    lastChosen.set(backend.name, ++chooseCount);
    if (checkpoint !== undefined) lastCheckpoint.set(backend.name, checkpoint);
  }

  function noneUp(): GatewayError {
    const backends = active();
    const only = backends.length === 1 ? backends[0]?.lastFailure : undefined;
    if (only) return only;
    return fail.upstream(backends.map((backend) => backend.spec.url).join(', '), message('reason.no_backend_up'), { status: 503 });
  }

  return { active, canRunOn, candidates, chose, noneUp };
}
