// A job that waits in the gateway for a backend still needs its input images in the gateway's store when it is
// dispatched (and again if it is re-dispatched after a backend died). The dispatcher holds a job's images when it
// accepts the job; the hold ends when the tracker says the job ended, whatever the way (success, error, interrupt,
// cancel, queue timeout), so no path has to remember to release.
import type { Workflow } from '../comfy/types.js';
import type { JobTracker } from '../jobs/tracker.js';
import type { InputStore } from './input-store.js';

export interface JobInputHolds {
  /** Holds the store's images this prompt names until the job ends; answers their names. */
  hold(promptId: string, prompt: Readonly<Workflow>): string[];
  /** Ends a hold early: the job was refused before the tracker recorded it. */
  release(promptId: string): void;
  stop(): void;
}

export function holdJobInputs(deps: { inputs: InputStore; tracker: Pick<JobTracker, 'onFinished'> }): JobInputHolds {
  const stop = deps.tracker.onFinished((job) => deps.inputs.release(job.promptId));
  return {
    hold(promptId, prompt) {
      const names = deps.inputs.namesIn(prompt);
      deps.inputs.hold(promptId, names);
      return names;
    },
    release: (promptId) => deps.inputs.release(promptId),
    stop,
  };
}
