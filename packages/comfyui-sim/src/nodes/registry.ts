// class_type → implementation. A catalogue class missing here fails at run time, like a real node
// whose optional dependency is not installed (see Morphology in the recordings).
import { LoadImage, PreviewImage, SaveImage } from './image-nodes.js';
import { EmptyImage, ImageBlur, ImageInvert, ImageScale, ImageScaleBy } from './pixel-nodes.js';
import { CheckpointLoaderSimple, CLIPTextEncode, EmptyLatentImage, KSampler, VAEDecode, VAEEncode } from './sd-nodes.js';
import {
  CreateVideo, EmptyAudio, PreviewAudio, SaveAnimatedPNG, SaveAnimatedWEBP, SaveAudio, SaveAudioMP3, SaveVideo, SaveWEBM,
} from './media-nodes.js';
import { PreviewAny, PrimitiveString, StringConcatenate } from './text-nodes.js';
import { ImageUpscaleWithModel, LoraLoader, UNETLoader, UpscaleModelLoader, VAELoader } from './loader-nodes.js';
import type { NodeImpl } from './types.js';

export const NODE_IMPLEMENTATIONS: ReadonlyMap<string, NodeImpl> = new Map<string, NodeImpl>([
  ['LoadImage', LoadImage],
  ['SaveImage', SaveImage],
  ['PreviewImage', PreviewImage],
  ['EmptyImage', EmptyImage],
  ['ImageInvert', ImageInvert],
  ['ImageScale', ImageScale],
  ['ImageScaleBy', ImageScaleBy],
  ['ImageBlur', ImageBlur],
  ['CheckpointLoaderSimple', CheckpointLoaderSimple],
  ['CLIPTextEncode', CLIPTextEncode],
  ['EmptyLatentImage', EmptyLatentImage],
  ['KSampler', KSampler],
  ['VAEEncode', VAEEncode],
  ['VAEDecode', VAEDecode],
  ['SaveAnimatedWEBP', SaveAnimatedWEBP],
  ['SaveAnimatedPNG', SaveAnimatedPNG],
  ['SaveWEBM', SaveWEBM],
  ['CreateVideo', CreateVideo],
  ['SaveVideo', SaveVideo],
  ['EmptyAudio', EmptyAudio],
  ['SaveAudio', SaveAudio],
  ['SaveAudioMP3', SaveAudioMP3],
  ['PreviewAudio', PreviewAudio],
  ['PrimitiveString', PrimitiveString],
  ['StringConcatenate', StringConcatenate],
  ['PreviewAny', PreviewAny],
  ['LoraLoader', LoraLoader],
  ['VAELoader', VAELoader],
  ['UNETLoader', UNETLoader],
  ['UpscaleModelLoader', UpscaleModelLoader],
  ['ImageUpscaleWithModel', ImageUpscaleWithModel],
]);
