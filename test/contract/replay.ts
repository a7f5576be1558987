// Replays one recording against the simulator: the same requests in the same order, WebSockets opened
// and closed where they were, and before each request a wait for the WebSocket frames the real server had
// sent by then (so the state matches without sleeping). Returns every difference found.
import WebSocket from 'ws';
import type { Simulator } from 'comfyui-sim';
import { WsClient, multipart, request, type Frame, type HttpResult } from 'comfyui-sim/test-client';
import { shapeDiff } from './shape.js';
import type { HttpEvent, RecordedEvent, WsFrameEvent } from './transcripts.js';

export interface ReplayState {
  sim: Simulator;
  /** recorded prompt_id → the simulator's prompt_id */
  ids: Map<string, string>;
  testImage: Buffer;
}

const RECORDED_HOST = '127.0.0.1:8188';
const isStatus = (f: { type: string }): boolean => f.type === 'status';

function socketKey(url: string): string {
  return new URL(url).search || '(no clientId)';
}

function translate(text: string, state: ReplayState): string {
  let out = text.replaceAll(RECORDED_HOST, new URL(state.sim.url).host);
  for (const [recorded, ours] of state.ids) out = out.replaceAll(recorded, ours);
  return out;
}

/** "image=<file a.png 138B image/png>, overwrite=\"true\"" → the multipart body it describes. */
function describedMultipart(desc: string, image: Buffer): { body: Buffer; contentType: string } {
  const spec = desc.replace(/^multipart\/form-data:\s*/, '');
  const fields: Parameters<typeof multipart>[0] = [];
  for (const m of spec.matchAll(/(\w+)=(?:<file (.+?) (\d+)B (\S+)>|"([^"]*)")/g)) {
    const [, name = '', filename, size, type, value] = m;
    if (filename !== undefined) {
      const n = Number(size);
      const data = n <= image.length ? image.subarray(0, n) : Buffer.concat([image, Buffer.alloc(n - image.length, 0x0a)]);
      fields.push({ name, filename, value: data, contentType: type });
    } else {
      fields.push({ name, value: value ?? '' });
    }
  }
  return multipart(fields);
}

async function send(ev: HttpEvent, state: ReplayState): Promise<HttpResult> {
  const r = ev.request;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k] = translate(v, state);
  let body: string | Buffer | undefined;
  if (r.body_desc !== undefined) {
    const mp = describedMultipart(r.body_desc, state.testImage);
    body = mp.body;
    headers['Content-Type'] = mp.contentType;
  } else if (r.body_raw !== undefined) {
    body = r.body_raw;
  } else if (r.body !== undefined) {
    body = translate(JSON.stringify(r.body), state);
  }
  return request(state.sim.url, translate(r.path, state), { method: r.method, headers, body });
}

function compareHttp(ev: HttpEvent, got: HttpResult, state: ReplayState): string[] {
  const where = `${ev.request.method} ${ev.request.path}${ev.note ? ` (${ev.note})` : ''}`;
  const problems: string[] = [];
  const exp = ev.response;
  if (got.status !== exp.status) return [`${where}: status ${got.status}, recorded ${exp.status}: ${got.text().slice(0, 200)}`];
  const expType = exp.headers['content-type'];
  if (expType !== undefined && got.headers['content-type'] !== expType) {
    problems.push(`${where}: content-type ${got.headers['content-type']}, recorded ${expType}`);
  }
  if (exp.headers['content-disposition'] !== undefined && got.headers['content-disposition'] === undefined) {
    problems.push(`${where}: no content-disposition`);
  }
  const b = exp.body;
  if (b.json !== undefined && /^\/history\/[^?]+$/.test(ev.request.path)) {
    const entries = (j: unknown): unknown[] => Object.values((j ?? {}) as Record<string, unknown>);
    const recordedEntry = entries(b.json)[0] as { outputs?: Record<string, unknown> } | undefined;
    let gotEntry: { outputs?: Record<string, unknown> } | undefined;
    try {
      gotEntry = entries(got.json())[0] as typeof gotEntry;
    } catch {
      gotEntry = undefined;
    }
    for (const [node, output] of Object.entries(recordedEntry?.outputs ?? {})) {
      learnTempNames(gotEntry?.outputs?.[node], output, state);
      problems.push(...outputDiff(gotEntry?.outputs?.[node], output).map((d) => `${where}: outputs.${node}${d}`));
    }
  }
  if (b.json !== undefined) {
    let parsed: unknown;
    try {
      parsed = got.json();
    } catch {
      return [...problems, `${where}: body is not JSON: ${got.text().slice(0, 200)}`];
    }
    problems.push(...shapeDiff(parsed, b.json, state.ids).map((d) => `${where}: ${d}`));
    // Validation errors and node definitions hold no ids or clocks: those must match byte for byte.
    const exact = (ev.request.path.endsWith('/prompt') && exp.status === 400) || ev.request.path.includes('/object_info/');
    if (exact && b.raw !== undefined && got.text() !== b.raw) problems.push(`${where}: body differs from the recorded bytes\n  got      ${got.text()}\n  recorded ${b.raw}`);
  } else if (b.text !== undefined) {
    if (expType?.startsWith('text/plain') && got.text() !== b.text) problems.push(`${where}: text ${JSON.stringify(got.text())}, recorded ${JSON.stringify(b.text)}`);
  } else if (b.binary_bytes !== undefined || b.bytes !== undefined) {
    const size = b.binary_bytes ?? b.bytes ?? 0;
    if ((got.body.length === 0) !== (size === 0)) problems.push(`${where}: ${got.body.length} bytes, recorded ${size}`);
    const magic = (b.first16_hex ?? b.head_hex ?? '').slice(0, 8);
    if (magic && got.body.subarray(0, 4).toString('hex') !== magic) problems.push(`${where}: body starts ${got.body.subarray(0, 4).toString('hex')}, recorded ${magic}`);
  }
  return problems;
}

// A temp file's name has a random part (ComfyUI_temp_<5 letters>_): same pattern, not the same letters.
const TEMP_NAME = /^ComfyUI_temp_[a-z]{5}_/;

/** Later requests name the recorded temp files (/view): they are sent with our random part instead. */
function learnTempNames(got: unknown, recorded: unknown, state: ReplayState): void {
  if (typeof got === 'string' && typeof recorded === 'string') {
    const ours = TEMP_NAME.exec(got)?.[0];
    const theirs = TEMP_NAME.exec(recorded)?.[0];
    if (ours && theirs) state.ids.set(theirs, ours);
  } else if (got && recorded && typeof got === 'object' && typeof recorded === 'object') {
    for (const [k, v] of Object.entries(recorded)) learnTempNames((got as Record<string, unknown>)[k], v, state);
  }
}

/**
 * A node's ui output must match the recording in its values, not only its shape: the keys (images, audio, text,
 * animated), each file's name, subfolder and type, the animated flags and the text.
 */
export function outputDiff(got: unknown, recorded: unknown, at = ''): string[] {
  if (typeof recorded === 'string' && typeof got === 'string') {
    if (TEMP_NAME.test(recorded) && got.replace(TEMP_NAME, '') === recorded.replace(TEMP_NAME, '') && TEMP_NAME.test(got)) return [];
    return got === recorded ? [] : [`${at}: ${JSON.stringify(got).slice(0, 200)}, recorded ${JSON.stringify(recorded).slice(0, 200)}`];
  }
  if (Array.isArray(recorded) && Array.isArray(got)) {
    if (got.length !== recorded.length) return [`${at}: ${got.length} items, recorded ${recorded.length}`];
    return recorded.flatMap((r, i) => outputDiff(got[i], r, `${at}[${i}]`));
  }
  if (recorded !== null && typeof recorded === 'object' && got !== null && typeof got === 'object' && !Array.isArray(got)) {
    const keys = Object.keys(recorded);
    const ours = Object.keys(got);
    if (keys.sort().join() !== ours.sort().join()) return [`${at}: keys ${JSON.stringify(ours)}, recorded ${JSON.stringify(keys)}`];
    return keys.flatMap((k) => outputDiff((got as Record<string, unknown>)[k], (recorded as Record<string, unknown>)[k], `${at}.${k}`));
  }
  return got === recorded ? [] : [`${at}: ${JSON.stringify(got)}, recorded ${JSON.stringify(recorded)}`];
}

async function waitForHistory(ev: HttpEvent, state: ReplayState): Promise<void> {
  const m = /^\/history\/([^?]+)$/.exec(ev.request.path);
  const recorded = ev.response.body.json;
  if (!m || !recorded || Object.keys(recorded).length === 0) return;
  const path = translate(ev.request.path, state);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const r = await request(state.sim.url, path);
    if (r.status === 200 && Object.keys(r.json() as object).length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function compareSocket(key: string, ours: Frame[], recorded: WsFrameEvent[], state: ReplayState): string[] {
  const problems: string[] = [];
  const rec = recorded.map((f) => f.json).filter((j): j is NonNullable<WsFrameEvent['json']> => j !== undefined);
  const ourTypes = ours.filter((f) => !isStatus(f)).map((f) => f.type);
  const recTypes = rec.filter((f) => !isStatus(f)).map((f) => f.type);
  if (ourTypes.join(',') !== recTypes.join(',')) {
    problems.push(`ws ${key}: event sequence\n  got      ${ourTypes.join(',')}\n  recorded ${recTypes.join(',')}`);
    return problems;
  }
  const ourStatus = ours.filter(isStatus);
  const recStatus = rec.filter(isStatus);
  if (ourStatus.length !== recStatus.length) problems.push(`ws ${key}: ${ourStatus.length} status frames, recorded ${recStatus.length}`);
  // progress_state lists the prompt's nodes so far; which output node ran first is that random set order again,
  // so its node ids are compared as a list of entries (count and shape).
  const comparable = (f: Frame): Frame => {
    if (f.type !== 'progress_state') return f;
    const data = f.data as { nodes?: Record<string, unknown> };
    return { ...f, data: { ...data, nodes: Object.values(data.nodes ?? {}) } } as Frame;
  };
  const pair = (a: Frame[], b: Frame[]): void => {
    a.forEach((f, i) => {
      const r = b[i];
      if (r) problems.push(...shapeDiff(comparable(f), comparable(r), state.ids).map((d) => `ws ${key} #${i} ${f.type}: ${d}`));
    });
  };
  pair(ours.filter((f) => !isStatus(f)), rec.filter((f) => !isStatus(f)));
  // Paired by prompt and node: ComfyUI runs independent output nodes in the order of a Python set of their ids,
  // which string hashing makes random from one server process to the next.
  const executed = (frames: { type: string; data: unknown }[]) =>
    frames.filter((f) => f.type === 'executed').map((f) => f.data as { node: string; prompt_id: string; output?: unknown });
  const recordedOutputs = executed(rec);
  for (const ourFrame of executed(ours)) {
    const match = recordedOutputs.find((r) => r.node === ourFrame.node && (state.ids.get(r.prompt_id) ?? r.prompt_id) === ourFrame.prompt_id);
    if (!match) problems.push(`ws ${key}: executed node ${ourFrame.node} of ${ourFrame.prompt_id} was not recorded`);
    else problems.push(...outputDiff(ourFrame.output, match.output).map((d) => `ws ${key} executed ${ourFrame.node}: output${d}`));
  }
  pair(ourStatus, recStatus);
  return problems;
}

/** 08_outputs.json used one socket and names it only where it opened: its frames belong to that socket. */
function withSocketUrls(events: RecordedEvent[]): RecordedEvent[] {
  let lastOpened = '';
  return events.map((ev) => {
    if (ev.kind === 'ws-open') lastOpened = ev.url;
    return ev.kind === 'ws' && ev.url === undefined ? { ...ev, url: lastOpened } : ev;
  });
}

export async function replay(recorded: RecordedEvent[], state: ReplayState): Promise<string[]> {
  const events = withSocketUrls(recorded);
  const problems: string[] = [];
  const sockets = new Map<string, WsClient>();
  const recordedFrames = new Map<string, WsFrameEvent[]>();
  for (const ev of events) {
    if (ev.kind === 'ws' && ev.json) {
      const k = socketKey(ev.url);
      recordedFrames.set(k, [...(recordedFrames.get(k) ?? []), ev]);
    }
  }
  const seen = new Map<string, { nonStatus: number; status: number }>();
  const waitUpTo = async (key: string, counts: { nonStatus: number; status: number }, withStatus: boolean): Promise<void> => {
    const client = sockets.get(key);
    if (!client) return;
    await client.waitCount(counts.nonStatus, (f) => !isStatus(f), `non-status frames on ${key}`);
    if (withStatus) await client.waitCount(counts.status, isStatus, `status frames on ${key}`);
  };

  for (const ev of events) {
    switch (ev.kind) {
      case 'ws': {
        const k = socketKey(ev.url);
        const c = seen.get(k) ?? { nonStatus: 0, status: 0 };
        if (ev.json && isStatus(ev.json)) c.status++;
        else c.nonStatus++;
        seen.set(k, c);
        break;
      }
      case 'ws-open': {
        // A socket opened later must not see frames the recording's socket could not have seen.
        for (const [k, counts] of seen) await waitUpTo(k, counts, true);
        const client = await WsClient.open(state.sim.url, new URL(ev.url).search);
        sockets.set(socketKey(ev.url), client);
        // Recordings made with a compressing client say what the server accepted: the same must be agreed here.
        if (ev.negotiated_extensions !== undefined && client.socket.extensions !== ev.negotiated_extensions) {
          problems.push(`ws ${socketKey(ev.url)}: extensions "${client.socket.extensions}", recorded "${ev.negotiated_extensions}"`);
        }
        break;
      }
      case 'ws-sent':
        sockets.get(socketKey(ev.url))?.send(ev.json);
        break;
      case 'ws-close': {
        const k = socketKey(ev.url);
        const client = sockets.get(k);
        if (!client) break;
        await waitUpTo(k, seen.get(k) ?? { nonStatus: 0, status: 0 }, true);
        problems.push(...compareSocket(k, client.frames, recordedFrames.get(k) ?? [], state));
        await client.close();
        sockets.delete(k);
        break;
      }
      case 'ws-rejected': {
        const status = await new Promise<number>((resolve) => {
          const ws = new WebSocket(`${state.sim.url.replace(/^http/, 'ws')}/ws?clientId=rejected`, { origin: 'http://evil.example' });
          ws.on('unexpected-response', (_req, res) => {
            resolve(res.statusCode ?? 0);
            ws.terminate();
          });
          ws.on('open', () => {
            resolve(101);
            ws.close();
          });
          ws.on('error', () => resolve(-1));
        });
        if (status !== ev.status) problems.push(`ws upgrade with foreign Origin: ${status}, recorded ${ev.status}`);
        break;
      }
      case 'http': {
        for (const [k, counts] of seen) await waitUpTo(k, counts, false);
        await waitForHistory(ev, state);
        const got = await send(ev, state);
        problems.push(...compareHttp(ev, got, state));
        const recordedJson = ev.response.body.json as { prompt_id?: string } | undefined;
        if (ev.request.path.endsWith('/prompt') && ev.request.method === 'POST' && recordedJson?.prompt_id && got.status === 200) {
          const ours = (got.json() as { prompt_id: string }).prompt_id;
          if (ours !== recordedJson.prompt_id) state.ids.set(recordedJson.prompt_id, ours);
        }
        break;
      }
    }
  }
  for (const [k, client] of sockets) {
    await waitUpTo(k, seen.get(k) ?? { nonStatus: 0, status: 0 }, true);
    problems.push(...compareSocket(k, client.frames, recordedFrames.get(k) ?? [], state));
    await client.close();
  }
  return problems;
}
