// The state seam: everything several gateway processes must share, or one process must not lose by restarting.
// Two implementations: memory (src/store/memory.ts, the default, one process, nothing to install) and redis
// (src/store/redis/, every gateway process on one Redis). The same contract suite runs against both
// (test/unit/store/contract.test.ts). Job records and their events are shared by the Redis store only (SharedJobs):
// with one process there is nobody to share them with; likewise backend slots (SharedSlots) and what the jobs waiting
// in a process's gateway queue need to be sent (SharedQueue), which the process that adopts a dead one's jobs reads.
import type { SlotStore } from '../backends/slots.js';
import type { StoredAnswer } from '../http/idempotency-store.js';
import type { JobEvent } from '../jobs/job-event.js';
import type { RecentJobs } from '../jobs/job-source.js';
import type { JobListener, JobRecord } from '../jobs/tracker.js';
import type { HeldJob } from '../pool/held-job.js';
import type { MaybePromise } from './maybe.js';

/** Who holds an Idempotency-Key scope: its fingerprint, the holder's claim token, and the answer once there is one. */
export interface IdempotencyHolder {
  fingerprint: string;
  token: string;
  answer?: StoredAnswer;
}

export type IdempotencyClaimResult = { claimed: true; token: string } | { claimed: false; holder: IdempotencyHolder };

/**
 * Idempotency-Key answers, bounded by count, by bytes and by time; least recently used scopes go first. claim()
 * is one atomic step: of two requests racing on one scope (in one process or in two) exactly one is `claimed`.
 */
export interface IdempotencyAnswers {
  claim(scope: string, fingerprint: string): MaybePromise<IdempotencyClaimResult>;
  /** The live holder of a scope (marks it recently used), or undefined. */
  peek(scope: string): MaybePromise<IdempotencyHolder | undefined>;
  /** Keeps a running claim alive (a shared store forgets a claim whose process stopped renewing it). */
  renew(scope: string, token: string): MaybePromise<void>;
  /** How often a running claim must be renewed; undefined: claims live until put or released. */
  readonly renewEveryMs?: number;
  /** Keeps the answer for the ttl in place of the claim; false when it is larger than the whole byte bound. */
  put(scope: string, token: string, fingerprint: string, answer: StoredAnswer): MaybePromise<boolean>;
  /** Frees the scope while it is still held under `token` (a newer holder is left alone). */
  release(scope: string, token: string): MaybePromise<void>;
  /** Entries and bytes held (for a shared store: as of its last answer). */
  readonly size: number;
  readonly bytes: number;
}

export interface IdempotencyOptions {
  maxKeys: number;
  maxBytes: number;
  ttlMs: number;
  now?: () => number;
}

export type NonceResult = { result: 'new' } | { result: 'replayed' } | { result: 'full'; retryAfterSeconds: number };

/** Signature nonces seen within the window: remember() is one atomic check-and-remember. */
export interface NonceStore {
  remember(nonce: string): MaybePromise<NonceResult>;
}

export interface NonceOptions {
  ttlMs: number;
  /** The memory store's cap; Redis holds every nonce for its ttl (docs/scaling.md). */
  capacity: number;
  now?: () => number;
}

export type RateResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Token buckets per caller; take() is one atomic step. */
export interface RateLimitStore {
  take(id: string): MaybePromise<RateResult>;
}

export interface RateLimitOptions {
  ratePerSecond: number;
  burst: number;
  maxBuckets?: number;
  now?: () => number;
}

/**
 * Wrong API keys per client address, in fixed windows (limits.failed_auth_attempts per failed_auth_window_s), counted
 * across every process: `failed()` is one atomic count, so N processes allow no more guesses than one.
 */
export interface FailedAuthStore {
  /** The seconds to wait when the address is over the limit, else undefined. */
  blocked(address: string): MaybePromise<number | undefined>;
  /** Counts one wrong key from the address (the window starts at its first). */
  failed(address: string): MaybePromise<void>;
}

export interface FailedAuthOptions {
  attempts: number;
  windowMs: number;
  /** The memory store's cap on addresses remembered; Redis forgets each address when its window ends. */
  maxAddresses?: number;
  now?: () => number;
}

/** One webhook message on its way: everything a process needs to send it, or to pick it up from a process that died. */
export interface OutboxItem {
  id: string;
  url: string;
  type: string;
  /** The signed body, the same on every attempt. */
  body: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
}

export interface LeasedItem {
  item: OutboxItem;
  /** Proof of the claim: retry() and finish() only act under the lease that is still current. */
  lease: string;
}

/**
 * Webhook deliveries not finished yet. claim() hands each due item to one caller for `leaseMs`; if the caller neither
 * retries nor finishes it in that time (its process died), the item is due again and another process takes it.
 */
export interface WebhookOutbox {
  add(item: OutboxItem, dueAt: number): Promise<void>;
  claim(now: number, leaseMs: number, limit: number): Promise<LeasedItem[]>;
  /** Back in the outbox with its new state, due at `dueAt`. */
  retry(leased: LeasedItem, dueAt: number): Promise<void>;
  /** Delivered or given up: gone. */
  finish(leased: LeasedItem): Promise<void>;
}

/**
 * Job records and their events across processes. The process that submitted a job is its one writer: it writes the
 * record on every change and publishes the job's events. Every other process keeps a copy of the records it heard of
 * (bounded) and tells its own listeners, so a job can be followed through any process.
 */
export interface SharedJobs {
  /** The writer's side: the record as it is now, and the event that changed it (none for a silent change). */
  publish(job: JobRecord, event?: JobEvent): void;
  /** Another process's job, as last heard; undefined when not heard of (load() asks Redis). */
  get(promptId: string): JobRecord | undefined;
  /** Another process's job from Redis (kept and followed from then on); undefined when Redis has none. */
  load(promptId: string): Promise<JobRecord | undefined>;
  /** The events of another process's job from now on; the returned function unsubscribes. */
  subscribe(promptId: string, listener: JobListener): () => void;
  /** Every event of every other process's job (the WebSocket relay); the returned function unsubscribes. */
  onEvent(listener: JobListener): () => void;
  /** Every change another process publishes (with an event or silent), as the record now; unsubscribes. */
  onChange(listener: (job: JobRecord) => void): () => void;
  /**
   * The most recent jobs of every process (of `owner` only, when given), newest first: up to `count` from
   * `offset`, from the index their writers keep (the latest `listed` of all, and of each owner).
   */
  recent(owner: string | undefined, offset: number, count: number): Promise<RecentJobs>;
  /**
   * Watches the other processes: the open jobs of one that stopped answering are handed to `adopt`, in exactly one
   * process, which becomes their writer. `adopted` hears the ids of this process's own jobs another process took
   * over while this one did not answer (it was frozen and came back). Stopped by close().
   */
  adoptWith(adopt: (orphans: Orphans) => void, adopted?: (promptIds: string[]) => void): void;
  close(): Promise<void>;
}

/** What a process that stopped answering left: its open jobs, and the client id its backend streams were under. */
export interface Orphans {
  process: string;
  /** The dead process's upstream client id (ComfyUI sends its prompts' events to a socket under it). */
  upstreamClientId: string | undefined;
  jobs: JobRecord[];
}

export interface SharedJobsOptions {
  /** How long a record stays in Redis after its last change. */
  ttlMs: number;
  /** How many other processes' records this process keeps a copy of. */
  maxJobs?: number;
  /** How many recent jobs the list index keeps, of all and of each owner (LISTED_JOBS). */
  listed?: number;
  /** This process's upstream client id, kept beside its liveness so its adopter can take its streams over. */
  upstreamClientId?: string;
}

/**
 * The jobs waiting in a process's gateway queue, as its dispatcher holds them (never sent to a backend): written
 * by the process that holds the job (its one writer) when the job is queued, deleted when it is sent or ends, so
 * the process that adopts a dead one's jobs can queue them again instead of losing them. Each names its holder;
 * adoption makes the adopter the holder in the same step that hands the jobs out, so a process that was only frozen
 * finds, before sending a job, that it is no longer its own (owns()).
 */
export interface SharedQueue {
  /** The job waits in this process's queue: kept (for the job ttl) until release(). */
  hold(job: HeldJob): void;
  /** Sent or ended: gone. */
  release(promptId: string): void;
  /** The held jobs among these ids (a dead process's, to adopt); missing ones are left out. */
  read(promptIds: readonly string[]): Promise<Map<string, HeldJob>>;
  /** False once another process adopted the job; true while this process holds it (or nobody can say). */
  owns(promptId: string): Promise<boolean>;
}

export interface SharedQueueOptions {
  /** How long a waiting job's payload stays in Redis after it was written. */
  ttlMs: number;
  /** This process's name as a holder: its upstream client id (what adoption hands out too). */
  holder: string;
}

/** Backend slots counted across every process, under leases this process renews while it holds them. */
export interface SharedSlots extends SlotStore {
  /** Stops renewing this process's leases. */
  stop(): void;
}

export interface StateStore {
  readonly kind: 'memory' | 'redis';
  idempotency(options: IdempotencyOptions): IdempotencyAnswers;
  nonces(options: NonceOptions): NonceStore;
  rateLimiter(options: RateLimitOptions): RateLimitStore;
  failedAuth(options: FailedAuthOptions): FailedAuthStore;
  /**
   * The webhook outbox. The gateway sends through it only with a shared store: with the memory store an outbox in
   * the process would die with it anyway, so deliveries keep running in the dispatcher's own loop as they always did.
   */
  outbox(): WebhookOutbox;
  /** Job records and events shared with other processes; absent with the memory store. */
  jobs?(options: SharedJobsOptions): SharedJobs;
  /** Backend slots shared with other processes; absent with the memory store. */
  slots?(): SharedSlots;
  /** The gateway queue's waiting jobs, readable by another process; absent with the memory store. */
  queue?(options: SharedQueueOptions): SharedQueue;
  /** Ends the connection (Redis); nothing for memory. */
  close(): Promise<void>;
}
