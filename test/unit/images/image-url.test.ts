import { describe, expect, it } from 'vitest';
import { buildImageUrl } from '../../../src/images/image-url.js';

const comfyuiUrl = 'http://127.0.0.1:8188';

describe('buildImageUrl', () => {
  it('gives ComfyUI\'s own /view URL: filename, then subfolder, then type', () => {
    const url = buildImageUrl({ filename: 'result.png' }, { mode: 'comfyui', publicUrl: '', comfyuiUrl }, 'http://x');
    expect(url).toBe('http://127.0.0.1:8188/view?filename=result.png&subfolder=&type=output');
  });

  it('defaults to the gateway download route on the caller\'s origin', () => {
    const url = buildImageUrl(
      { filename: 'a b.png', subfolder: 'x/y', type: 'temp' },
      { mode: 'gateway', publicUrl: '', comfyuiUrl },
      'http://gw.local:8000',
    );
    expect(url).toBe('http://gw.local:8000/api/v1/images/download?filename=a%20b.png&subfolder=x%2Fy&img_type=temp');
  });

  it('prefers public_url (with a path prefix, without a double slash)', () => {
    const url = buildImageUrl(
      { filename: 'r.png' },
      { mode: 'gateway', publicUrl: 'https://api.example.com/comfy/', comfyuiUrl },
      'http://ignored',
    );
    expect(url).toBe('https://api.example.com/comfy/api/v1/images/download?filename=r.png&subfolder=&img_type=output');
  });

  it('encodes characters that would break the query', () => {
    const url = buildImageUrl({ filename: 'a&b=c#.png' }, { mode: 'comfyui', publicUrl: '', comfyuiUrl }, '');
    expect(new URL(url).searchParams.get('filename')).toBe('a&b=c#.png');
  });
});
