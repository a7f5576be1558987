// How a backend's health is checked (src/pool/backend.ts), seen from the wire: a counting proxy in front of a real
// simulator shows which HTTP requests the probe sends. While the event stream is open and answers its pings, the
// stream stands in for the HTTP probe; a stream that stops answering brings the probe back, and the backend is
// taken out and comes back exactly as before.
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { startSimulator, type Simulator } from 'comfyui-sim';
import { createBackend, type Backend } from '../../src/pool/backend.js';
import { startCountingProxy, type CountingProxy } from '../helpers/counting-proxy.js';
import { waitFor } from '../helpers/wait.js';

const PROBE_MS = 50;

describe('backend health probes', () => {
  let sim: Simulator | undefined;
  let proxy: CountingProxy | undefined;
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.close({ force: true });
    proxy?.release();
    proxy?.resumeStreams();
    await proxy?.close();
    await sim?.close();
    backend = proxy = sim = undefined;
  });

  async function start(options: { probeStream: boolean; statsIntervalMs?: number; requestTimeoutMs?: number }): Promise<CountingProxy> {
    sim = await startSimulator({ port: 0 });
    proxy = await startCountingProxy(sim.url);
    backend = createBackend(
      { name: 'gpu', url: proxy.url, slots: 1, weight: 1, labels: [] },
      {
        upstreamClientId: 'probe-test',
        connectTimeoutMs: 1_000,
        requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
        wsReconnectMinMs: 50,
        wsReconnectMaxMs: 200,
        probeIntervalMs: PROBE_MS,
        ejectAfterFailures: 2,
        probeStream: options.probeStream,
        statsIntervalMs: options.statsIntervalMs ?? 60_000,
        log: pino({ level: 'silent' }),
      },
    );
    await waitFor('the event stream', () => backend?.events.connected);
    return proxy;
  }

  it('reads /system_stats and /queue every interval when the stream may not stand in', async () => {
    const counts = await start({ probeStream: false });
    await waitFor('ten probes', () => counts.count('GET /queue') >= 10);
    expect(counts.count('GET /system_stats')).toBeGreaterThanOrEqual(10);
  });

  it('pings the open stream instead, and reads only /system_stats, every stats_interval_ms', async () => {
    const counts = await start({ probeStream: true, statsIntervalMs: 8 * PROBE_MS });
    const queueAtConnect = counts.count('GET /queue');
    // Three stats reads span at least two stats intervals: sixteen probe intervals, each a probe before.
    const statsAtConnect = counts.count('GET /system_stats');
    await waitFor('two more stats reads', () => counts.count('GET /system_stats') >= statsAtConnect + 2);
    // The probe's first /queue may still have been in flight when the stream connected.
    expect(counts.count('GET /queue') - queueAtConnect).toBeLessThanOrEqual(1);
    expect(backend?.up).toBe(true);
    expect(backend?.device?.name).toBeTruthy();
  });

  it('takes out a backend whose stream stops answering, and takes it back when it answers again', async () => {
    const counts = await start({ probeStream: true, requestTimeoutMs: 300 });
    const http = () => counts.count('GET /system_stats') + counts.count('GET /queue');
    // A hung server: nothing on the stream, and HTTP requests get no answer.
    counts.hold('GET /system_stats');
    counts.hold('GET /queue');
    counts.pauseStreams();
    const httpWhenHung = http();
    await waitFor('the backend out of the pool', () => backend?.up === false);
    expect(backend?.lastError).toMatch(/.+/);
    // The missed pong brought the HTTP probe back (stats are read once a minute here: it was the probe that failed).
    expect(http()).toBeGreaterThan(httpWhenHung);
    counts.resumeStreams();
    counts.release();
    await waitFor('the backend back in the pool', () => backend?.up === true);
  });
});
