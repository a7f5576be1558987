// The pool's configuration: the list form, COMFYUI_URLS, the single URL as a pool of one, and refused lists.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { defaultBackendName, resolveBackends } from '../../../src/backends/backend-config.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'backend-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const load = (yaml: string, env: NodeJS.ProcessEnv = {}) => {
  writeFileSync(path.join(dir, 'gateway.yaml'), yaml);
  return loadConfig({ cwd: dir, env });
};

describe('resolveBackends', () => {
  it('makes the single comfyui.url a pool of one with the default slots and weight', () => {
    const specs = resolveBackends(load('comfyui:\n  url: http://gpu1:8188/\n'));
    expect(specs).toEqual([{ name: 'gpu1:8188', url: 'http://gpu1:8188', slots: 2, weight: 1, labels: [] }]);
  });

  it('builds the pool of one from COMFYUI_HOST and COMFYUI_PORT too', () => {
    const specs = resolveBackends(load('', { COMFYUI_HOST: 'box', COMFYUI_PORT: '9000' }));
    expect(specs.map((s) => s.url)).toEqual(['http://box:9000']);
  });

  it('reads comfyui.backends with defaults filled in and names from host:port', () => {
    const config = load(
      'comfyui:\n  backends:\n    - {name: gpu-a, url: "http://10.0.0.1:8188", slots: 3, weight: 2, labels: [sdxl]}\n    - url: https://b.example/\n',
    );
    expect(resolveBackends(config)).toEqual([
      { name: 'gpu-a', url: 'http://10.0.0.1:8188', slots: 3, weight: 2, labels: ['sdxl'] },
      { name: 'b.example:443', url: 'https://b.example', slots: 2, weight: 1, labels: [] },
    ]);
  });

  it('takes COMFYUI_URLS over both the file list and the single URL', () => {
    const config = load('comfyui:\n  url: http://single:8188\n  backends:\n    - url: http://file:8188\n', {
      COMFYUI_URLS: ' http://a:8188 , http://b:8188,',
      COMFYUI_URL: 'http://other:8188',
    });
    expect(resolveBackends(config).map((s) => s.name)).toEqual(['a:8188', 'b:8188']);
  });

  it('refuses two backends with one name, naming both entries', () => {
    const config = load('comfyui:\n  backends:\n    - {name: gpu, url: "http://a:8188"}\n    - {name: gpu, url: "http://b:8188"}\n');
    expect(() => resolveBackends(config)).toThrow(ConfigError);
    expect(() => resolveBackends(config)).toThrow(/comfyui\.backends\.0 and comfyui\.backends\.1 have the same name "gpu"/);
  });

  it('refuses one server listed twice under different names', () => {
    const config = load('comfyui:\n  backends:\n    - {name: x, url: "http://a:8188"}\n    - {name: y, url: "http://a:8188/"}\n');
    expect(() => resolveBackends(config)).toThrow(/same url "http:\/\/a:8188"/);
  });

  it('names a URL without a port by its scheme default', () => {
    expect(defaultBackendName('http://host')).toBe('host:80');
    expect(defaultBackendName('http://[::1]:8188')).toBe('[::1]:8188');
  });
});

describe('config validation of the backend list', () => {
  it('names the key of a bad URL from COMFYUI_URLS and says where it came from', () => {
    expect(() => load('', { COMFYUI_URLS: 'http://a:8188,ftp://b' })).toThrow(
      /comfyui\.backends\.1\.url = "ftp:\/\/b" .*environment variable COMFYUI_URLS/,
    );
  });

  it('names an unknown key inside an entry', () => {
    expect(() => load('comfyui:\n  backends:\n    - {url: "http://a:8188", gpus: 2}\n')).toThrow(
      /comfyui\.backends\.0\.gpus = 2 is not a known setting/,
    );
  });

  it('refuses zero slots, a non-positive weight and a name with a slash', () => {
    expect(() => load('comfyui:\n  backends:\n    - {url: "http://a:8188", slots: 0}\n')).toThrow(/comfyui\.backends\.0\.slots/);
    expect(() => load('comfyui:\n  backends:\n    - {url: "http://a:8188", weight: 0}\n')).toThrow(/comfyui\.backends\.0\.weight/);
    expect(() => load('comfyui:\n  backends:\n    - {url: "http://a:8188", name: "a/b"}\n')).toThrow(/comfyui\.backends\.0\.name/);
  });
});
