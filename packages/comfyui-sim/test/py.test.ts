// Python formatting and conversion rules that show up in ComfyUI's messages.
import { describe, expect, it } from 'vitest';
import { pyJson } from '../src/py-json.js';
import { PyError, PyFloat, floatRepr, pyFloat, pyInt, pyRound, pyStr } from '../src/py.js';

describe('python semantics', () => {
  it('prints floats like repr()', () => {
    expect(floatRepr(2)).toBe('2.0');
    expect(floatRepr(0.1)).toBe('0.1');
    expect(floatRepr(1e16)).toBe('1e+16');
    expect(floatRepr(1e-5)).toBe('1e-05');
    expect(floatRepr(123.456)).toBe('123.456');
    expect(floatRepr(-0.5)).toBe('-0.5');
  });

  it('str() of containers uses repr() inside', () => {
    expect(pyStr(['a', 'b'])).toBe("['a', 'b']");
    expect(pyStr([1, new PyFloat(2), null, true])).toBe('[1, 2.0, None, True]');
    expect(pyStr({ k: "it's" })).toBe(`{'k': "it's"}`);
  });

  it('int() and float() convert and fail like CPython', () => {
    expect(pyInt(' 12 ')).toBe(12);
    expect(pyInt(5.9)).toBe(5);
    expect(pyInt(true)).toBe(1);
    expect(() => pyInt('abc')).toThrow("invalid literal for int() with base 10: 'abc'");
    expect(() => pyInt('5.0')).toThrow(PyError);
    expect(() => pyInt(null)).toThrow("not 'NoneType'");
    expect(pyFloat('1e3').value).toBe(1000);
    expect(() => pyFloat('x')).toThrow("could not convert string to float: 'x'");
  });

  it('rounds halves to even', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5].map(pyRound)).toEqual([0, 2, 2, -0, -2]);
  });

  it('serialises like json.dumps (separators, ensure_ascii, float repr)', () => {
    expect(pyJson({ a: [1, new PyFloat(2)], b: 'é\n', c: null })).toBe('{"a": [1, 2.0], "b": "\\u00e9\\n", "c": null}');
  });
});
