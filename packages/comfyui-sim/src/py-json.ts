// json.dumps() as aiohttp's json_response and ComfyUI's send_json call it: ", " and ": " separators,
// ensure_ascii escapes, floats printed with repr(). Clients parse either form the same way; the point is
// that raw bodies and Content-Length match what the real server sends.
import { PyFloat, floatRepr } from './py.js';

function escapeString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += s[i];
  }
  return out + '"';
}

function floatJson(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return floatRepr(x);
}

export function pyJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (v instanceof PyFloat) return floatJson(v.value);
  if (typeof v === 'number') {
    if (v === 0) return '0';
    if (Number.isInteger(v)) return v.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 0 });
    return floatJson(v);
  }
  if (typeof v === 'string') return escapeString(v);
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  if (typeof v === 'object') {
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v as object)) {
      if (x === undefined) continue;
      parts.push(`${escapeString(k)}: ${pyJson(x)}`);
    }
    return `{${parts.join(', ')}}`;
  }
  return 'null';
}
