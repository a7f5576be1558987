// The recent jobs feed over a real tracker: what a caller's stream hears (its own jobs only), and how a filtered
// stream tells a job that left the filter; over a source that answers later (Redis), what the stream tells first.
import { describe, expect, it } from 'vitest';
import { createImageUrlBuilder } from '../../../src/images/image-url.js';
import { createClosing } from '../../../src/jobs/closing.js';
import { createJobFeed } from '../../../src/jobs/job-feed.js';
import { trackedJobs, type JobSource, type RecentJobs } from '../../../src/jobs/job-source.js';
import { createJobTracker, type JobRecord, type NewJob } from '../../../src/jobs/tracker.js';

const imageUrl = createImageUrlBuilder({ mode: 'gateway', publicUrl: '', comfyuiUrl: 'http://127.0.0.1:8188' });
const alice = { id: 'alice', admin: false };

function job(promptId: string, owner: string): NewJob {
  return { promptId, owner, clientId: undefined, scenario: 'invert', submittedAt: 1_000, number: undefined };
}

/** The frames written so far, as [event, prompt id(s)]. */
function framesOf(chunks: string[]): [string, string | string[]][] {
  return chunks.join('').split('\n\n').filter((block) => block.startsWith('event: ')).map((block) => {
    const [head, data] = block.split('\n');
    const value = JSON.parse(data!.slice(6)) as { prompt_id: string } | { prompt_id: string }[];
    return [head!.slice(7), Array.isArray(value) ? value.map((item) => item.prompt_id) : value.prompt_id];
  });
}

describe('job feed', () => {
  it('a caller lists and hears only its own jobs, newest first; a filter narrows both', async () => {
    const tracker = createJobTracker();
    const feed = createJobFeed({ source: trackedJobs(tracker), imageUrl, closing: createClosing() });
    tracker.record(job('a1', 'alice'));
    tracker.record(job('b1', 'bob'));
    tracker.record(job('a2', 'alice'));
    expect((await feed.list(alice, {}, 10, 'http://gw')).map((j) => j.prompt_id)).toEqual(['a2', 'a1']);
    expect((await feed.list(undefined, {}, 10, 'http://gw')).map((j) => j.prompt_id)).toEqual(['a2', 'b1', 'a1']);
    expect((await feed.list({ id: 'ops', admin: true }, { caller: 'bob' }, 10, 'http://gw')).map((j) => j.prompt_id)).toEqual(['b1']);

    const chunks: string[] = [];
    const stream = await feed.stream(alice, {}, 10, 'http://gw');
    stream.body.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    tracker.apply('b1', { type: 'execution_start', data: { prompt_id: 'b1' } });
    tracker.apply('a1', { type: 'execution_start', data: { prompt_id: 'a1' } });
    tracker.record(job('b2', 'bob'));
    stream.stop();
    feed.close();
    expect(framesOf(chunks)).toEqual([['jobs', ['a2', 'a1']], ['job', 'a1']]);
  });

  it('a stream filtered to running jobs shows one when it starts and says it is gone when it ends', async () => {
    const tracker = createJobTracker();
    const feed = createJobFeed({ source: trackedJobs(tracker), imageUrl, closing: createClosing() });
    tracker.record(job('a1', 'alice'));
    tracker.record(job('a2', 'alice'));
    const chunks: string[] = [];
    const stream = await feed.stream(alice, { status: 'running' }, 10, 'http://gw');
    stream.body.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    tracker.apply('a1', { type: 'execution_start', data: { prompt_id: 'a1' } });
    tracker.apply('a1', { type: 'execution_success', data: { prompt_id: 'a1' } });
    // Never shown by this stream: its end is nothing to it.
    tracker.apply('a2', { type: 'execution_error', data: { prompt_id: 'a2', exception_message: 'boom' } });
    stream.stop();
    feed.close();
    expect(framesOf(chunks)).toEqual([['jobs', []], ['job', 'a1'], ['gone', 'a1']]);
  });

  it('a list read from a shared store: changes heard meanwhile follow it, never going back from what it shows', async () => {
    // The source answers later, as Redis does; its changes arrive as another process publishes them.
    const tell: ((changed: JobRecord) => void)[] = [];
    let answer: (page: RecentJobs) => void = () => undefined;
    const source: JobSource = {
      recent: () => new Promise<RecentJobs>((resolve) => (answer = resolve)),
      onChange(listener) {
        tell.push(listener);
        return () => undefined;
      },
      close: () => undefined,
    };
    const feed = createJobFeed({ source, imageUrl, closing: createClosing() });
    const record = (promptId: string, status: JobRecord['status']): JobRecord => ({ ...job(promptId, 'alice'), status, outputs: [] });
    const opening = feed.stream(alice, {}, 10, 'http://gw');
    // Heard while the list is read: an older state of a job the list shows ended, and a job it does not show.
    for (const listener of tell) listener(record('old', 'running'));
    for (const listener of tell) listener(record('new', 'queued'));
    answer({ jobs: [record('old', 'succeeded')], more: false });
    const stream = await opening;
    const chunks: string[] = [];
    stream.body.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    for (const listener of tell) listener(record('new', 'running'));
    stream.stop();
    feed.close();
    expect(framesOf(chunks)).toEqual([['jobs', ['old']], ['job', 'new'], ['job', 'new']]);
  });

  it('a stream whose list is still being read when the gateway closes writes nothing', async () => {
    let answer: (page: RecentJobs) => void = () => undefined;
    const source: JobSource = {
      recent: () => new Promise<RecentJobs>((resolve) => (answer = resolve)),
      onChange: () => () => undefined,
      close: () => undefined,
    };
    const closing = createClosing();
    const feed = createJobFeed({ source, imageUrl, closing });
    const opening = feed.stream(alice, {}, 10, 'http://gw');
    closing.close();
    answer({ jobs: [], more: false });
    const stream = await opening;
    const chunks: string[] = [];
    stream.body.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    await new Promise((resolve) => stream.body.once('end', resolve));
    expect(chunks).toEqual([]);
    feed.close();
  });

  it('ends its streams when the gateway closes', async () => {
    const tracker = createJobTracker();
    const closing = createClosing();
    const feed = createJobFeed({ source: trackedJobs(tracker), imageUrl, closing });
    const stream = await feed.stream(undefined, {}, 10, 'http://gw');
    const ended = new Promise((resolve) => stream.body.once('end', resolve));
    stream.body.resume();
    closing.close();
    await ended;
    feed.close();
  });
});
