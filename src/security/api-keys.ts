// The configured API keys, parsed once at start. Only SHA-256 digests are kept in memory; a presented key is
// hashed and compared against every digest in constant time, so neither the comparison nor an early exit tells a
// caller how close a guess came.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../config.js';
import type { ApiKeyEntry } from '../config-schema.js';

export type { ApiKeyEntry } from '../config-schema.js';

export interface ApiKey {
  /** What logs and rate limits call this key; never the key itself. */
  name: string;
  /** The scenarios this key may run; undefined: all of them. */
  scenarios: ReadonlySet<string> | undefined;
  /** `role: admin`: sees and manages every caller's jobs. Any other key sees only the jobs it submitted. */
  admin: boolean;
  /** The highest job priority this key may ask for; undefined: no cap. */
  priorityMax?: number;
}

export interface KeyRing {
  readonly size: number;
  /** The key whose digest matches, or undefined. Time depends on the number of keys, not on the guess. */
  find(presented: string): ApiKey | undefined;
}

const hexDigest = /^[0-9a-f]{64}$/i;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export function createKeyRing(entries: readonly ApiKeyEntry[], source = 'auth.api_keys'): KeyRing {
  const stored: { digest: Buffer; key: ApiKey }[] = [];
  const names = new Set<string>();
  entries.forEach((entry, index) => {
    const where = `${source}[${index}]`;
    const described = typeof entry === 'string' ? { key: entry } : entry;
    if ((described.key === undefined) === (described.sha256 === undefined)) {
      throw new ConfigError(`config: ${where} needs exactly one of key or sha256`);
    }
    if (described.key !== undefined && described.key.trim() === '') {
      throw new ConfigError(`config: ${where} is an empty key`);
    }
    if (described.sha256 !== undefined && !hexDigest.test(described.sha256)) {
      throw new ConfigError(`config: ${where}.sha256 must be 64 hex digits (sha256 of the key)`);
    }
    // Key files are not checked by the config schema: a misspelt role must not quietly become a caller.
    if (described.role !== undefined && described.role !== 'admin' && described.role !== 'caller') {
      throw new ConfigError(`config: ${where}.role must be admin or caller`);
    }
    const hash = described.key !== undefined ? digest(described.key.trim()) : Buffer.from(described.sha256!, 'hex');
    // A nameless key is named by the start of its digest: stable across restarts, useless to an attacker.
    const name = described.name ?? `sha256:${hash.toString('hex').slice(0, 8)}`;
    if (names.has(name)) throw new ConfigError(`config: ${where} repeats the key name "${name}"`);
    names.add(name);
    const scenarios = described.scenarios ? new Set(described.scenarios) : undefined;
    if (described.priority_max !== undefined && !Number.isInteger(described.priority_max)) {
      throw new ConfigError(`config: ${where}.priority_max must be a whole number`);
    }
    const cap = described.priority_max !== undefined ? { priorityMax: described.priority_max } : {};
    stored.push({ digest: hash, key: { name, scenarios, admin: described.role === 'admin', ...cap } });
  });

  return {
    size: stored.length,
    find(presented) {
      const candidate = digest(presented);
      let found: ApiKey | undefined;
      for (const entry of stored) {
        // No early exit: every digest is compared whatever matched before.
        if (timingSafeEqual(candidate, entry.digest) && found === undefined) found = entry.key;
      }
      return found;
    },
  };
}

/**
 * `auth.api_keys_file`: the same YAML list as `auth.api_keys`, or one key per line (blank lines and `#` comments
 * ignored). Read once at start.
 */
export function readKeyFile(file: string): ApiKeyEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`config: auth.api_keys_file ${file} cannot be read (${(error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed)) {
    for (const [index, entry] of parsed.entries()) {
      const plain = typeof entry === 'string' || typeof entry === 'number';
      if (!plain && (entry === null || typeof entry !== 'object')) {
        throw new ConfigError(`config: ${file} entry ${index} must be a key or {key|sha256, name, scenarios, role}`);
      }
    }
    return parsed.map((entry: unknown) => (typeof entry === 'number' ? String(entry) : (entry as ApiKeyEntry)));
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Where a caller may put its key: `X-API-Key`, or `Authorization: Bearer`. */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer[ \t]+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  return undefined;
}
