// The queue the gateway holds in front of the pool. Dispatch order: priority levels, highest effective priority
// first, where a level's effective priority grows with the wait of its oldest job (aging: nothing starves); inside
// a level, callers take turns (one flooding caller cannot starve the others) and each caller's jobs go in the order
// they came. takeFor(canRun) gives a backend the first job in that order it can run.
//
// Shape, chosen so a decision costs what it looks at and not what is queued: a few levels; per level a ring of
// callers, each with its own doubly linked FIFO; an index by id. Enqueue and remove are O(1) (in-order arrivals),
// a decision walks only the jobs ahead of the one it takes, and a backend that found nothing runnable is not
// walked again until something new arrives.
import type { Requirements } from './capabilities.js';

export interface QueuedJob {
  id: string;
  caller: string;
  /** Higher goes first. */
  priority: number;
  /** ms since the epoch (or any clock the queue's `now` shares). */
  enqueuedAt: number;
  requirements: Requirements;
}

/**
 * Must answer the same for the same requirements for as long as it is the same function: pass a new function
 * when a backend's capabilities change, so "nothing runnable here" is not remembered past that.
 */
export type CanRun = (requirements: Requirements) => boolean;

export interface GatewayQueueOptions {
  now?: () => number;
  /** Priority points a level gains per minute its oldest job has waited; 0 turns aging off. */
  agingPerMinute?: number;
}

export interface GatewayQueue {
  readonly size: number;
  /** Throws on an id already queued: a job is queued once. */
  enqueue(job: QueuedJob): void;
  remove(id: string): QueuedJob | undefined;
  get(id: string): QueuedJob | undefined;
  /** 1 for the next job to go, as ComfyUI's queue positions are counted; undefined when not queued. */
  position(id: string): number | undefined;
  /** Every job, in dispatch order as of now. */
  list(): QueuedJob[];
  /** Takes (removes and returns) the first job in dispatch order that `canRun` accepts. */
  takeFor(canRun: CanRun): QueuedJob | undefined;
}

interface Entry {
  job: QueuedJob;
  lane: Lane;
  prev: Entry | undefined;
  next: Entry | undefined;
  /** Level-wide order by enqueuedAt: its head is the level's oldest job, which drives aging. */
  older: Entry | undefined;
  newer: Entry | undefined;
}

/** One caller's jobs at one level, and its place in the level's ring of callers. */
interface Lane {
  caller: string;
  level: Level;
  head: Entry | undefined;
  tail: Entry | undefined;
  before: Lane;
  after: Lane;
}

interface Level {
  priority: number;
  lanes: Map<string, Lane>;
  /** The caller whose turn is next. */
  turn: Lane | undefined;
  oldest: Entry | undefined;
  newest: Entry | undefined;
}

export function createGatewayQueue(options: GatewayQueueOptions = {}): GatewayQueue {
  const now = options.now ?? Date.now;
  const agingPerMs = (options.agingPerMinute ?? 1) / 60_000;
  const levels = new Map<number, Level>();
  const entries = new Map<string, Entry>();
  /** Counts arrivals; a backend that found nothing is skipped until this moves. */
  let arrivals = 0;
  const nothingFor = new WeakMap<CanRun, number>();

  function effective(level: Level, at: number): number {
    const oldest = level.oldest?.job.enqueuedAt ?? at;
    return level.priority + agingPerMs * Math.max(0, at - oldest);
  }

  function orderedLevels(): Level[] {
    const at = now();
    const scored = [...levels.values()].map((level) => ({ level, score: effective(level, at) }));
    scored.sort((a, b) => b.score - a.score || b.level.priority - a.level.priority);
    return scored.map((s) => s.level);
  }

  /**
   * Visits a level's jobs in dispatch order (round r = each caller's r-th job, callers from the one whose turn it
   * is) until `stop` says so; returns the entry it stopped at.
   */
  function visitLevel(level: Level, stop: (entry: Entry) => boolean): Entry | undefined {
    const first = level.turn;
    if (!first) return undefined;
    const cursors: Entry[] = [];
    let lane = first;
    do {
      const head = lane.head as Entry;
      if (stop(head)) return head;
      if (head.next) cursors.push(head.next);
      lane = lane.after;
    } while (lane !== first);
    while (cursors.length) {
      let kept = 0;
      for (const entry of cursors) {
        if (stop(entry)) return entry;
        if (entry.next) cursors[kept++] = entry.next;
      }
      cursors.length = kept;
    }
    return undefined;
  }

  function visit(stop: (entry: Entry) => boolean): Entry | undefined {
    for (const level of orderedLevels()) {
      const found = visitLevel(level, stop);
      if (found) return found;
    }
    return undefined;
  }

  function levelFor(priority: number): Level {
    let level = levels.get(priority);
    if (!level) {
      level = { priority, lanes: new Map(), turn: undefined, oldest: undefined, newest: undefined };
      levels.set(priority, level);
    }
    return level;
  }

  function laneFor(level: Level, caller: string): Lane {
    const lane = level.lanes.get(caller);
    if (lane) return lane;
    // The ring links are filled in just below, once the object exists to point at.
    const created = { caller, level, head: undefined, tail: undefined } as Lane;
    // A new caller joins the ring just before the caller whose turn it is: it waits one full round, as if it had
    // always been there, and cannot jump ahead of callers already waiting.
    const turn = level.turn;
    if (turn) {
      created.before = turn.before;
      created.after = turn;
      turn.before.after = created;
      turn.before = created;
    } else {
      created.before = created;
      created.after = created;
      level.turn = created;
    }
    level.lanes.set(caller, created);
    return created;
  }

  /** Inserts by enqueuedAt, walking back from the newest: O(1) when jobs arrive in order, as they do. */
  function insert(entry: Entry): void {
    const lane = entry.lane;
    let after = lane.tail;
    while (after && after.job.enqueuedAt > entry.job.enqueuedAt) after = after.prev;
    entry.prev = after;
    entry.next = after ? after.next : lane.head;
    if (entry.next) entry.next.prev = entry;
    else lane.tail = entry;
    if (after) after.next = entry;
    else lane.head = entry;

    const level = lane.level;
    let older = level.newest;
    while (older && older.job.enqueuedAt > entry.job.enqueuedAt) older = older.older;
    entry.older = older;
    entry.newer = older ? older.newer : level.oldest;
    if (entry.newer) entry.newer.older = entry;
    else level.newest = entry;
    if (older) older.newer = entry;
    else level.oldest = entry;
  }

  function detach(entry: Entry): void {
    const lane = entry.lane;
    const level = lane.level;
    if (entry.prev) entry.prev.next = entry.next;
    else lane.head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else lane.tail = entry.prev;
    if (entry.older) entry.older.newer = entry.newer;
    else level.oldest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else level.newest = entry.older;
    entries.delete(entry.job.id);

    if (lane.head) return;
    level.lanes.delete(lane.caller);
    if (lane.after === lane) {
      levels.delete(level.priority);
      return;
    }
    lane.before.after = lane.after;
    lane.after.before = lane.before;
    if (level.turn === lane) level.turn = lane.after;
  }

  return {
    get size() {
      return entries.size;
    },

    enqueue(job) {
      if (entries.has(job.id)) throw new Error(`job ${job.id} is already queued`);
      if (!Number.isFinite(job.priority)) throw new Error(`job ${job.id}: priority must be a finite number`);
      const lane = laneFor(levelFor(job.priority), job.caller);
      const entry: Entry = { job, lane, prev: undefined, next: undefined, older: undefined, newer: undefined };
      insert(entry);
      entries.set(job.id, entry);
      arrivals++;
    },

    remove(id) {
      const entry = entries.get(id);
      if (!entry) return undefined;
      detach(entry);
      return entry.job;
    },

    get(id) {
      return entries.get(id)?.job;
    },

    position(id) {
      const target = entries.get(id);
      if (!target) return undefined;
      let count = 0;
      visit((entry) => (count++, entry === target));
      return count;
    },

    list() {
      const jobs: QueuedJob[] = [];
      visit((entry) => (jobs.push(entry.job), false));
      return jobs;
    },

    takeFor(canRun) {
      if (nothingFor.get(canRun) === arrivals) return undefined;
      const found = visit((entry) => canRun(entry.job.requirements));
      if (!found) {
        nothingFor.set(canRun, arrivals);
        return undefined;
      }
      // The caller after this one has the next turn, whether or not this caller's lane empties now.
      const lane = found.lane;
      const nextTurn = lane.after;
      detach(found);
      if (lane.level.lanes.size) lane.level.turn = nextTurn === lane ? lane.level.turn : nextTurn;
      return found.job;
    },
  };
}
