// "Same shape": the same keys and value types, recursively. Values may differ (ids, timestamps, RAM,
// tracebacks); keys that are prompt ids are translated through the replay's id map first.

const LENGTH_MAY_DIFFER = new Set(['traceback', 'argv']);

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

export function shapeDiff(actual: unknown, expected: unknown, ids: ReadonlyMap<string, string>, at = '$'): string[] {
  const ka = kind(actual);
  const ke = kind(expected);
  if (ka !== ke) return [`${at}: expected ${ke}, got ${ka}`];
  if (ka === 'array') {
    const a = actual as unknown[];
    const e = expected as unknown[];
    const key = at.split('.').pop() ?? '';
    if (a.length !== e.length && !LENGTH_MAY_DIFFER.has(key)) return [`${at}: expected ${e.length} items, got ${a.length}`];
    const out: string[] = [];
    a.forEach((x, i) => {
      const ex = e[Math.min(i, e.length - 1)];
      if (e.length > 0) out.push(...shapeDiff(x, ex, ids, `${at}[${i}]`));
    });
    return out;
  }
  if (ka === 'object') {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const expectedKeys = Object.keys(e).map((k) => ids.get(k) ?? k);
    const missing = expectedKeys.filter((k) => !(k in a));
    const extra = Object.keys(a).filter((k) => !expectedKeys.includes(k));
    if (missing.length > 0 || extra.length > 0) {
      return [`${at}: keys differ (missing ${JSON.stringify(missing)}, unexpected ${JSON.stringify(extra)})`];
    }
    return Object.keys(e).flatMap((k) => shapeDiff(a[ids.get(k) ?? k], e[k], ids, `${at}.${k}`));
  }
  return [];
}
