// Structured JSON logs (pino); a request's child logger carries its request id on every line.
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger } from 'pino';

export function createLogger(config: Pick<Config, 'log'>): Logger {
  return pino({
    level: config.log.level,
    base: { service: 'comfyui-gateway' },
    // Request bodies may hold base64 images and callers' keys: never log them whole.
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]'], censor: '[redacted]' },
  });
}
