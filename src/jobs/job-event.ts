// One event about one prompt, as the jobs code passes it on: ComfyUI's event name and its data as received (the live
// stream, a replay from history, the watchdog's verdict), or the gateway's own `execution_cancelled`. Loosely typed
// on purpose: the data is ComfyUI's, and every reader checks the fields it uses.
export interface JobEvent {
  type: string;
  data: Record<string, unknown>;
}
