// How long a job will run, from how long such jobs ran: an exponential moving average per scenario and backend
// (GPUs differ, scenarios differ), falling back to the scenario on any backend, then to the backend on any
// scenario, then to a fixed guess. Only an estimate for ranking backends, never a timeout.
export interface RunTimeEstimates {
  recordRunTime(scenario: string, backend: string, ms: number): void;
  estimate(scenario: string, backend: string): number;
}

export interface RunTimeOptions {
  /** Weight of the newest sample (0–1]: 0.2 follows a change within about ten runs without jumping on one. */
  alpha?: number;
  /** The guess before anything was measured. */
  defaultMs?: number;
}

export function createRunTimeEstimates(options: RunTimeOptions = {}): RunTimeEstimates {
  const alpha = options.alpha ?? 0.2;
  const defaultMs = options.defaultMs ?? 10_000;
  const byPair = new Map<string, number>();
  const byScenario = new Map<string, number>();
  const byBackend = new Map<string, number>();

  const update = (map: Map<string, number>, key: string, ms: number): void => {
    const previous = map.get(key);
    map.set(key, previous === undefined ? ms : previous + alpha * (ms - previous));
  };

  return {
    recordRunTime(scenario, backend, ms) {
      if (!Number.isFinite(ms) || ms < 0) return;
      update(byPair, `${scenario}\u0000${backend}`, ms);
      update(byScenario, scenario, ms);
      update(byBackend, backend, ms);
    },
    estimate(scenario, backend) {
      return byPair.get(`${scenario}\u0000${backend}`) ?? byScenario.get(scenario) ?? byBackend.get(backend) ?? defaultMs;
    },
  };
}
