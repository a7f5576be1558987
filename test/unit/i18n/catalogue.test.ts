// The catalogue is composed from one file per area: every key must come from exactly one of them, and every key
// must have a text in both languages.
import { describe, expect, it } from 'vitest';
import { catalogue, catalogueParts } from '../../../src/i18n/catalogue.js';
import { translate, YAML_CODE_KEYS, type MessageKey } from '../../../src/i18n.js';

describe('the message catalogue', () => {
  it('takes each key from exactly one area', () => {
    const seen = new Map<string, string>();
    for (const [part, messages] of Object.entries(catalogueParts)) {
      for (const key of Object.keys(messages)) {
        expect(seen.get(key), `${key} is in ${part} and ${seen.get(key)}`).toBeUndefined();
        seen.set(key, part);
      }
    }
    expect(seen.size).toBe(Object.keys(catalogue).length);
  });

  it('has a text for every key in zh-CN and en', () => {
    for (const [key, texts] of Object.entries(catalogue)) {
      expect(texts, key).toHaveLength(2);
      expect(translate('zh-CN', key as MessageKey), key).toBe(texts[0]);
      expect(translate('en', key as MessageKey), key).toBe(texts[1]);
      expect(texts[0].length, key).toBeGreaterThan(0);
      expect(texts[1].length, key).toBeGreaterThan(0);
    }
  });

  it('lists the yaml library codes it describes', () => {
    expect(YAML_CODE_KEYS).toContain('yaml.BAD_INDENT');
    expect(YAML_CODE_KEYS.every((key) => key.startsWith('yaml.'))).toBe(true);
  });
});
