// The configured sinks (outputs.sinks), built once at start-up, and the check a submission's sink names pass.
import type { Config } from '../config.js';
import { fail } from '../errors.js';
import { message } from '../i18n.js';
import type { SinkCheck } from '../jobs/submit-job.js';
import { createUrlPolicy } from '../images/url-policy.js';
import { createUrlPutter, type UrlPutter } from './put-url.js';
import { createS3Sink, type OutputSink } from './s3-sink.js';

const MIB = 1024 * 1024;

export function createSinks(settings: Config['outputs'], env: NodeJS.ProcessEnv): Map<string, OutputSink> {
  const sinks = new Map<string, OutputSink>();
  for (const [name, sink] of Object.entries(settings.sinks)) {
    sinks.set(
      name,
      createS3Sink(name, sink, { partSizeBytes: settings.delivery.part_size_mb * MIB, queueSize: settings.delivery.queue_size, env }),
    );
  }
  return sinks;
}

/** Refuses (400) a name that is not a configured sink, naming the ones that are. */
export function sinkCheck(known: readonly string[]): SinkCheck | undefined {
  if (known.length === 0) return undefined;
  return (names) => {
    const unknown = names.filter((name) => !known.includes(name));
    if (unknown.length) throw fail.badRequest(message('reason.deliver_unknown', { names: unknown.join(', '), known: known.join(', ') }));
  };
}

/** Refuses (400) a `?put_url=` that is not http(s), carries credentials, or is an address the policy refuses. */
export function putUrlCheck(putter: UrlPutter | undefined): SinkCheck | undefined {
  if (!putter) return undefined;
  return (urls) => {
    for (const url of urls) {
      const problem = putter.problem(url);
      if (problem) throw fail.badRequest(message('reason.put_url', { url: url.slice(0, 200), reason: problem }));
    }
  };
}

/** The PUT client when outputs.put is enabled. */
export function createPutterFromConfig(settings: Config['outputs']['put']): UrlPutter | undefined {
  if (!settings.enabled) return undefined;
  const policy = createUrlPolicy({ allowHosts: settings.allow_hosts, allowCidrs: settings.allow_cidrs });
  return createUrlPutter({ policy, timeoutMs: settings.timeout_ms });
}
