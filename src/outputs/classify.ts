// What an output is, judged by the file and not by the key ComfyUI filed it under: animated WebP, animated PNG,
// WebM and MP4 all arrive under `images` (with `animated: [true]` beside them), audio under `audio`, text under
// `text` as a list of strings with no file. The extension decides the MIME type, the same way ComfyUI's /view
// answers it, so a link's type is known before anyone downloads it.
import path from 'node:path';

export const OUTPUT_KINDS = ['image', 'animation', 'video', 'audio', 'text', 'file'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.bmp': 'image/bmp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.avif': 'image/avif',
  '.webm': 'video/webm',
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.mkv': 'video/x-matroska',
  '.avi': 'video/x-msvideo',
  '.flac': 'audio/flac',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/opus',
  '.m4a': 'audio/mp4',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.safetensors': 'application/octet-stream',
  '.latent': 'application/octet-stream',
};

/** The MIME type of a file by its name; application/octet-stream for anything unknown. */
export function mimeOf(filename: string): string {
  return MIME_BY_EXTENSION[path.extname(filename).toLowerCase()] ?? 'application/octet-stream';
}

/** A GIF is only ever saved to move; other pictures move when their node said `animated`. */
export function kindOf(mime: string, animated: boolean): Exclude<OutputKind, 'text'> {
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('image/')) return animated || mime === 'image/gif' ? 'animation' : 'image';
  return 'file';
}

/** One file a node's `executed` output names, with whether that node said its pictures move. */
export interface OutputFileRef {
  filename: string;
  subfolder: string;
  type: 'output' | 'temp' | 'input';
  animated: boolean;
}

/**
 * The files and texts of one node's `executed` output (or its history entry's `outputs[node]`). Every key whose
 * value is a list of file references counts (`images`, `audio`, `gifs`, `video`...), so a custom node's key is
 * not lost; `text` is the one list of strings.
 */
export function readNodeOutput(output: unknown): { files: OutputFileRef[]; texts: string[] } {
  const files: OutputFileRef[] = [];
  const texts: string[] = [];
  if (output === null || typeof output !== 'object' || Array.isArray(output)) return { files, texts };
  const record = output as Record<string, unknown>;
  const animatedFlags = record.animated;
  const animated = Array.isArray(animatedFlags) && animatedFlags.some((flag) => flag === true);
  for (const [key, value] of Object.entries(record)) {
    if (!Array.isArray(value)) continue;
    if (key === 'text') {
      for (const item of value) if (typeof item === 'string') texts.push(item);
      continue;
    }
    for (const item of value as unknown[]) {
      const ref = item as { filename?: unknown; subfolder?: unknown; type?: unknown } | null;
      if (ref === null || typeof ref !== 'object' || typeof ref.filename !== 'string') continue;
      files.push({
        filename: ref.filename,
        subfolder: typeof ref.subfolder === 'string' ? ref.subfolder : '',
        type: ref.type === 'temp' || ref.type === 'input' ? ref.type : 'output',
        // `animated` belongs to the pictures of `images`; GIFs of other keys are judged by their type.
        animated: key === 'images' && animated,
      });
    }
  }
  return { files, texts };
}
