// Strings: PrimitiveString, StringConcatenate, and PreviewAny, whose `text` output is a string source as it is
// and anything else in its printed form (an IMAGE prints as torch prints a tensor).
import { formatValue } from '../runtime-error.js';
import { pyStr } from '../py.js';
import type { ImageBatch, NodeImpl, NodeValue } from './types.js';

export const PrimitiveString: NodeImpl = {
  async run(inputs) {
    return { outputs: [pyStr(inputs.value)] };
  },
};

export const StringConcatenate: NodeImpl = {
  async run(inputs) {
    return { outputs: [`${pyStr(inputs.string_a)}${pyStr(inputs.delimiter)}${pyStr(inputs.string_b)}`] };
  },
};

/** torch's repr of a [B,H,W,3] float tensor: 4 decimals, and past 1000 values only 3 items at each edge. */
function tensorText(batch: ImageBatch): string {
  const shape = [batch.frames.length, batch.height, batch.width, 3];
  const total = shape.reduce((a, b) => a * b, 1);
  const summarize = total > 1000;
  const value = (idx: number[]): string => {
    const [b = 0, y = 0, x = 0, c = 0] = idx;
    return ((batch.frames[b]?.[(y * batch.width + x) * 3 + c] ?? 0) / 255).toFixed(4);
  };
  const level = (depth: number, idx: number[]): string => {
    const n = shape[depth] ?? 0;
    const picks: (number | null)[] = summarize && n > 6 ? [0, 1, 2, null, n - 3, n - 2, n - 1] : Array.from({ length: n }, (_, i) => i);
    if (depth === shape.length - 1) return `[${picks.map((i) => (i === null ? '...' : value([...idx, i]))).join(', ')}]`;
    const indent = ' '.repeat('tensor('.length + depth + 1);
    const sep = `,${'\n'.repeat(shape.length - 1 - depth)}${indent}`;
    return `[${picks.map((i) => (i === null ? '...' : level(depth + 1, [...idx, i]))).join(sep)}]`;
  };
  return `tensor(${level(0, [])})`;
}

function printed(v: NodeValue | undefined): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && 'kind' in v) {
    if (v.kind === 'IMAGE') return tensorText(v as ImageBatch);
    return pyStr(formatValue(v));
  }
  // Numbers and booleans print as Python does; lists and dicts as indented JSON.
  if (v === null || v === undefined || typeof v !== 'object') return pyStr(v);
  return JSON.stringify(v, null, 4);
}

export const PreviewAny: NodeImpl = {
  async run(inputs) {
    return { outputs: [], ui: { text: [printed(inputs.source)] } };
  },
};
