// Run-time estimates: a moving average per scenario and backend with sensible fall-backs.
import { describe, expect, it } from 'vitest';
import { createRunTimeEstimates } from '../../../src/backends/run-time-estimates.js';

describe('run-time estimates', () => {
  it('guesses the default before anything is measured', () => {
    expect(createRunTimeEstimates({ defaultMs: 1_234 }).estimate('s', 'b')).toBe(1_234);
  });

  it('starts at the first sample and moves toward new ones by alpha', () => {
    const times = createRunTimeEstimates({ alpha: 0.5 });
    times.recordRunTime('txt2img', 'gpu-a', 1_000);
    expect(times.estimate('txt2img', 'gpu-a')).toBe(1_000);
    times.recordRunTime('txt2img', 'gpu-a', 3_000);
    expect(times.estimate('txt2img', 'gpu-a')).toBe(2_000);
  });

  it('keeps backends apart, and falls back to the scenario elsewhere, then to the backend', () => {
    const times = createRunTimeEstimates({ alpha: 1 });
    times.recordRunTime('txt2img', 'fast', 500);
    times.recordRunTime('txt2img', 'slow', 4_000);
    expect(times.estimate('txt2img', 'fast')).toBe(500);
    expect(times.estimate('txt2img', 'slow')).toBe(4_000);
    expect(times.estimate('txt2img', 'new-gpu')).toBe(4_000);
    expect(times.estimate('upscale', 'fast')).toBe(500);
  });

  it('ignores samples that are not a duration', () => {
    const times = createRunTimeEstimates({ defaultMs: 7 });
    times.recordRunTime('s', 'b', Number.NaN);
    times.recordRunTime('s', 'b', -5);
    expect(times.estimate('s', 'b')).toBe(7);
  });
});
