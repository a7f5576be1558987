// README.md's commands, run as written against `npm run demo` (started here as a child process on free ports).
//
// The rules, so nothing is skipped silently:
// - Every command in a ```bash block is found (a line continued by a trailing backslash or by an open quote is one
//   command). Lines starting with `>` / `<` after a command are its interactive session, not commands.
// - `curl …` commands run in bash, in a temp folder holding a copy of samples/, with only the documented address
//   (localhost or 127.0.0.1 at server.port's default) rewritten to the demo's address and `<prompt_id>` replaced by the prompt_id of the latest
//   answer that had one (after that job has ended, so the answer does not depend on timing).
//   Each must answer the envelope with code 200, or the code a comment right above it names (`→ code 404`).
//   With `-o FILE` the file must be a PNG; with `-N` (the SSE stream) the output must end with the `end` event;
//   a command whose comment says "not an envelope" (the OpenAPI document) must answer JSON that is not an error.
// - `npm run ws -- <url>` runs with its session: each `>` line is sent, each `<` line's message type must arrive.
// - Other `npm …` commands (install, test, start, dev, sim, bench, check, new-scenario, with or without
//   environment variables) start or build something other than a request to the demo: they are listed in
//   SKIPPED below, and a command that is neither curl, ws nor listed there fails the test.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config-schema.js';

// The README's examples use the gateway's default address; the test's demo listens on a free port instead.
const DOCUMENTED_ADDRESS = new RegExp(`(?:localhost|127\\.0\\.0\\.1):${configSchema.properties.server.properties.port.default}\\b`, 'g');

const root = fileURLToPath(new URL('../../', import.meta.url));
const SKIPPED = /^(?:[A-Z_]+=\S*\s+)*npm (?:install|test|start|run (?:dev|sim|bench|check|new-scenario|demo))\b/;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Command {
  text: string;
  /** The comment lines right above it. */
  comments: string[];
  /** `>` / `<` lines right after it. */
  session: string[];
}

/** Where a line leaves the quoting state (bash's rules, as far as README commands need them). */
function quoteState(line: string, start: "'" | '"' | null): "'" | '"' | null {
  let state = start;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (state === "'") {
      if (c === "'") state = null;
    } else if (c === '\\') i++;
    else if (state === '"') {
      if (c === '"') state = null;
    } else if (c === "'" || c === '"') state = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) break;
  }
  return state;
}

function readmeCommands(markdown: string): Command[] {
  const commands: Command[] = [];
  for (const block of markdown.matchAll(/^```bash\n([\s\S]*?)^```/gm)) {
    let comments: string[] = [];
    let current: Command | null = null;
    let open: "'" | '"' | null = null;
    let continued = false;
    for (const line of block[1]!.split('\n')) {
      if (current && (open || continued)) {
        current.text += `\n${line}`;
      } else if (/^[<>] /.test(line) && commands.length) {
        commands[commands.length - 1]!.session.push(line);
        continue;
      } else if (/^\s*#/.test(line) || !line.trim()) {
        comments = line.trim() ? [...comments, line] : [];
        current = null;
        continue;
      } else {
        current = { text: line, comments, session: [] };
        commands.push(current);
        comments = [];
      }
      open = quoteState(line, open);
      continued = !open && line.endsWith('\\');
    }
  }
  return commands;
}

function freePort(): Promise<{ port: number; server: Server }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ port: typeof address === 'object' && address ? address.port : 0, server });
    });
  });
}

interface Demo {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
}

/** `npm run demo`'s script (`tsx src/demo.ts`), in one process so that its PID is the demo's own. */
function startDemo(env: Record<string, string>): Demo {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/demo.ts'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const demo: Demo = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stdout!.on('data', (chunk: Buffer) => (demo.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (demo.stderr += chunk.toString()));
  return demo;
}

/** The gateway's port, once the demo prints it (or the demo's own words if it exits first). */
function gatewayPort(demo: Demo): Promise<number> {
  return new Promise((resolve, reject) => {
    const look = () => {
      const match = /^Gateway:\s+http:\/\/[^\s]+:(\d+)/m.exec(demo.stdout);
      if (match) {
        demo.child.stdout!.off('data', look);
        resolve(Number(match[1]));
      }
    };
    demo.child.stdout!.on('data', look);
    void demo.exited.then((code) => reject(new Error(`demo exited (${code}): ${demo.stderr}${demo.stdout}`)));
  });
}

function run(command: string, cwd: string): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', command], { cwd, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ stdout, stderr, code: error ? Number((error as { code?: number }).code ?? 1) : 0 }),
    );
  });
}

/** Waits for a job's `end` event on its SSE stream. */
async function jobEnded(base: string, promptId: string): Promise<void> {
  const response = await fetch(`${base}/api/v1/jobs/${promptId}/events`);
  const text = await response.text(); // the stream closes after `end`
  expect(text).toContain('event: end');
}

async function simFolders(tmp: string): Promise<string[]> {
  return (await readdir(tmp)).filter((name) => name.startsWith('comfy-sim-'));
}

const commands = readmeCommands(await readFile(path.join(root, 'README.md'), 'utf8'));

describe('README.md against npm run demo', () => {
  let work: string;
  let tmp: string;
  let demo: Demo;
  let port: number;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'readme-run-'));
    tmp = path.join(work, 'tmp');
    await cp(path.join(root, 'samples'), path.join(work, 'samples'), { recursive: true });
    await cp(path.join(root, 'samples'), tmp, { recursive: true }); // any folder will do; only comfy-sim-* counts
    demo = startDemo({
      PORT: '0',
      SIM_PORT: '0',
      HOST: '127.0.0.1',
      TMPDIR: tmp,
      INPUT_DIR: path.join(work, 'gateway-input'),
      OUTPUT_DIR: path.join(work, 'gateway-output'),
    });
    port = await gatewayPort(demo);
  }, 120_000);

  afterAll(async () => {
    if (demo && demo.child.exitCode === null) {
      process.kill(demo.child.pid!, 'SIGTERM');
      await demo.exited;
    }
    await rm(work, { recursive: true, force: true });
  }, 30_000);

  it('finds the commands, and every one is run or skipped by rule', () => {
    expect(commands.filter((c) => c.text.startsWith('curl')).length).toBeGreaterThan(20);
    const unknown = commands.filter((c) => !c.text.startsWith('curl') && !c.text.startsWith('npm run ws') && !SKIPPED.test(c.text));
    expect(unknown.map((c) => c.text)).toEqual([]);
  });

  it('runs every curl command as written (only the address rewritten)', async () => {
    const base = `http://127.0.0.1:${port}`;
    let lastPromptId: string | undefined;
    let ended = new Set<string>();
    const failures: string[] = [];
    for (const command of commands.filter((c) => c.text.startsWith('curl'))) {
      let text = command.text.replaceAll(DOCUMENTED_ADDRESS, `127.0.0.1:${port}`);
      if (text.includes('<prompt_id>')) {
        expect(lastPromptId, `no answer before has a prompt_id: ${command.text}`).toBeDefined();
        if (!ended.has(lastPromptId!)) await jobEnded(base, lastPromptId!);
        ended = new Set([...ended, lastPromptId!]);
        text = text.replaceAll('<prompt_id>', lastPromptId!);
      }
      const expected = Number(/→ code (\d+)/.exec(command.comments.join('\n'))?.[1] ?? 200);
      const result = await run(text, work);
      const file = /\s-o\s+(\S+)/.exec(text)?.[1];
      if (file) {
        const head = (await readFile(path.join(work, file))).subarray(0, 8);
        if (result.code !== 0 || !head.equals(PNG)) failures.push(`${command.text}\n  → ${file} is not a PNG`);
        continue;
      }
      if (/\s-N\s/.test(text)) {
        if (!/event: end\n/.test(result.stdout)) failures.push(`${command.text}\n  → no end event: ${result.stdout}`);
        continue;
      }
      let answer: { code?: number; data?: { prompt_id?: string } | null } = {};
      try {
        answer = JSON.parse(result.stdout) as typeof answer;
      } catch {
        failures.push(`${command.text}\n  → not JSON (exit ${result.code}): ${result.stdout.slice(0, 300)}`);
        continue;
      }
      if (/#.*not an envelope/.test(command.text)) {
        if (result.code !== 0 || answer.code !== undefined) failures.push(`${command.text}\n  → ${result.stdout.slice(0, 300)}`);
        continue;
      }
      if (answer.code !== expected) failures.push(`${command.text}\n  → code ${answer.code}, expected ${expected}: ${result.stdout.slice(0, 400)}`);
      if (typeof answer.data?.prompt_id === 'string') lastPromptId = answer.data.prompt_id;
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('runs the WebSocket session with npm run ws', async () => {
    const command = commands.find((c) => c.text.startsWith('npm run ws'))!;
    expect(command.session.length).toBeGreaterThan(2);
    const url = command.text.replace(/^npm run ws -- /, '').replaceAll(DOCUMENTED_ADDRESS, `127.0.0.1:${port}`);
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/ws.ts', url], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    // The README abbreviates the answers (`"..."`), so only their types are compared.
    const wanted = command.session.filter((l) => l.startsWith('< ')).map((l) => /"type": "(\w+)"/.exec(l)![1]!);
    let received = '';
    const seen = (type: string) => received.split('\n').some((l) => l.startsWith('< ') && l.includes(`"type":"${type}"`));
    const allSeen = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        received += chunk.toString();
        if (wanted.every(seen)) resolve();
      });
      child.once('exit', () => reject(new Error(`ws ended; wanted ${wanted.join(', ')}; received:\n${received}`)));
    });
    for (const line of command.session.filter((l) => l.startsWith('> '))) child.stdin.write(`${line}\n`);
    await allSeen;
    const closed = new Promise((resolve) => child.once('exit', resolve));
    child.stdin.end();
    expect(await closed).toBe(0);
  }, 60_000);

  it('stops on SIGTERM and removes the simulator data folder', async () => {
    expect(await simFolders(tmp)).toHaveLength(1);
    process.kill(demo.child.pid!, 'SIGTERM');
    expect(await demo.exited).toBe(0);
    expect(await simFolders(tmp)).toEqual([]);
  }, 30_000);

  it('refuses a busy port in one line, and leaves no folder behind', async () => {
    const busy = await freePort();
    const busyTmp = path.join(work, 'tmp-busy');
    await cp(path.join(root, 'samples'), busyTmp, { recursive: true });
    try {
      const refused = startDemo({ PORT: String(busy.port), SIM_PORT: '0', HOST: '127.0.0.1', TMPDIR: busyTmp });
      expect(await refused.exited).toBe(1);
      expect(refused.stderr.trim().split('\n')).toEqual([
        `demo: port ${busy.port} (the gateway) is already in use: set PORT to another port, or PORT=0 for a free one`,
      ]);
      expect(await simFolders(busyTmp)).toEqual([]);
    } finally {
      busy.server.close();
    }
  }, 60_000);
});
