// Small API-format workflows the simulator runs, shared by the integration tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Needs no input file: EmptyImage → SaveImage, an 8×8 image of `color`. */
export function emptyImageWorkflow(prefix: string, color = 0) {
  return {
    '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color } },
    '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: prefix } },
  };
}

/**
 * ComfyUI caches node results by their inputs: a second prompt identical to an earlier one finishes at once without
 * running EmptyImage. A new colour on each call changes the inputs, so EmptyImage really runs (and takes its delay).
 */
let colour = 0;
export function uncachedWorkflow(prefix: string) {
  colour += 1;
  return emptyImageWorkflow(prefix, colour);
}

const text2img = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../templates/text2img.json', import.meta.url)), 'utf8'),
) as Record<string, { inputs: Record<string, unknown> }>;

/** The shipped text2img template, small: KSampler ("3") sends one `progress` per step; SaveImage is "9". */
export function samplerWorkflow(steps: number, seed: number) {
  const workflow = structuredClone(text2img);
  Object.assign(workflow['3']!.inputs, { steps, seed });
  Object.assign(workflow['5']!.inputs, { width: 64, height: 64 });
  return workflow;
}

/** LoadImage → ImageScale (width/height from the request) → SaveImage: an image scenario with an upload field. */
export function shrinkWorkflow() {
  return {
    '1': { class_type: 'LoadImage', inputs: { image: 'example.png' } },
    '2': {
      class_type: 'ImageScale',
      inputs: { upscale_method: 'bilinear', width: 512, height: 512, crop: 'disabled', image: ['1', 0] },
    },
    '3': { class_type: 'SaveImage', inputs: { filename_prefix: 'shrink', images: ['2', 0] } },
  };
}
