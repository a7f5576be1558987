// A job's images inside the answer (`?output=base64`): each is read through ComfyUI's /view, in order, while the
// total stays under `jobs.base64_max_bytes`. An image that would cross the limit is left as a URL only and says
// why, so one huge batch cannot make the gateway buffer without bound.
import type { ComfyClient } from '../comfy/client.js';
import type { JobDocumentOutput } from './job-document.js';

export interface InlinedOutput extends JobDocumentOutput {
  /** Set when the image was not inlined (the size limit, or ComfyUI could not serve it). */
  base64_omitted?: string;
}

export async function inlineOutputs(
  outputs: readonly JobDocumentOutput[],
  comfy: Pick<ComfyClient, 'view'>,
  maxBytes: number,
): Promise<InlinedOutput[]> {
  const result: InlinedOutput[] = [];
  let total = 0;
  for (const output of outputs) {
    const budget = maxBytes - total;
    try {
      const file = await readBounded(comfy, output, budget);
      if (!file) {
        result.push({ ...output, base64_omitted: `over jobs.base64_max_bytes (${maxBytes} bytes in one answer)` });
        continue;
      }
      total += file.bytes.byteLength;
      result.push({ ...output, base64: file.bytes.toString('base64'), mime: file.mime });
    } catch (error) {
      result.push({ ...output, base64_omitted: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}

/** The file's bytes, or undefined as soon as it is known to exceed the budget (the download is then cut). */
async function readBounded(
  comfy: Pick<ComfyClient, 'view'>,
  output: JobDocumentOutput,
  budget: number,
): Promise<{ bytes: Buffer; mime: string } | undefined> {
  if (budget <= 0) return undefined;
  const controller = new AbortController();
  const view = await comfy.view(
    { filename: output.filename, subfolder: output.subfolder, type: output.type as 'output' | 'temp' | 'input' },
    controller.signal,
  );
  if (view.contentLength !== undefined && Number(view.contentLength) > budget) {
    controller.abort();
    view.body.destroy();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of view.body as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > budget) {
      controller.abort();
      view.body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return { bytes: Buffer.concat(chunks), mime: view.contentType.split(';')[0]?.trim() || 'application/octet-stream' };
}
