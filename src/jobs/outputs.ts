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

/**
 * An answer envelope without its inlined images (a copy; the original is untouched), and the indexes of the
 * outputs that had one. An idempotency record keeps this instead of megabytes of base64; restoreInlined reads the
 * images again on replay, since ComfyUI's output files outlive the answer.
 */
export function takeInlined(envelope: object): { body: object; parts: number[] } | undefined {
  const data = (envelope as { data?: unknown }).data;
  if (!isRecord(data) || !Array.isArray(data.outputs)) return undefined;
  const outputs = data.outputs as unknown[];
  const parts: number[] = [];
  const slim = outputs.map((output, index) => {
    if (!isRecord(output) || typeof output.base64 !== 'string') return output;
    parts.push(index);
    const { base64: _dropped, ...rest } = output;
    return rest;
  });
  if (parts.length === 0) return undefined;
  return { body: { ...(envelope as Record<string, unknown>), data: { ...data, outputs: slim } }, parts };
}

/** Reads the images takeInlined took out back into `envelope` (parsed JSON), within the same byte budget. */
export async function restoreInlined(
  envelope: object,
  parts: readonly number[],
  comfy: Pick<ComfyClient, 'view'>,
  maxBytes: number,
): Promise<void> {
  const data = (envelope as { data?: unknown }).data;
  const outputs = isRecord(data) && Array.isArray(data.outputs) ? (data.outputs as unknown[]) : [];
  let total = 0;
  for (const index of parts) {
    const kept = outputs[index];
    if (!isRecord(kept)) continue;
    const { mime: _mime, ...output } = kept as unknown as InlinedOutput;
    try {
      const file = await readBounded(comfy, output, maxBytes - total);
      if (!file) {
        outputs[index] = { ...output, base64_omitted: `over jobs.base64_max_bytes (${maxBytes} bytes in one answer)` };
        continue;
      }
      total += file.bytes.byteLength;
      // The same key order as the first answer: the output's fields, then base64 and mime.
      outputs[index] = { ...output, base64: file.bytes.toString('base64'), mime: file.mime };
    } catch (error) {
      outputs[index] = { ...output, base64_omitted: error instanceof Error ? error.message : String(error) };
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
