import { describe, expect, it } from 'vitest';
import { findPathProblem } from '../../../src/images/image-ref.js';

describe('findPathProblem', () => {
  it('accepts ordinary references', () => {
    expect(findPathProblem('result.png', '')).toBeUndefined();
    expect(findPathProblem('结果 (1).png', 'a/b')).toBeUndefined();
  });

  it.each([
    ['../secret.png', ''],
    ['a..b.png', ''],
    ['/etc/passwd', ''],
    ['C:evil.png', ''],
    ['a\\b.png', ''],
    ['a\u0000.png', ''],
    ['a\u0007.png', ''],
    ['..%2fsecret.png', ''],
    ['x%5c.png', ''],
    ['sub/x.png', ''],
    ['x.png', '..'],
    ['x.png', '../other'],
    ['x.png', 'a/../../b'],
    ['x.png', '/abs'],
    ['x.png', 'a\\b'],
    ['x.png', 'a%2F..'],
    ['x.png', 'a\u0000'],
  ])('refuses filename %j in subfolder %j', (filename, subfolder) => {
    expect(findPathProblem(filename, subfolder)).toBeDefined();
  });

  it('tells a directory in filename apart from traversal', () => {
    expect(findPathProblem('sub/x.png', '')?.key).toBe('reason.filename_has_dir');
    expect(findPathProblem('../x.png', '')?.key).toBe('reason.unsafe_path');
  });
});
