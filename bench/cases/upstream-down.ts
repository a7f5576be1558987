// How long a caller waits for its 1001 when ComfyUI is down: (a) nothing listens on the port (refused at once),
// (b) a host that never answers the TCP handshake (the connect timeout fires), (c) ComfyUI accepts but never
// answers (the request timeout fires). (b) uses a listening socket whose backlog is full, on loopback only.
import net from 'node:net';
import type { BenchCase, BenchRow } from '../lib.js';
import { round, runAlone, startBenchGateway, summarize } from '../lib.js';

const repeats = 20;

async function timeFailures(comfyUrl: string, timeouts: { connect: number; request: number }): Promise<number[]> {
  const gateway = await startBenchGateway({
    comfyui: { url: comfyUrl, connect_timeout_ms: timeouts.connect, request_timeout_ms: timeouts.request },
  });
  const samples: number[] = [];
  try {
    for (let i = 0; i < repeats; i++) {
      const started = performance.now();
      const response = await fetch(`${gateway.url}/api/v1/queue/status`);
      const body = (await response.json()) as { code: number };
      if (body.code !== 1001) throw new Error(`expected code 1001, got ${body.code}`);
      samples.push(performance.now() - started);
    }
  } finally {
    await gateway.close();
  }
  return samples;
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Accepts connections and never answers: only the gateway's request timeout can end the wait. */
async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export const upstreamDown: BenchCase = {
  name: 'upstream-down',
  description: 'time for one request to fail with 1001 when ComfyUI is down',
  async run() {
    const rows: BenchRow[] = [];
    const refused = summarize(await timeFailures(`http://127.0.0.1:${await closedPort()}`, { connect: 3000, request: 30000 }));
    rows.push({ case: 'upstream-down', metric: 'refused: p50', value: round(refused.p50), unit: 'ms' });
    rows.push({ case: 'upstream-down', metric: 'refused: max', value: round(refused.max), unit: 'ms' });

    const silent = await silentServer();
    try {
      const hung = summarize(await timeFailures(silent.url, { connect: 3000, request: 1000 }));
      rows.push({
        case: 'upstream-down',
        metric: 'no answer (request_timeout_ms=1000): p50',
        value: round(hung.p50),
        unit: 'ms',
        target: '≈ 1000',
        pass: hung.p50 >= 1000 && hung.p50 < 1200,
      });
      rows.push({ case: 'upstream-down', metric: 'no answer: max', value: round(hung.max), unit: 'ms' });
    } finally {
      await silent.close();
    }
    return rows;
  },
};

await runAlone(upstreamDown, import.meta.url);
