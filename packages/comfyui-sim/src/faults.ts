// Fault switches for tests and benchmarks: slow steps and nodes, failing nodes, late/garbage/500 HTTP
// answers, dropped WebSockets and a closed port. All live: the server reads them on every request/step.

export interface FaultSettings {
  /** KSampler time per step, ms. */
  stepMs: number;
  /** Every prompt runs this long, whatever its nodes (KSampler steps then take no time); null: stepMs applies. */
  runMs: number | null;
  /** Extra run time per class_type, ms (node work: not interruptible, as in real ComfyUI). */
  nodeDelayMs: Record<string, number>;
  /** A class_type that raises when it runs (→ execution_error). */
  failNode: string | null;
  /** Every HTTP answer is delayed by this much. */
  httpDelayMs: number;
  /** Every HTTP answer is 200 with a body that is not JSON. */
  garbage: boolean;
  /** Every HTTP answer is aiohttp's plain-text 500. */
  text500: boolean;
  /** The port is closed (connections refused) until switched off. */
  refuseConnections: boolean;
}

export interface SimFaults extends FaultSettings {
  /** Closes every WebSocket abruptly (no close frame), once. */
  dropWebSockets(): void;
  /** Switches refuseConnections and resolves once the port is closed / listening again. */
  setRefuseConnections(on: boolean): Promise<void>;
  /** Back to no faults (stepMs and runMs return to the configured defaults). */
  reset(): Promise<void>;
  snapshot(): FaultSettings;
  /** Applies a partial settings object (the body of POST /__sim/faults). */
  apply(patch: Partial<FaultSettings> & { refuseForMs?: number; dropWebSockets?: boolean }): Promise<void>;
}

export interface FaultHooks {
  dropWebSockets(): void;
  refuse(on: boolean): Promise<void>;
}

export function createFaults(defaults: { stepMs: number; runMs: number | null }, hooks: FaultHooks): SimFaults {
  const s: FaultSettings = {
    stepMs: defaults.stepMs, runMs: defaults.runMs, nodeDelayMs: {}, failNode: null, httpDelayMs: 0, garbage: false, text500: false, refuseConnections: false,
  };
  let refuseTimer: NodeJS.Timeout | undefined;

  const setRefuse = async (on: boolean): Promise<void> => {
    if (refuseTimer) clearTimeout(refuseTimer);
    refuseTimer = undefined;
    if (s.refuseConnections === on) return;
    s.refuseConnections = on;
    await hooks.refuse(on);
  };

  const faults: SimFaults = {
    get stepMs() { return s.stepMs; },
    set stepMs(v) { s.stepMs = v; },
    get runMs() { return s.runMs; },
    set runMs(v) { s.runMs = v; },
    get nodeDelayMs() { return s.nodeDelayMs; },
    set nodeDelayMs(v) { s.nodeDelayMs = v; },
    get failNode() { return s.failNode; },
    set failNode(v) { s.failNode = v; },
    get httpDelayMs() { return s.httpDelayMs; },
    set httpDelayMs(v) { s.httpDelayMs = v; },
    get garbage() { return s.garbage; },
    set garbage(v) { s.garbage = v; },
    get text500() { return s.text500; },
    set text500(v) { s.text500 = v; },
    get refuseConnections() { return s.refuseConnections; },
    set refuseConnections(v) {
      setRefuse(v).catch((e: unknown) => console.error('sim: refuseConnections failed', e));
    },
    dropWebSockets: () => hooks.dropWebSockets(),
    setRefuseConnections: setRefuse,
    async reset() {
      Object.assign(s, { stepMs: defaults.stepMs, runMs: defaults.runMs, nodeDelayMs: {}, failNode: null, httpDelayMs: 0, garbage: false, text500: false });
      await setRefuse(false);
    },
    snapshot: () => ({ ...s, nodeDelayMs: { ...s.nodeDelayMs } }),
    async apply(patch) {
      if (typeof patch.stepMs === 'number') s.stepMs = patch.stepMs;
      if (typeof patch.runMs === 'number' || patch.runMs === null) s.runMs = patch.runMs;
      if (patch.nodeDelayMs && typeof patch.nodeDelayMs === 'object') s.nodeDelayMs = { ...patch.nodeDelayMs };
      if (patch.failNode !== undefined) s.failNode = typeof patch.failNode === 'string' && patch.failNode ? patch.failNode : null;
      if (typeof patch.httpDelayMs === 'number') s.httpDelayMs = patch.httpDelayMs;
      if (typeof patch.garbage === 'boolean') s.garbage = patch.garbage;
      if (typeof patch.text500 === 'boolean') s.text500 = patch.text500;
      if (patch.dropWebSockets === true) hooks.dropWebSockets();
      if (typeof patch.refuseConnections === 'boolean') {
        await setRefuse(patch.refuseConnections);
        // Over HTTP nobody could switch the port back on, so a refusal can carry its own end.
        if (patch.refuseConnections && typeof patch.refuseForMs === 'number') {
          refuseTimer = setTimeout(() => {
            refuseTimer = undefined;
            setRefuse(false).catch((e: unknown) => console.error('sim: reopening the port failed', e));
          }, patch.refuseForMs);
        }
      }
    },
  };
  return faults;
}
