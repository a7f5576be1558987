// Which kept input images go when the store is swept (config images.input_store): every image unused for
// max_age_s, then the least recently used ones while the store is over max_bytes or max_files. Never one that is
// held (a job that still needs it: hold/release), being uploaded to a backend, or used less than min_age_s ago
// (an image uploaded for a job not submitted yet). Pure: the store does the removing.

export interface CleanupLimits {
  maxBytes: number;
  maxFiles: number;
  /** 0: no removal by age. */
  maxAgeMs: number;
  minAgeMs: number;
}

export interface CleanupCandidate {
  name: string;
  size: number;
  lastUsed: number;
  /** Held by a job or being uploaded: never removed. */
  pinned: boolean;
}

/** The names to remove, least recently used first. */
export function pickForRemoval(
  entries: Iterable<CleanupCandidate>,
  totals: { bytes: number; files: number },
  limits: CleanupLimits,
  now: number,
): string[] {
  const removable = [...entries]
    .filter((entry) => !entry.pinned && now - entry.lastUsed >= limits.minAgeMs)
    .sort((a, b) => a.lastUsed - b.lastUsed);
  let { bytes, files } = totals;
  const out: string[] = [];
  for (const entry of removable) {
    const tooOld = limits.maxAgeMs > 0 && now - entry.lastUsed > limits.maxAgeMs;
    if (!tooOld && bytes <= limits.maxBytes && files <= limits.maxFiles) break;
    out.push(entry.name);
    bytes -= entry.size;
    files -= 1;
  }
  return out;
}
