// A job's files inside the answer (`?output=base64`): each is read through ComfyUI's /view (converted on the way
// when its link asks for a format), in order, while the total stays under `jobs.base64_max_bytes`. A file that
// would cross the limit is left as a URL only and says why, so one huge batch cannot make the gateway buffer
// without bound. Text outputs are inline already.
import type { Readable } from 'node:stream';
import type { ComfyClient } from '../comfy/client.js';
import { parseConvertQuery } from '../outputs/convert-options.js';
import type { Converter } from '../outputs/convert.js';
import { isFileOutput, type DocumentOutput, type FileOutput } from '../outputs/typed-output.js';

export type InlinedOutput = DocumentOutput;

/** Where inlined bytes come from: ComfyUI's /view, and the converter for a converted output. */
export interface OutputReader {
  comfy: Pick<ComfyClient, 'view'>;
  converter?: Converter | undefined;
}

export async function inlineOutputs(
  outputs: readonly DocumentOutput[],
  reader: OutputReader | Pick<ComfyClient, 'view'>,
  maxBytes: number,
): Promise<InlinedOutput[]> {
  const source = 'comfy' in reader ? reader : { comfy: reader };
  const result: InlinedOutput[] = [];
  let total = 0;
  for (const output of outputs) {
    if (!isFileOutput(output)) {
      result.push(output);
      continue;
    }
    const budget = maxBytes - total;
    try {
      const file = await readBounded(source, output, budget);
      if (!file) {
        result.push({ ...output, base64_omitted: `over jobs.base64_max_bytes (${maxBytes} bytes in one answer)` });
        continue;
      }
      total += file.bytes.byteLength;
      result.push({ ...output, size: file.bytes.byteLength, base64: file.bytes.toString('base64') });
    } catch (error) {
      result.push({ ...output, base64_omitted: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}

/** The file's bytes, or undefined as soon as it is known to exceed the budget (the download is then cut). */
async function readBounded(
  reader: OutputReader,
  output: FileOutput,
  budget: number,
): Promise<{ bytes: Buffer } | undefined> {
  if (budget <= 0) return undefined;
  const controller = new AbortController();
  const view = await reader.comfy.view(
    { filename: output.filename, subfolder: output.subfolder, type: output.type as 'output' | 'temp' | 'input' },
    controller.signal,
  );
  const converted = conversionOf(output);
  if (!converted && view.contentLength !== undefined && Number(view.contentLength) > budget) {
    controller.abort();
    view.body.destroy();
    return undefined;
  }
  const body: Readable = converted && reader.converter
    ? reader.converter.convert(view.body, converted.spec, converted.animated)
    : view.body;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > budget) {
      controller.abort();
      body.destroy();
      view.body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return { bytes: Buffer.concat(chunks) };
}

/** A converted output's link carries its conversion (`&format=webp...`): the same bytes the link serves. */
function conversionOf(output: FileOutput): { spec: NonNullable<ReturnType<typeof specOf>>; animated: boolean } | undefined {
  if (!output.original_url) return undefined;
  const spec = specOf(output.url);
  return spec ? { spec, animated: output.kind === 'animation' } : undefined;
}

function specOf(url: string) {
  const parsed = parseConvertQuery(Object.fromEntries(new URLSearchParams(url.split('?')[1] ?? '')));
  return 'spec' in parsed ? parsed.spec : undefined;
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
  reader: OutputReader | Pick<ComfyClient, 'view'>,
  maxBytes: number,
): Promise<void> {
  const data = (envelope as { data?: unknown }).data;
  const outputs = isRecord(data) && Array.isArray(data.outputs) ? (data.outputs as unknown[]) : [];
  let total = 0;
  const source = 'comfy' in reader ? reader : { comfy: reader };
  for (const index of parts) {
    const kept = outputs[index];
    if (!isRecord(kept)) continue;
    const output = kept as unknown as FileOutput;
    try {
      const file = await readBounded(source, output, maxBytes - total);
      if (!file) {
        outputs[index] = { ...output, base64_omitted: `over jobs.base64_max_bytes (${maxBytes} bytes in one answer)` };
        continue;
      }
      total += file.bytes.byteLength;
      // The same key order as the first answer: the output's fields (size among them), then base64.
      outputs[index] = { ...output, size: file.bytes.byteLength, base64: file.bytes.toString('base64') };
    } catch (error) {
      outputs[index] = { ...output, base64_omitted: error instanceof Error ? error.message : String(error) };
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
