// `jobs.mirror_outputs: true`: every finished job's result files are copied from ComfyUI to
// `<folders.output>/<prompt_id>/<subfolder>/<filename>`, streamed (never held in memory whole), so results outlive
// ComfyUI's own output folder being cleaned. Copies run one job at a time in the background; a failure is logged
// and never changes the job's status.
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ComfyClient } from '../comfy/client.js';
import { findPathProblem } from '../images/image-ref.js';
import type { Logger } from '../log.js';
import { resultOutputs } from './job-document.js';
import type { JobRecord, JobTracker } from './tracker.js';

export interface OutputMirror {
  /** Resolves when every copy queued so far has been written (tests, shutdown). */
  idle(): Promise<void>;
  stop(): void;
}

const PROMPT_ID = /^[0-9a-zA-Z-]{1,200}$/;

export function createOutputMirror(deps: {
  tracker: Pick<JobTracker, 'onFinished'>;
  comfy: Pick<ComfyClient, 'view'>;
  outputDir: string;
  log: Logger;
}): OutputMirror {
  let chain: Promise<void> = Promise.resolve();
  const off = deps.tracker.onFinished((job) => {
    if (job.status !== 'succeeded') return;
    chain = chain.then(() => copyJob(job)).catch((error: unknown) => {
      deps.log.warn({ err: error, promptId: job.promptId }, 'mirroring the outputs failed');
    });
  });

  async function copyJob(job: JobRecord): Promise<void> {
    if (!PROMPT_ID.test(job.promptId)) return;
    for (const output of resultOutputs(job)) {
      // Names come from ComfyUI: the same checks as a caller's reference keep them inside the folder.
      if (output.type !== 'output' || findPathProblem(output.filename, output.subfolder)) continue;
      const target = path.join(deps.outputDir, job.promptId, output.subfolder, output.filename);
      await mkdir(path.dirname(target), { recursive: true });
      const partial = `${target}.partial`;
      const view = await deps.comfy.view(output);
      try {
        await pipeline(view.body, createWriteStream(partial));
        await rename(partial, target);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
    }
  }

  return {
    idle: () => chain,
    stop: off,
  };
}
