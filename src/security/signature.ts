// Verifying signed requests: the checks run cheapest first and the nonce is recorded only once the signature is
// good, so nobody without a private key can fill the nonce cache.
import { readFileSync } from 'node:fs';
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { ConfigError } from '../config.js';
import { fail } from '../errors.js';
import { canonicalString, pssOptions } from './canonical.js';
import { andThen, type MaybePromise } from '../store/maybe.js';
import type { NonceStore } from '../store/types.js';

export interface SignedRequest {
  method: string;
  path: string;
  rawQuery: string;
  body: Uint8Array;
  headers: Record<string, string | string[] | undefined>;
}

export interface SignatureVerifier {
  /**
   * The checks that need only the headers (present, well formed, inside the time window). Run before a byte of the
   * body is read, so an unsigned request cannot make the gateway buffer its body.
   */
  precheck(headers: SignedRequest['headers']): void;
  /**
   * Throws the 401 that names the failed check (or 429 when the nonce cache is full). Synchronous with the memory
   * store; with a shared store the nonce check answers later.
   */
  verify(request: SignedRequest): MaybePromise<void>;
}

export interface VerifierOptions {
  publicKeys: readonly KeyObject[];
  toleranceSeconds: number;
  nonces: NonceStore;
  now?: () => number;
}

const nonceShape = /^[\x21-\x7e]{8,128}$/;
const unixSeconds = /^\d{1,12}$/;

export function createSignatureVerifier(options: VerifierOptions): SignatureVerifier {
  const now = options.now ?? Date.now;
  const tolerance = options.toleranceSeconds;
  function precheck(headers: SignedRequest['headers']): { signature: string; timestamp: string; nonce: string } {
    const signature = header(headers, 'x-signature');
    const timestamp = header(headers, 'x-timestamp');
    const nonce = header(headers, 'x-nonce');

    if (!unixSeconds.test(timestamp)) throw fail.signatureTimestamp(timestamp.slice(0, 32));
    const skew = Math.floor(now() / 1000) - Number(timestamp);
    if (skew > tolerance) throw fail.signatureStale(skew, tolerance);
    if (-skew > tolerance) throw fail.signatureFuture(-skew, tolerance);
    if (!nonceShape.test(nonce)) throw fail.signatureNonce();
    return { signature, timestamp, nonce };
  }

  return {
    precheck,
    verify(request) {
      const { signature, timestamp, nonce } = precheck(request.headers);

      const data = Buffer.from(
        canonicalString({
          method: request.method,
          path: request.path,
          query: request.rawQuery,
          body: request.body,
          timestamp,
          nonce,
        }),
        'utf8',
      );
      const bytes = Buffer.from(signature, 'base64');
      const good = options.publicKeys.some((key) => verify('sha256', data, { key, ...pssOptions }, bytes));
      if (!good) throw fail.signatureInvalid();

      return andThen(options.nonces.remember(nonce), (seen) => {
        if (seen.result === 'replayed') throw fail.signatureReplayed();
        if (seen.result === 'full') throw fail.rateLimited(seen.retryAfterSeconds);
      });
    },
  };
}

function header(headers: SignedRequest['headers'], name: string): string {
  const value = headers[name];
  if (typeof value !== 'string' || value === '') throw fail.signatureMissing(name.replace(/\b\w/g, (c) => c.toUpperCase()));
  return value;
}

/** `auth.signature.public_keys`: PEM text, or the path of a PEM file. Parsed once at start. */
export function loadPublicKeys(entries: readonly string[]): KeyObject[] {
  return entries.map((entry, index) => {
    const where = `auth.signature.public_keys[${index}]`;
    let pem = entry;
    if (!entry.includes('-----BEGIN')) {
      try {
        pem = readFileSync(entry, 'utf8');
      } catch (error) {
        throw new ConfigError(`config: ${where} is neither PEM text nor a readable file (${(error as Error).message})`);
      }
    }
    let key: KeyObject;
    try {
      key = createPublicKey(pem);
    } catch (error) {
      throw new ConfigError(`config: ${where} is not a public key in PEM form (${(error as Error).message})`);
    }
    if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'rsa-pss') {
      throw new ConfigError(`config: ${where} is a ${key.asymmetricKeyType} key; signed requests use RSA (RSA-PSS)`);
    }
    return key;
  });
}
