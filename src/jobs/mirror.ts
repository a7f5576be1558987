// A mirrored job (`jobs.mirror_outputs: true`, or a manifest's `outputs.mirror: true`: the record's `mirror`) has
// its result files copied from ComfyUI to `<folders.output>/<prompt_id>/<subfolder>/<filename>`, streamed (never
// held in memory whole), so results outlive ComfyUI's own output folder being cleaned; the download route serves
// them from there (openMirrored). Copies run one job at a time in the background; a failure is logged and never
// changes the job's status.
import { constants, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, open, realpath, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ComfyClient } from '../comfy/client.js';
import type { ImageRef } from '../comfy/types.js';
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
    if (job.status !== 'succeeded' || !job.mirror) return;
    chain = chain.then(() => copyJob(job)).catch((error: unknown) => {
      deps.log.warn({ err: error, promptId: job.promptId }, 'mirroring the outputs failed');
    });
  });

  async function copyJob(job: JobRecord): Promise<void> {
    if (!PROMPT_ID.test(job.promptId)) return;
    for (const output of resultOutputs(job)) {
      // Names come from ComfyUI: the same checks as a caller's reference keep them inside the folder.
      if (output.type !== 'output' || findPathProblem(output.filename, output.subfolder)) continue;
      const target = mirroredPath(deps.outputDir, job.promptId, output);
      await mkdir(path.dirname(target), { recursive: true });
      const partial = `${target}.partial`;
      const view = await deps.comfy.view({ ...output, backend: job.backend });
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

/** Where the copy of one output of one prompt lives. Callers check the names first (findPathProblem). */
export function mirroredPath(outputDir: string, promptId: string, file: Omit<ImageRef, 'type'>): string {
  return path.join(outputDir, promptId, file.subfolder, file.filename);
}

/** The copy as a stream, or undefined when this prompt has no copy of that file (never mirrored, not yet written). */
export async function openMirrored(
  outputDir: string,
  promptId: string,
  file: Omit<ImageRef, 'type'>,
): Promise<{ stream: ReadStream; size: number } | undefined> {
  const wanted = mirroredPath(outputDir, promptId, file);
  // Only a real file inside this prompt's folder is served: not a symbolic link (O_NOFOLLOW), and not a file
  // reached through a linked folder (its real parent must be inside the real output folder).
  if (!(await parentInside(outputDir, wanted))) return undefined;
  let handle;
  try {
    handle = await open(wanted, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR', 'ELOOP'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
  // Stat the opened handle, not the path: the file served is the one checked.
  const stat = await handle.stat().catch(async (error: unknown) => {
    await handle.close();
    throw error;
  });
  if (!stat.isFile()) {
    await handle.close();
    return undefined;
  }
  return { stream: handle.createReadStream(), size: stat.size };
}

async function parentInside(outputDir: string, file: string): Promise<boolean> {
  try {
    const [root, parent] = await Promise.all([realpath(outputDir), realpath(path.dirname(file))]);
    const rel = path.relative(root, parent);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  } catch {
    return false;
  }
}
