// npm run sign: the three signature headers for one request, as curl -H arguments (or a whole curl command), and
// --generate <dir> for a new RSA key pair. Uses the gateway's own canonical-string code, so it cannot drift.
import { generateKeyPairSync, createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { signRequest } from '../src/security/canonical.js';

const usage = `usage:
  npm run sign -- --key private.pem --method POST --path /api/v1/workflows/submit [--body body.json] [--query 'a=1&b=2'] [--curl http://host:8000]
  npm run sign -- --generate <dir>      writes <dir>/private.pem and <dir>/public.pem (RSA 3072)`;

const { values } = parseArgs({
  options: {
    key: { type: 'string' },
    method: { type: 'string', default: 'GET' },
    path: { type: 'string' },
    query: { type: 'string', default: '' },
    body: { type: 'string' },
    'content-type': { type: 'string', default: 'application/json' },
    curl: { type: 'string' },
    generate: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

function generate(dir: string): void {
  const privateFile = path.join(dir, 'private.pem');
  const publicFile = path.join(dir, 'public.pem');
  for (const file of [privateFile, publicFile]) {
    if (existsSync(file)) throw new Error(`${file} exists; not overwriting a key`);
  }
  mkdirSync(dir, { recursive: true });
  const pair = generateKeyPairSync('rsa', { modulusLength: 3072 });
  writeFileSync(privateFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(publicFile, pair.publicKey.export({ type: 'spki', format: 'pem' }));
  console.log(`wrote ${privateFile} (keep it secret) and ${publicFile} (add it to auth.signature.public_keys)`);
}

function sign(): void {
  if (!values.key || !values.path) throw new Error(`--key and --path are required\n${usage}`);
  const [pathOnly = '', queryInPath = ''] = values.path.split('?', 2);
  const query = values.query || queryInPath;
  const body = values.body ? readFileSync(values.body) : Buffer.alloc(0);
  const method = values.method.toUpperCase();
  const headers = signRequest(createPrivateKey(readFileSync(values.key)), { method, path: pathOnly, query, body });
  const flags = Object.entries(headers).map(([name, value]) => `-H ${quote(`${name}: ${value}`)}`);
  if (!values.curl) {
    console.log(flags.join(' '));
    return;
  }
  const url = `${values.curl.replace(/\/+$/, '')}${pathOnly}${query ? `?${query.replace(/^\?/, '')}` : ''}`;
  const parts = ['curl', '-X', method, quote(url), ...flags];
  // --data-binary sends the file's bytes untouched; -d would strip newlines and break the body hash.
  if (values.body) parts.push('-H', quote(`Content-Type: ${values['content-type']}`), '--data-binary', quote(`@${values.body}`));
  console.log(parts.join(' '));
}

try {
  if (values.help) console.log(usage);
  else if (values.generate) generate(values.generate);
  else sign();
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
