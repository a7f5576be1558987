// Structured JSON logs (pino); a request's child logger carries its request id on every line. `log.pretty` (or
// DEBUG=true) sends the same records through pino-pretty, in a worker thread, for people reading a terminal.
// Otherwise the lines go to stdout in batches while they come quickly (src/log-destination.ts).
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';
import { batchedStdout } from './log-destination.js';

export type { Logger } from 'pino';

export function createLogger(config: { log: Pick<Config['log'], 'level' | 'pretty'> }): Logger {
  const options = {
    level: config.log.level,
    base: { service: 'comfyui-gateway' },
    // Request bodies may hold base64 images and callers' keys: never log them whole.
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]'], censor: '[redacted]' },
    ...(config.log.pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' },
          },
        }
      : {}),
  };
  return options.transport ? pino(options) : pino(options, batchedStdout());
}
