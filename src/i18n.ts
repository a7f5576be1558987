// Every text the gateway says to a caller, in both languages. The service this gateway replaces answered in Chinese,
// so zh-CN is the default; `locale: en` in gateway.yaml switches every answer to English. This file looks texts up
// and fills in their parameters; the texts themselves are in src/i18n/, one file per area.
import { catalogue } from './i18n/catalogue.js';

export type Locale = 'zh-CN' | 'en';

/**
 * A message not yet put into words: a catalogue key and its parameters. An error carries one (also nested, as the
 * parameter of another) and the error middleware renders it once, in the caller's language.
 */
export interface Message {
  key: MessageKey;
  params?: Params;
}

type Params = Record<string, string | number | Message>;

/** A message to render later; `message('what.job', { id })` reads like the sentence it becomes. */
export function message(key: MessageKey, params?: Params): Message {
  return params === undefined ? { key } : { key, params };
}

export type MessageKey = keyof typeof catalogue;

export const YAML_CODE_KEYS = Object.keys(catalogue).filter((key) => key.startsWith('yaml.'));

/** A locale bound once (at start-up, or per request): code that writes messages takes one of these. */
export type Translate = (key: MessageKey, params?: Params) => string;

export function translator(locale: Locale): Translate {
  return (key, params) => translate(locale, key, params);
}

export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  const template = catalogue[key][locale === 'en' ? 1 : 0];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!Object.hasOwn(params, name)) return whole;
    const value = params[name] as string | number | Message;
    return typeof value === 'object' ? translate(locale, value.key, value.params) : String(value);
  });
}
