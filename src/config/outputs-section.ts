// The outputs section of gateway.yaml: converting, keeping and delivering what a job produced.
import type { JSONSchemaType } from 'ajv';
import { emptySection, positiveInt } from './schema-blocks.js';

/** An S3-compatible bucket outputs are uploaded to. Credentials are named, never written here: env variables. */
export interface OutputSinkConfig {
  kind: 's3';
  /** '' for AWS itself; else the S3-compatible server's URL (MinIO, R2, Ceph...). */
  endpoint: string;
  region: string;
  bucket: string;
  /** Put before `<prompt_id>/<subfolder>/<filename>` in each key. */
  prefix: string;
  /** The names of the environment variables holding the keys ('' = the SDK's own default chain). */
  access_key_id_env: string;
  secret_access_key_env: string;
  /** Path-style URLs (`endpoint/bucket/key`), which most S3-compatible servers need. */
  force_path_style: boolean;
  /** > 0: the job lists a presigned GET URL for each object, valid this long. */
  presign_expires_s: number;
}

/** Job outputs: conversion and delivery (docs/outputs.md). */
export interface OutputsConfig {
  /** Image conversions (`?format=`) running at once; more wait their turn. */
  convert_concurrency: number;
  /** The gateway's copies (output/<prompt_id>/) expire after this many hours; 0 keeps them. */
  retention_h: number;
  /** The oldest copies go while output/ holds more than this; 0: no cap. */
  max_bytes: number;
  sweep_interval_s: number;
  /** `?put_url=`: PUT each output to a URL the caller gives (their own presigned upload URL). */
  put: {
    enabled: boolean;
    /** Loopback/private receivers are refused unless named here (as for images.fetch and webhooks). */
    allow_hosts: string[];
    allow_cidrs: string[];
    timeout_ms: number;
  };
  /** Named places outputs can be delivered to (`?deliver=name`, a manifest's `outputs.deliver`). */
  sinks: Record<string, OutputSinkConfig>;
  delivery: {
    max_attempts: number;
    initial_delay_ms: number;
    max_delay_ms: number;
    /** Uploads running at once (each holds at most queue_size × part_size_mb in memory). */
    concurrency: number;
    part_size_mb: number;
    queue_size: number;
  };
}

export const outputsSchema: JSONSchemaType<OutputsConfig> = {
  type: 'object',
  additionalProperties: false,
  default: emptySection,
  required: ['convert_concurrency', 'retention_h', 'max_bytes', 'sweep_interval_s', 'put', 'sinks', 'delivery'],
  properties: {
    convert_concurrency: positiveInt(2, 64),
    retention_h: { type: 'number', minimum: 0, default: 0 },
    max_bytes: { type: 'integer', minimum: 0, default: 0 },
    sweep_interval_s: positiveInt(600, 86_400),
    put: {
      type: 'object',
      additionalProperties: false,
      default: emptySection,
      required: ['enabled', 'allow_hosts', 'allow_cidrs', 'timeout_ms'],
      properties: {
        enabled: { type: 'boolean', default: false },
        allow_hosts: { type: 'array', default: [], items: { type: 'string', minLength: 1 } },
        allow_cidrs: { type: 'array', default: [], items: { type: 'string', minLength: 1 } },
        timeout_ms: positiveInt(60_000),
      },
    },
    sinks: {
      type: 'object',
      default: {},
      required: [],
      // `put_url` names the deliveries to a caller's URL in a job document.
      propertyNames: { pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$', not: { const: 'put_url' } },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        // Every key but kind and bucket has a default, which fills it in before this is checked.
        required: [
          'kind', 'endpoint', 'region', 'bucket', 'prefix', 'access_key_id_env', 'secret_access_key_env',
          'force_path_style', 'presign_expires_s',
        ],
        properties: {
          kind: { type: 'string', enum: ['s3'] },
          endpoint: { type: 'string', default: '', pattern: '^(|https?://[^\\s]+)$' },
          region: { type: 'string', default: 'us-east-1', minLength: 1 },
          bucket: { type: 'string', minLength: 1, maxLength: 255 },
          prefix: { type: 'string', default: '', maxLength: 512 },
          access_key_id_env: { type: 'string', default: '', pattern: '^(|[A-Za-z_][A-Za-z0-9_]*)$' },
          secret_access_key_env: { type: 'string', default: '', pattern: '^(|[A-Za-z_][A-Za-z0-9_]*)$' },
          force_path_style: { type: 'boolean', default: true },
          presign_expires_s: { type: 'integer', minimum: 0, maximum: 604_800, default: 0 },
        },
      },
    },
    delivery: {
      type: 'object',
      additionalProperties: false,
      default: emptySection,
      required: ['max_attempts', 'initial_delay_ms', 'max_delay_ms', 'concurrency', 'part_size_mb', 'queue_size'],
      properties: {
        max_attempts: positiveInt(5, 100),
        initial_delay_ms: positiveInt(1_000),
        max_delay_ms: positiveInt(60_000),
        concurrency: positiveInt(2, 64),
        // S3 refuses parts under 5 MiB (except the last).
        part_size_mb: { type: 'integer', minimum: 5, maximum: 512, default: 5 },
        queue_size: positiveInt(2, 16),
      },
    },
  },
};
