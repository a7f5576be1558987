// The `images` map of POST /api/v1/workflows/submit: `{"<node id>.inputs.<name>": value}` or `{"<node id>": value}`
// (short for `<node id>.inputs.image`, LoadImage's input). Every target is checked against the workflow before
// anything is uploaded, then each value is resolved (file name, data URL, base64, URL) and written into a copy.
import type { Workflow, WorkflowNode } from '../comfy/types.js';
import { fail } from '../errors.js';
import { translate, type Locale } from '../i18n.js';
import type { ImageInputs } from './resolve-image-input.js';

export interface ImageTarget {
  key: string;
  node: string;
  input: string;
}

const INPUTS = '.inputs.';

/** Where each key points; throws 400 naming the key when the node or input cannot take an image. */
export function findImageTargets(workflow: Readonly<Workflow>, keys: readonly string[], locale: Locale): ImageTarget[] {
  return keys.map((key) => {
    const at = key.lastIndexOf(INPUTS);
    const node = at >= 0 ? key.slice(0, at) : key;
    const input = at >= 0 ? key.slice(at + INPUTS.length) : 'image';
    const refuse = (problem: string) => fail.badRequest(translate(locale, 'reason.workflow_image_target', { key, problem }));
    if (!node || !input) throw refuse('the node id or the input name is empty');
    const target = Object.hasOwn(workflow, node) ? workflow[node] : undefined;
    if (!target) throw refuse(`the workflow has no node "${node}"`);
    // A link (["4", 0]) is another node's output: replacing it with a file name would cut the graph.
    if (Array.isArray(target.inputs[input])) throw refuse(`input "${input}" of node "${node}" is connected to another node`);
    return { key, node, input };
  });
}

/** A copy of the workflow with each image written in, and key → the name used (for the answer). */
export async function applyWorkflowImages(
  workflow: Readonly<Workflow>,
  images: Readonly<Record<string, string>>,
  inputs: ImageInputs,
  locale: Locale,
): Promise<{ workflow: Workflow; names: Record<string, string> }> {
  const targets = findImageTargets(workflow, Object.keys(images), locale);
  const out: Workflow = { ...workflow };
  const names: Record<string, string> = {};
  for (const target of targets) {
    const name = await inputs.resolve(images[target.key] as string, { locale, field: `images["${target.key}"]` });
    const node = out[target.node] as WorkflowNode;
    out[target.node] = { ...node, inputs: { ...node.inputs, [target.input]: name } };
    names[target.key] = name;
  }
  return { workflow: out, names };
}
