// One configured S3-compatible bucket. Uploads stream through @aws-sdk/lib-storage's multipart Upload: the body
// is cut into parts of `part_size_mb` and at most `queue_size` parts are in memory at once, so a 10 GB video costs
// the same memory as a 10 MB one. The keys are read from the environment variables the configuration names, once,
// when the gateway starts: a request can choose a sink by name, never give a credential.
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { OutputSinkConfig } from '../config-schema.js';

export interface PutResult {
  key: string;
  /** A presigned GET URL when the sink is configured to hand them out. */
  url?: string;
  /** ISO time the URL stops working. */
  expires_at?: string;
}

export interface OutputSink {
  readonly name: string;
  /** The object key an output gets: `<prefix><prompt_id>/<subfolder>/<filename>`. */
  keyFor(promptId: string, subfolder: string, filename: string): string;
  put(key: string, body: Readable, contentType: string, signal?: AbortSignal): Promise<PutResult>;
  close(): void;
}

export interface S3SinkOptions {
  partSizeBytes: number;
  queueSize: number;
  env: NodeJS.ProcessEnv;
  now?: () => number;
}

export function createS3Sink(name: string, config: OutputSinkConfig, options: S3SinkOptions): OutputSink {
  const accessKeyId = config.access_key_id_env ? options.env[config.access_key_id_env] : undefined;
  const secretAccessKey = config.secret_access_key_env ? options.env[config.secret_access_key_env] : undefined;
  // The SDK (three packages, ~20 MiB and ~0.3 s to import) is loaded by the first upload, not at start-up: most
  // gateways configure no sink, and one that does pays for it once, when it first delivers.
  let client: S3Client | undefined;
  const sdk = lazy(async () => {
    const [s3, storage, presigner] = await Promise.all([
      import('@aws-sdk/client-s3'),
      import('@aws-sdk/lib-storage'),
      import('@aws-sdk/s3-request-presigner'),
    ]);
    client ??= new s3.S3Client(clientConfig);
    return { client, GetObjectCommand: s3.GetObjectCommand, Upload: storage.Upload, getSignedUrl: presigner.getSignedUrl };
  });
  const clientConfig = {
    region: config.region,
    forcePathStyle: config.force_path_style,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    // Named variables that are set win; otherwise the SDK's own chain (instance roles, ~/.aws) applies.
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
    // The gateway retries a whole delivery with its own backoff; one layer of retries is enough.
    maxAttempts: 1,
  };
  const now = options.now ?? Date.now;

  return {
    name,
    keyFor(promptId, subfolder, filename) {
      return [config.prefix + promptId, subfolder, filename].filter((part) => part !== '').join('/');
    },
    async put(key, body, contentType, signal) {
      const { client, Upload, GetObjectCommand, getSignedUrl } = await sdk();
      const upload = new Upload({
        client,
        params: { Bucket: config.bucket, Key: key, Body: body, ContentType: contentType },
        partSize: options.partSizeBytes,
        queueSize: options.queueSize,
        leavePartsOnError: false,
      });
      const abort = (): void => void upload.abort();
      signal?.addEventListener('abort', abort, { once: true });
      try {
        await upload.done();
      } finally {
        signal?.removeEventListener('abort', abort);
      }
      if (config.presign_expires_s <= 0) return { key };
      const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: config.bucket, Key: key }), {
        expiresIn: config.presign_expires_s,
      });
      return { key, url, expires_at: new Date(now() + config.presign_expires_s * 1000).toISOString() };
    },
    close: () => client?.destroy(),
  };
}

/** Runs `load` once, on the first call; a failed load is tried again on the next call. */
function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
