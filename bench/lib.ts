// Shared pieces of the benchmarks: the row format, percentiles, and starting the real gateway (and simulator) on
// free ports with temporary folders, exactly as the tests do.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config, type DeepPartial } from '../src/config.js';
import { startGateway, type Gateway } from '../src/server.js';

export interface BenchRow {
  case: string;
  metric: string;
  value: number;
  unit: string;
  /** A target from the issue, e.g. "< 250"; `pass` says whether the value meets it. */
  target?: string;
  pass?: boolean;
}

export interface BenchCase {
  name: string;
  description: string;
  run(): Promise<BenchRow[]>;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export function summarize(samples: number[]): { p50: number; p95: number; p99: number; max: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    n: sorted.length,
  };
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export interface BenchGateway extends Gateway {
  dir: string;
}

/** The real gateway on a free port, silent, with its folders in a fresh temporary directory. */
export async function startBenchGateway(overrides: DeepPartial<Config> = {}): Promise<BenchGateway> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gateway-bench-'));
  const config = loadConfig({
    cwd: dir,
    env: {},
    overrides: [
      { server: { host: '127.0.0.1', port: 0 }, scenarios: { watch: false }, log: { level: 'silent' as const } },
      overrides,
    ],
  });
  const gateway = await startGateway(config);
  const stop = gateway.close.bind(gateway);
  return Object.assign(gateway, {
    dir,
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  });
}

/** Options that take a value (`--seconds 2` or `--seconds=2`); the runner skips their values when reading case names. */
export const VALUE_OPTIONS = ['--seconds', '--jobs', '--rounds'] as const;

/** A flag of the bench (`--built`). */
export function flagOption(name: string, argv = process.argv): boolean {
  return argv.includes(name);
}

/** A numeric command-line option of the bench (`--seconds 2`), else the fallback. */
export function numberOption(name: (typeof VALUE_OPTIONS)[number], fallback: number, argv = process.argv): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const text = arg === name ? argv[i + 1] : arg.startsWith(`${name}=`) ? arg.slice(name.length + 1) : undefined;
    if (text === undefined) continue;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} needs a positive number, got "${text}"`);
    return value;
  }
  return fallback;
}

/** Lets `tsx bench/cases/<case>.ts` run one case alone and print its rows. */
export async function runAlone(benchCase: BenchCase, moduleUrl: string): Promise<void> {
  if (process.argv[1] && moduleUrl.endsWith(path.basename(process.argv[1]))) {
    const rows = await benchCase.run();
    console.table(rows);
  }
}
