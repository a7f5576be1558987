// The ways of spreading prompts over several ComfyUI servers that the pool benchmark compares:
//  - round-robin: what a plain proxy (nginx upstream) does: each prompt straight to the next server in turn;
//  - fewest pending: the original service's design notes: poll every server's /queue every 0.5 s and send to the
//    one with the fewest prompts (running + pending) as last seen; ties go to the first, as min() does;
//  - the gateway: POST /api/v1/workflows/submit, the gateway's queue and pool decide.
// The two baselines talk to the simulators directly, as those designs would.
import type { Dispatcher } from './pool-harness.js';

async function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url}: HTTP ${response.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function promptTo(simUrl: string, workflow: Record<string, unknown>): Promise<string> {
  const answer = await postJson(`${simUrl}/prompt`, { prompt: workflow, client_id: 'bench-pool' });
  return answer.prompt_id as string;
}

export function roundRobin(simUrls: readonly string[]): Dispatcher {
  let next = 0;
  return {
    label: 'round-robin',
    submit(workflow) {
      const url = simUrls[next++ % simUrls.length] as string;
      return promptTo(url, workflow);
    },
    close: async () => undefined,
  };
}

export function fewestPending(simUrls: readonly string[], pollMs = 500): Dispatcher {
  const pending = simUrls.map(() => 0);
  let stopped = false;
  const poll = async (): Promise<void> => {
    await Promise.all(simUrls.map(async (url, i) => {
      try {
        const queue = (await (await fetch(`${url}/queue`)).json()) as { queue_running: unknown[]; queue_pending: unknown[] };
        pending[i] = queue.queue_running.length + queue.queue_pending.length;
      } catch {
        pending[i] = Number.POSITIVE_INFINITY; // unreachable: never the minimum
      }
    }));
  };
  const loop = (async () => {
    while (!stopped) {
      await poll();
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  })();
  return {
    label: `fewest pending (polled every ${pollMs / 1000} s)`,
    submit(workflow) {
      // min() over the last poll: between two polls every prompt goes to the same server.
      let best = 0;
      for (let i = 1; i < pending.length; i++) if ((pending[i] as number) < (pending[best] as number)) best = i;
      return promptTo(simUrls[best] as string, workflow);
    },
    async close() {
      stopped = true;
      await loop;
    },
  };
}

export function throughGateway(gatewayUrl: string): Dispatcher {
  return {
    label: 'gateway',
    async submit(workflow) {
      const answer = await postJson(`${gatewayUrl}/api/v1/workflows/submit`, { workflow, client_id: 'bench-pool' });
      if (answer.code !== 200) throw new Error(`the gateway refused: ${answer.code} ${String(answer.message)}`);
      return (answer.data as { prompt_id: string }).prompt_id;
    },
    close: async () => undefined,
  };
}
