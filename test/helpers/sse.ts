// A Server-Sent Events reader with a deadline, for the job streams (GET /api/v1/jobs/{id}/events).

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

export interface SseStream {
  status: number;
  contentType: string | null;
  /** Every event so far. */
  events: SseEvent[];
  /** Reads until an event matches (returned), or throws at the deadline or the end of the stream. */
  until(match: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Reads to the end of the stream; the events of the whole stream. */
  finished(timeoutMs?: number): Promise<SseEvent[]>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal, headers });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  let taken = 0;
  let ended = false;

  async function readMore(deadline: number): Promise<void> {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`SSE: deadline passed; got ${events.map((e) => e.event).join(', ')}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`SSE: nothing within the deadline; got ${events.map((e) => e.event).join(', ')}`)), left);
    });
    try {
      const { done, value } = await Promise.race([reader.read(), timeout]);
      if (done) {
        ended = true;
        return;
      }
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const lines = block.split('\n').filter((line) => !line.startsWith(':'));
        if (lines.length === 0) continue;
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
        const data = lines.find((l) => l.startsWith('data: '))?.slice(6) ?? 'null';
        events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
      }
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events,
    async until(match, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (taken < events.length) {
          const event = events[taken++]!;
          if (match(event)) return event;
        }
        if (ended) throw new Error(`SSE ended; got ${events.map((e) => e.event).join(', ')}`);
        await readMore(deadline);
      }
    },
    async finished(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!ended) await readMore(deadline);
      return events;
    },
    close: () => controller.abort(),
  };
}
