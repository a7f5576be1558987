// "The gateway is closing", for everything that follows a job (waits, SSE streams). Any number of streams may listen
// at once: listeners live in a Set (O(1) to add and remove), not on an AbortSignal, whose listener list makes Node
// print MaxListenersExceededWarning past ten and costs a walk to remove one.
export interface Closing {
  readonly closed: boolean;
  /** Aborted on close, for APIs that take a signal (one listener on it in all, not one per caller). */
  readonly signal: AbortSignal;
  /** Calls `listener` once on close; the returned function unregisters it (idempotent). */
  onClose(listener: () => void): () => void;
}

export interface ClosingSwitch extends Closing {
  close(): void;
}

export function createClosing(): ClosingSwitch {
  const controller = new AbortController();
  const listeners = new Set<() => void>();
  return {
    get closed() {
      return controller.signal.aborted;
    },
    signal: controller.signal,
    onClose(listener) {
      if (controller.signal.aborted) {
        queueMicrotask(listener);
        return () => undefined;
      }
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close() {
      if (controller.signal.aborted) return;
      controller.abort();
      const called = [...listeners];
      listeners.clear();
      for (const listener of called) listener();
    },
  };
}
