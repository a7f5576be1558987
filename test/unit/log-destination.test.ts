// The batched log destination, writing to a real file: a line after a quiet spell is written at once, a burst
// waits for its batch, its hold time or a flush, and what is buffered is written when the process exits.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { batchedStdout } from '../../src/log-destination.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFile(): { file: string; fd: number } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'log-destination-'));
  dirs.push(dir);
  const file = path.join(dir, 'out.log');
  return { file, fd: openSync(file, 'a') };
}

describe('batchedStdout', () => {
  it('writes a line after a quiet spell at once and holds a burst until its batch fills or it is flushed', () => {
    const { file, fd } = tempFile();
    let clock = 1_000;
    const destination = batchedStdout({ fd, holdMs: 50, batchBytes: 40, now: () => clock });
    destination.write('first\n');
    expect(readFileSync(file, 'utf8')).toBe('first\n');
    clock += 1;
    destination.write('second\n');
    expect(readFileSync(file, 'utf8')).toBe('first\n');
    destination.flush();
    expect(readFileSync(file, 'utf8')).toBe('first\nsecond\n');
    clock += 1;
    destination.write('a burst line of twenty\n');
    destination.write('another of twenty-one\n');
    // 44 bytes buffered, more than batchBytes: written without waiting for the hold time.
    expect(readFileSync(file, 'utf8')).toBe('first\nsecond\na burst line of twenty\nanother of twenty-one\n');
    clock += 100;
    destination.write('after a pause\n');
    expect(readFileSync(file, 'utf8')).toMatch(/after a pause\n$/);
    closeSync(fd);
  });

  it('writes a held line once the hold time has passed', async () => {
    const { file, fd } = tempFile();
    // A stopped clock: the second line always follows the first closely, however loaded the machine is.
    const destination = batchedStdout({ fd, holdMs: 20, now: () => 0 });
    destination.write('one\n');
    destination.write('two\n');
    expect(readFileSync(file, 'utf8')).toBe('one\n');
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (readFileSync(file, 'utf8') !== 'one\ntwo\n') return;
        clearInterval(check);
        resolve();
      }, 5);
    });
    closeSync(fd);
  });

  it('writes what is held when the process exits', () => {
    const { file, fd } = tempFile();
    closeSync(fd);
    const module = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/log-destination.ts');
    const script = [
      `import { openSync } from 'node:fs';`,
      `const { batchedStdout } = await import(${JSON.stringify(module)});`,
      `const destination = batchedStdout({ fd: openSync(${JSON.stringify(file)}, 'a'), holdMs: 60_000 });`,
      `for (let i = 0; i < 3; i++) destination.write('line ' + i + '\\n');`,
      `process.exit(0);`,
    ].join('\n');
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
    expect(readFileSync(file, 'utf8')).toBe('line 0\nline 1\nline 2\n');
  });
});
