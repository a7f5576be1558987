import { describe, expect, it } from 'vitest';
import { safeUploadName } from '../../../src/images/safe-filename.js';

const png = ['png'];
const jpeg = ['jpg', 'jpeg', 'jpe', 'jfif'];

describe('safeUploadName', () => {
  it('keeps an ordinary name', () => {
    expect(safeUploadName('image.png', png)).toBe('image.png');
    expect(safeUploadName('photo.JPEG', jpeg)).toBe('photo.JPEG'.replace('JPEG', 'jpeg'));
  });

  it('keeps Unicode letters', () => {
    expect(safeUploadName('猫 照片.png', png)).toBe('猫 照片.png');
    expect(safeUploadName('café-été.png', png)).toBe('café-été.png');
  });

  it('drops directories, whichever separator', () => {
    expect(safeUploadName('../../etc/passwd.png', png)).toBe('passwd.png');
    expect(safeUploadName('C:\\Users\\me\\cat.png', png)).toBe('cat.png');
    expect(safeUploadName('/abs/cat.png', png)).toBe('cat.png');
  });

  it('removes NUL, control characters, .. and leading dots', () => {
    expect(safeUploadName('a\u0000b.png', png)).toBe('a_b.png');
    expect(safeUploadName('a\nb\tc.png', png)).toBe('a_b_c.png');
    expect(safeUploadName('..hidden..png', png)).toBe('hidden.png');
    expect(safeUploadName('.bashrc', png)).toMatch(/^bashrc\.png$/);
  });

  it('cannot end in a ComfyUI folder annotation', () => {
    const name = safeUploadName('x.png [output]', png);
    expect(name.endsWith('.png')).toBe(true);
    expect(name).not.toContain('[');
  });

  it('matches the extension to the content', () => {
    expect(safeUploadName('photo.jpg', png)).toBe('photo.png');
    expect(safeUploadName('photo', png)).toBe('photo.png');
    expect(safeUploadName('photo.jpeg', jpeg)).toBe('photo.jpeg');
    expect(safeUploadName('v1.2 final', png)).toBe('v1.2 final.png');
  });

  it('falls back to a generated name when nothing usable is left', () => {
    expect(safeUploadName('', png)).toMatch(/^upload-[0-9a-f]{8}\.png$/);
    expect(safeUploadName(undefined, png)).toMatch(/^upload-[0-9a-f]{8}\.png$/);
    expect(safeUploadName('../..', png)).toMatch(/^upload-[0-9a-f]{8}\.png$/);
    expect(safeUploadName('***.png', png)).toMatch(/^upload-[0-9a-f]{8}\.png$/);
  });

  it('avoids Windows device names and over-long names', () => {
    expect(safeUploadName('CON.png', png)).toBe('_CON.png');
    const long = safeUploadName(`${'猫'.repeat(300)}.png`, png);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(204);
    expect(long.endsWith('.png')).toBe(true);
  });
});
