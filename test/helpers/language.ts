// Is a message written in one language? Names a message quotes ("seed", "Save (API Format)", 「…」), paths and
// identifiers (6.inputs.seed, scenarios/a.yaml, overwrite_link) are the author's or ComfyUI's words and may be
// English in any locale; a sentence may not. A sentence is taken to be three or more ASCII words in a row
// separated only by spaces: lists of names are separated by commas, identifiers hold dots, slashes or underscores.

const CJK = /[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]/;
const ENGLISH_RUN = /(?<![\w./-])[A-Za-z][A-Za-z']*(?: +[A-Za-z][A-Za-z']*){2,}(?![\w./-])/g;

/** The message without its `file:line:column:` prefix and without quoted text. */
function prose(message: string): string {
  return message
    .replace(/^[^\s:]+(?::\d+:\d+)?: /, '')
    .replace(/"[^"]*"/g, '""')
    .replace(/「[^」]*」/g, '「」');
}

/** Runs of English words outside quotes: empty for a well-formed Chinese message. */
export function englishSentences(message: string): string[] {
  return prose(message).match(ENGLISH_RUN) ?? [];
}

export function hasChinese(message: string): boolean {
  return CJK.test(prose(message));
}

/** A message fully in Chinese: some Chinese, and no English sentence outside quotes. */
export function isChinese(message: string): boolean {
  return hasChinese(message) && englishSentences(message).length === 0;
}

/** A message fully in English: English words outside quotes, and no Chinese at all. */
export function isEnglish(message: string): boolean {
  return !CJK.test(message) && /(?<![\w./-])[a-z]{2,} [a-z]{2,}/.test(prose(message));
}
