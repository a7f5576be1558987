// The parts of execution_error that describe the failure: current_inputs formatted like format_value()
// (tensors and model objects become their str()), and a traceback shaped like the recorded one.
import type { JsonValue } from './py.js';
import type { AudioClip, Conditioning, ImageBatch, Latent, MaskBatch, ModelHandle, NodeError, NodeValue, Video } from './nodes/types.js';

const KINDS = new Set(['IMAGE', 'MASK', 'LATENT', 'CONDITIONING', 'MODEL', 'CLIP', 'VAE', 'AUDIO', 'VIDEO']);
const isNodeObject = (v: object): boolean => 'kind' in v && KINDS.has(String((v as { kind: unknown }).kind));

function tensor(shape: number[]): string {
  return `tensor(<${shape.join('x')} float32>)`;
}

export function formatValue(v: NodeValue | undefined): JsonValue {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v) || !isNodeObject(v)) return v as JsonValue;
  const o = v as ImageBatch | MaskBatch | Latent | ModelHandle | Conditioning | AudioClip | Video;
  switch (o.kind) {
    case 'IMAGE':
      return tensor([o.frames.length, o.height, o.width, 3]);
    case 'MASK':
      return tensor([o.frames.length, o.height, o.width]);
    case 'LATENT':
      return `{'samples': ${tensor([o.batch, 4, o.height, o.width])}}`;
    case 'CONDITIONING':
      return `[[${tensor([1, 77, 768])}, {'pooled_output': ${tensor([1, 768])}}]]`;
    case 'MODEL':
      return '<comfy.model_patcher.ModelPatcher object at 0x7f3a2c1b5e50>';
    case 'CLIP':
      return '<comfy.sd.CLIP object at 0x7f3a2c1b6f10>';
    case 'VAE':
      return '<comfy.sd.VAE object at 0x7f3a2c1b7fd0>';
    case 'AUDIO':
      return `{'waveform': ${tensor([1, o.channels, o.samples])}, 'sample_rate': ${o.sampleRate}}`;
    case 'VIDEO':
      return '<comfy_api.latest._input_impl.video_types.VideoFromComponents object at 0x7f3a2c1b8a90>';
    default:
      return String(o);
  }
}

export function runtimeTraceback(classType: string, err: NodeError): string[] {
  if (err.traceback.length > 0) return err.traceback;
  return [
    '  File "ComfyUI/execution.py", line 496, in execute\n    output_data, output_ui, has_subgraph, has_pending_tasks = await get_output_data(prompt_id, unique_id, obj, input_data_all, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, hidden_inputs=hidden_inputs)\n',
    '  File "ComfyUI/execution.py", line 315, in get_output_data\n    return_values = await _async_map_node_over_list(prompt_id, unique_id, obj, input_data_all, obj.FUNCTION, allow_interrupt=True, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, hidden_inputs=hidden_inputs)\n',
    '  File "ComfyUI/execution.py", line 289, in _async_map_node_over_list\n    await process_inputs(input_dict, i)\n',
    '  File "ComfyUI/execution.py", line 277, in process_inputs\n    result = f(**inputs)\n             ^^^^^^^^^^^\n',
    `  File "ComfyUI/simulator.py", line 1, in ${classType}\n    raise ${err.pyType.split('.').pop() ?? 'RuntimeError'}(message)\n`,
  ];
}
