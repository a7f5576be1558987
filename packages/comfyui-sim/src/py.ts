// Python semantics that ComfyUI's answers depend on: str()/repr() of values, float repr,
// int()/float() conversion rules and their error texts, truthiness, banker's rounding.
// The simulator formats its messages with these so they read exactly like the real server's.

/** A value that Python holds as a float (so it prints as `2.0`, not `2`). */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
}

export type JsonValue = null | boolean | number | PyFloat | string | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof PyFloat);
}

export function num(v: unknown): number {
  return v instanceof PyFloat ? v.value : Number(v);
}

/** Python's repr(float): shortest round-trip digits, exponent form outside 1e-4 <= |x| < 1e16. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant = '0', expStr = '0'] = x.toExponential().split('e');
  const exp = Number(expStr);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    out = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (exp < 0) {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    out = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  } else {
    out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return neg ? `-${out}` : out;
}

function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python repr() of a JSON-decoded value. */
export function pyRepr(v: unknown): string {
  if (typeof v === 'string') return strRepr(v);
  return pyStr(v);
}

/** Python str() of a JSON-decoded value. */
export function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (v === 0) return '0';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 0 }) : floatRepr(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as object).map(([k, x]) => `${strRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  }
  return String(v);
}

export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof PyFloat) return 'float';
  if (v === 0) return '0';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false;
  if (typeof v === 'number') return v !== 0;
  if (v instanceof PyFloat) return v.value !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/** Python `a == b` for JSON values (1 == 1.0 == True). */
export function pyEq(a: unknown, b: unknown): boolean {
  const n = (x: unknown): number | undefined =>
    typeof x === 'number' ? x : x instanceof PyFloat ? x.value : typeof x === 'boolean' ? Number(x) : undefined;
  const na = n(a);
  const nb = n(b);
  if (na !== undefined || nb !== undefined) return na === nb;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEq(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && pyEq(a[k], b[k]));
  }
  return a === b;
}

export class PyError extends Error {
  constructor(readonly pyType: string, message: string) {
    super(message);
  }
}

const INT_LITERAL = /^[+-]?(\d(_?\d)*)$/;
const FLOAT_LITERAL = /^[+-]?((\d(_?\d)*)?\.?(\d(_?\d)*)?([eE][+-]?\d(_?\d)*)?|inf(inity)?|nan)$/i;

/** Python int(v): truncates floats, parses decimal strings, raises with CPython's messages. */
export function pyInt(v: unknown): number {
  if (typeof v === 'boolean') return Number(v);
  if (typeof v === 'number' || v instanceof PyFloat) {
    const x = num(v);
    if (Number.isNaN(x)) throw new PyError('ValueError', 'cannot convert float NaN to integer');
    if (!Number.isFinite(x)) throw new PyError('OverflowError', 'cannot convert float infinity to integer');
    return Math.trunc(x);
  }
  if (typeof v === 'string') {
    const s = v.trim();
    if (INT_LITERAL.test(s)) return Number(s.replaceAll('_', ''));
    throw new PyError('ValueError', `invalid literal for int() with base 10: ${strRepr(v)}`);
  }
  throw new PyError(
    'TypeError',
    `int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(v)}'`,
  );
}

/** Python float(v). */
export function pyFloat(v: unknown): PyFloat {
  if (typeof v === 'boolean') return new PyFloat(Number(v));
  if (typeof v === 'number' || v instanceof PyFloat) return new PyFloat(num(v));
  if (typeof v === 'string') {
    const s = v.trim();
    if (s !== '' && /\d|inf|nan/i.test(s) && FLOAT_LITERAL.test(s)) {
      const low = s.toLowerCase().replaceAll('_', '');
      if (low.includes('nan')) return new PyFloat(NaN);
      if (low.includes('inf')) return new PyFloat(low.startsWith('-') ? -Infinity : Infinity);
      return new PyFloat(Number(low));
    }
    throw new PyError('ValueError', `could not convert string to float: ${strRepr(v)}`);
  }
  throw new PyError('TypeError', `float() argument must be a string or a real number, not '${pyTypeName(v)}'`);
}

/** Python 3 round(): halves go to the even neighbour. */
export function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Python `key in container` for the container types a JSON body can hold. */
export function pyIn(key: string, container: unknown): boolean {
  if (isObject(container)) return Object.prototype.hasOwnProperty.call(container, key);
  if (Array.isArray(container)) return container.some((x) => pyEq(x, key));
  if (typeof container === 'string') return container.includes(key);
  throw new PyError('TypeError', `argument of type '${pyTypeName(container)}' is not iterable`);
}

/** Deep copy that keeps PyFloat markers (structuredClone would drop the class). */
export function deepCopy<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x: unknown) => deepCopy(x)) as T;
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) out[k] = deepCopy(x);
    return out as T;
  }
  return v;
}
