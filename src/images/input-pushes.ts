// Which kept input images each backend already has, and the uploads that put them there. A backend is sent an image
// once per content: the same (backend, name, sha256) is never uploaded twice, concurrent needs for it wait on the
// one upload in flight, and a name whose content changed (an upload route overwrite) is sent again. A backend that
// restarted may have lost its input folder: forget() makes every image go to it again.
import { openAsBlob } from 'node:fs';
import type { ComfyClient } from '../comfy/client.js';
import { fail, isGatewayError } from '../errors.js';
import { message } from '../i18n.js';

export interface Backend {
  name: string;
  client: ComfyClient;
}

/** One image as the store holds it: its name in every input folder, its file, its content hash. */
export interface PushItem {
  name: string;
  filepath: string;
  sha256: string;
}

export interface InputPushes {
  /** Resolves when the backend has the image (uploaded now, earlier, or by a concurrent call); else a 1001. */
  push(backend: Backend, item: PushItem): Promise<void>;
  forget(backend: string): void;
  /** The store no longer holds this image: what any backend had of it is no longer worth remembering. */
  drop(name: string): void;
  /** Images being uploaded right now (never removed from the store meanwhile). */
  busy(name: string): boolean;
}

export function createInputPushes(): InputPushes {
  /** backend → image name → the content it has under that name. */
  const pushed = new Map<string, Map<string, string>>();
  /** `backend\0name` → the upload in flight and the content it carries. */
  const inflight = new Map<string, { sha256: string; done: Promise<void> }>();
  const busyNames = new Map<string, number>();
  /** Bumped by forget(): an upload that started before a backend restarted proves nothing about the new one. */
  const generations = new Map<string, number>();

  async function upload(backend: Backend, item: PushItem): Promise<void> {
    const generation = generations.get(backend.name) ?? 0;
    busyNames.set(item.name, (busyNames.get(item.name) ?? 0) + 1);
    try {
      // A file-backed Blob: the form streams the file from disk, never holding it whole in memory.
      const data = await openAsBlob(item.filepath);
      // overwrite: the gateway's store decides what a name holds; the backend's folder follows it.
      const answer = await backend.client.uploadImage({ data, filename: item.name, overwrite: true });
      if (answer.name !== item.name) throw new Error(`it stored the image as "${answer.name}"`);
    } catch (error) {
      const reason = isGatewayError(error) ? error.message : error instanceof Error ? error.message : String(error);
      throw fail.upstream(
        backend.client.address,
        message('reason.input_push_failed', { backend: backend.name, name: item.name, reason }),
        { cause: error },
      );
    } finally {
      const left = (busyNames.get(item.name) ?? 1) - 1;
      if (left > 0) busyNames.set(item.name, left);
      else busyNames.delete(item.name);
    }
    if ((generations.get(backend.name) ?? 0) !== generation) return;
    let names = pushed.get(backend.name);
    if (!names) pushed.set(backend.name, (names = new Map()));
    names.set(item.name, item.sha256);
  }

  return {
    async push(backend, item) {
      if (pushed.get(backend.name)?.get(item.name) === item.sha256) return;
      const key = `${backend.name}\0${item.name}`;
      const running = inflight.get(key);
      if (running?.sha256 === item.sha256) return running.done;
      // Another content under this name is on its way: let it land first, so ours is the last write.
      if (running) await running.done.catch(() => undefined);
      if (pushed.get(backend.name)?.get(item.name) === item.sha256) return;
      const again = inflight.get(key);
      if (again?.sha256 === item.sha256) return again.done;
      const done = upload(backend, item).finally(() => {
        if (inflight.get(key)?.done === done) inflight.delete(key);
      });
      inflight.set(key, { sha256: item.sha256, done });
      return done;
    },
    forget(backend) {
      pushed.delete(backend);
      generations.set(backend, (generations.get(backend) ?? 0) + 1);
    },
    drop(name) {
      for (const names of pushed.values()) names.delete(name);
    },
    busy: (name) => busyNames.has(name),
  };
}
