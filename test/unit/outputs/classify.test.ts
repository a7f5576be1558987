// Every output node ComfyUI was recorded running (08_outputs.json): each `executed` frame's output read into
// kinds, and each file's MIME type by its name equal to the content type ComfyUI's /view answered for it.
import { describe, expect, it } from 'vitest';
import { kindOf, mimeOf, readNodeOutput } from '../../../src/outputs/classify.js';
import { fileOutput } from '../../../src/outputs/typed-output.js';
import { loadTranscript } from '../../contract/transcripts.js';

const recording = loadTranscript('08_outputs.json');

/** The kinds of every recorded `executed` output, by the file (or text) it named. */
function recordedKinds(): Map<string, string> {
  const kinds = new Map<string, string>();
  for (const event of recording) {
    if (event.kind !== 'ws' || event.json?.type !== 'executed') continue;
    const { files, texts } = readNodeOutput((event.json.data as { output: unknown }).output);
    for (const file of files) kinds.set(file.filename, kindOf(mimeOf(file.filename), file.animated));
    for (const text of texts) kinds.set(text.slice(0, 20), 'text');
  }
  return kinds;
}

describe('output kinds, from the recording', () => {
  it('reads animations, videos, audio, texts and pictures by what they are, not by their key', () => {
    const kinds = recordedKinds();
    expect(kinds.get('anim_00001_.webp')).toBe('animation');
    expect(kinds.get('apng_00001_.png')).toBe('animation');
    expect(kinds.get('webm_00001_.webm')).toBe('video');
    expect(kinds.get('clip_00001_.mp4')).toBe('video');
    expect(kinds.get('tone_00001_.flac')).toBe('audio');
    expect(kinds.get('tone_00002_.mp3')).toBe('audio');
    expect(kinds.get('ComfyUI_temp_uxpgj_00001_.flac')).toBe('audio');
    expect(kinds.get('multi_00001_.png')).toBe('image');
    expect(kinds.get('ComfyUI_temp_qkddl_00001_.png')).toBe('image');
    expect(kinds.get('hello 世界')).toBe('text');
    expect(kinds.get('a red fox, in the snow'.slice(0, 20))).toBe('text');
  });

  it('names each file with the content type /view answered for it', () => {
    let checked = 0;
    for (const event of recording) {
      if (event.kind !== 'http' || !event.request.path.startsWith('/view?')) continue;
      const filename = new URLSearchParams(event.request.path.slice('/view?'.length)).get('filename')!;
      expect(mimeOf(filename), filename).toBe(event.response.headers['content-type']);
      checked += 1;
    }
    expect(checked).toBeGreaterThanOrEqual(9);
  });

  it('keeps the subfolder and temp type of a file, and ignores what is not a file reference', () => {
    const read = readNodeOutput({
      images: [{ filename: 'clip_00001_.mp4', subfolder: 'video', type: 'output' }, { nope: 1 }, null],
      animated: [true],
      audio: [{ filename: 'ComfyUI_temp_x_00001_.flac', subfolder: '', type: 'temp' }],
      text: ['a', 3],
    });
    expect(read.files).toEqual([
      { filename: 'clip_00001_.mp4', subfolder: 'video', type: 'output', animated: true },
      { filename: 'ComfyUI_temp_x_00001_.flac', subfolder: '', type: 'temp', animated: false },
    ]);
    expect(read.texts).toEqual(['a']);
    expect(readNodeOutput(null)).toEqual({ files: [], texts: [] });
  });
});

describe('typed file outputs', () => {
  it('offers a conversion on the gateway\'s download link, relative or absolute, and never on ComfyUI\'s /view', () => {
    const source = { node: '9', filename: 'a.png', subfolder: '', type: 'output' };
    const spec = { format: 'webp' as const, quality: 70 };
    const relative = fileOutput(source, '/api/v1/images/download?filename=a.png&subfolder=&img_type=output', spec);
    expect(relative).toMatchObject({ kind: 'image', mime: 'image/webp', url: expect.stringContaining('&format=webp&quality=70') });
    const absolute = fileOutput(source, 'http://gw/api/v1/images/download?filename=a.png&subfolder=&img_type=output', spec);
    expect(absolute.original_url).toBe('http://gw/api/v1/images/download?filename=a.png&subfolder=&img_type=output');
    const comfy = fileOutput(source, 'http://comfy:8188/view?filename=a.png&subfolder=&type=output', spec);
    expect(comfy).toMatchObject({ mime: 'image/png', url: 'http://comfy:8188/view?filename=a.png&subfolder=&type=output' });
    expect(comfy.original_url).toBeUndefined();
  });
});
