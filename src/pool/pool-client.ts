// The pool seen as one ComfyUI, for the parts that do not care which server answers: a call naming a prompt goes to
// the backend that owns it (the job record says which), a call naming none is asked of every backend and the
// answers merged, and a file is read from the backend named with it. With one backend every call is that backend's
// own, unchanged.
import type { ComfyClient, ViewResult } from '../comfy/client.js';
import type { HistoryEntry, ImageType, QueueResponse } from '../comfy/types.js';
import { isGatewayError } from '../errors.js';
import type { Backend } from './backend.js';
import type { Pool } from './pool.js';

export interface ViewTarget {
  filename: string;
  subfolder?: string;
  type?: ImageType;
  /** The backend that wrote the file; absent: the primary, then the others. */
  backend?: string | undefined;
}

export interface PoolClient extends ComfyClient {
  view(file: ViewTarget, signal?: AbortSignal): Promise<ViewResult>;
  /** The backend's own client, or the primary's when the name is unknown or absent. */
  clientOf(backend: string | undefined): ComfyClient;
}

/** Runs `call` on every backend; the answers of those that answered, or the first failure when none did. */
async function everywhere<T>(backends: readonly Backend[], call: (backend: Backend) => Promise<T>): Promise<T[]> {
  const settled = await Promise.allSettled(backends.map(call));
  const answers = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (answers.length === 0 && failure) throw failure.reason;
  return answers;
}

export function createPoolClient(pool: Pool, ownerOf: (promptId: string) => string | undefined): PoolClient {
  const clientOf = (name: string | undefined): ComfyClient =>
    (name !== undefined ? pool.get(name)?.client : undefined) ?? pool.primary().client;
  const primaryFirst = (): Backend[] => {
    const primary = pool.primary();
    return [primary, ...pool.list().filter((backend) => backend !== primary)];
  };

  return {
    get address() {
      return pool.primary().client.address;
    },
    clientOf,
    submitPrompt: (request) => clientOf(ownerOf(request.prompt_id ?? '')).submitPrompt(request),
    async getQueue(): Promise<QueueResponse> {
      const queues = await everywhere(pool.list(), (backend) => backend.client.getQueue());
      return {
        queue_running: queues.flatMap((queue) => queue.queue_running),
        queue_pending: queues.flatMap((queue) => queue.queue_pending),
      };
    },
    async deleteFromQueue(ids) {
      await everywhere(pool.list(), (backend) => backend.client.deleteFromQueue(ids));
    },
    async clearQueue() {
      await everywhere(pool.list(), (backend) => backend.client.clearQueue());
    },
    async interrupt(promptId) {
      const owner = promptId === undefined ? undefined : ownerOf(promptId);
      // ComfyUI ignores an interrupt naming a prompt it is not running, so an unknown owner may ask them all.
      if (owner !== undefined && pool.get(owner)) await clientOf(owner).interrupt(promptId);
      else await everywhere(pool.list(), (backend) => backend.client.interrupt(promptId));
    },
    async getHistory(promptId): Promise<HistoryEntry | undefined> {
      const owner = ownerOf(promptId);
      if (owner !== undefined && pool.get(owner)) return clientOf(owner).getHistory(promptId);
      let firstError: unknown;
      for (const backend of primaryFirst()) {
        try {
          const entry = await backend.client.getHistory(promptId);
          if (entry) return entry;
        } catch (error) {
          firstError ??= error;
        }
      }
      if (firstError !== undefined && pool.list().length === 1) throw firstError;
      return undefined;
    },
    getHistoryList: (maxItems) => pool.primary().client.getHistoryList(maxItems),
    async uploadImage(upload) {
      // Until the gateway keeps input images itself, an upload lands on every backend up, so any may run the job.
      const [primary, ...others] = primaryFirst().filter((backend, index) => index === 0 || backend.up);
      const answer = await (primary as Backend).client.uploadImage(upload);
      await Promise.allSettled(others.map((backend) => backend.client.uploadImage(upload)));
      return answer;
    },
    async view(file, signal) {
      const { backend: named, ...target } = file;
      if (named !== undefined && pool.get(named)) return clientOf(named).view(target, signal);
      let firstError: unknown;
      for (const backend of primaryFirst()) {
        try {
          return await backend.client.view(target, signal);
        } catch (error) {
          firstError ??= error;
          if (!isGatewayError(error) || error.code !== 404) continue;
        }
      }
      throw firstError;
    },
    systemStats: () => pool.primary().client.systemStats(),
    objectInfo: () => pool.primary().client.objectInfo(),
    close: (options) => pool.close(options),
  };
}
