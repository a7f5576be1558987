// The typical mistakes of a new scenario author, loaded under each locale: every problem is told in that language
// in full (no English sentence under zh-CN, no Chinese under en) and points at the file, line and column.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ObjectInfo } from '../../../src/comfy/types.js';
import type { Locale } from '../../../src/i18n.js';
import { createLogger } from '../../../src/log.js';
import { createRegistry } from '../../../src/scenarios/registry.js';
import { englishSentences, isChinese, isEnglish } from '../../helpers/language.js';

const folder = fileURLToPath(new URL('../../fixtures/scenarios/', import.meta.url));
const objectInfoFile = fileURLToPath(new URL('../../../packages/comfyui-sim/src/catalogue.json', import.meta.url));

/** A scenario that loads but draws every kind of /object_info warning from the simulator's node catalogue. */
const warned = {
  workflow: {
    '1': { class_type: 'NoSuchNode', inputs: {} },
    '2': { class_type: 'LoadImage', inputs: { image: 'a.png' } },
    '3': { class_type: 'ImageScale', inputs: { image: ['2', 0], upscale_method: 'cubic', width: -5, height: 64, crop: 'disabled', extra: 1 } },
  },
  manifest: `workflow: warned.json
fields:
  method: { type: string, enum: [bilinear, sinc], to: 3.inputs.upscale_method }
  height: { type: integer, default: 99999, to: 3.inputs.height }
  extra: { type: integer, to: 3.inputs.extra }
`,
};

/** One fixture per typical mistake, each with words its message must contain in either language. */
const mistakes: Record<string, { zh: string[]; en: string[] }> = {
  'yaml_syntax.yaml': { zh: ['YAML 格式错误', '缩进'], en: ['the YAML is not valid'] },
  'unknown_key.yaml': { zh: ['未知的键 "sumary"', '是否想写 "summary"'], en: ['unknown key "sumary"', 'did you mean "summary"'] },
  'field_unknown_key.yaml': { zh: ['字段 "seed"', '"defualt"', '"default"'], en: ['field "seed"', '"defualt"'] },
  'invalid_schema.yaml': { zh: ['字段 "steps" 不是合法的 JSON Schema'], en: ['field "steps" is not a valid JSON Schema'] },
  'default_fails.yaml': { zh: ['默认值 0', '必须 >= 1'], en: ['the default 0', 'must be >= 1'] },
  'enum_default.yaml': { zh: ['默认值 "large"', '"tiny", "small"'], en: ['the default "large"', 'must be one of: "tiny", "small"'] },
  'node_missing.yaml': { zh: ['节点 "66"', '1 "Canvas", 2, 3 "Save", 4 "Save"'], en: ['node "66"', '1 "Canvas", 2, 3 "Save", 4 "Save"'] },
  'node_typo.yaml': { zh: ['"Canvs"', '是否想写 "Canvas"'], en: ['"Canvs"', 'did you mean "Canvas"'] },
  'input_missing.yaml': { zh: ['没有输入 "sed"', '是否想写 "seed"'], en: ['has no input "sed"', 'did you mean "seed"'] },
  'link_overwrite.yaml': { zh: ['"overwrite_link: true"'], en: ['"overwrite_link: true"'] },
  'ui_format.yaml': { zh: ['UI 格式', '"Save (API Format)"'], en: ['UI format', '"Save (API Format)"'] },
  'workflow_missing.yaml': { zh: ['找不到工作流 "nope.json"', 'scenarios/nope.json 和 scenarios/no-templates/nope.json'], en: ['looked for scenarios/nope.json and scenarios/no-templates/nope.json'] },
  'type_mismatch.yaml': { zh: ['字段 "steps"'], en: ['field "steps"'] },
};

async function load(locale: Locale, scenariosDir = folder, objectInfo?: () => Promise<ObjectInfo>) {
  const registry = createRegistry({
    ...(objectInfo ? { objectInfo } : {}),
    scenariosDir,
    templatesDir: path.join(folder, 'no-templates'),
    limits: { workflowNodes: 100, workflowDepth: 16 },
    log: createLogger({ log: { level: 'silent', pretty: false } }),
    defaultMessage: 'submitted',
    locale,
  });
  try {
    await registry.load();
    if (objectInfo) expect(await registry.checkAgainstComfy()).toBe(true);
    return registry.current();
  } finally {
    registry.close();
  }
}

describe.each([
  ['zh-CN' as const, 'zh' as const, isChinese],
  ['en' as const, 'en' as const, isEnglish],
])('manifest problems under %s', (locale, lang, inLanguage) => {
  it('tells each typical mistake in that language, with file:line:column', async () => {
    const snapshot = await load(locale);
    for (const [fixture, words] of Object.entries(mistakes)) {
      const message = snapshot.statuses.get(`scenarios/${fixture}`)?.errors[0] ?? '';
      expect(message, fixture).toMatch(new RegExp(`^scenarios/${fixture.replace('.', '\\.')}:\\d+:\\d+: `));
      expect(inLanguage(message), `${message}\n(English runs: ${englishSentences(message).join(' | ')})`).toBe(true);
      for (const word of words[lang]) expect(message, fixture).toContain(word);
    }
  });

  it('tells every other problem of the fixture folder in that language too', async () => {
    const snapshot = await load(locale);
    const problems = snapshot.problems.map((problem) => problem.message);
    expect(problems.length).toBeGreaterThan(Object.keys(mistakes).length);
    for (const message of problems) {
      expect(inLanguage(message), `${message}\n(English runs: ${englishSentences(message).join(' | ')})`).toBe(true);
    }
  });

  it('tells the warnings of a live ComfyUI\'s /object_info in that language', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'warned-'));
    const scenarios = path.join(dir, 'scenarios');
    try {
      await mkdir(scenarios);
      await writeFile(path.join(scenarios, 'warned.json'), JSON.stringify(warned.workflow));
      await writeFile(path.join(scenarios, 'warned.yaml'), warned.manifest);
      const info = async () => JSON.parse(await readFile(objectInfoFile, 'utf8')) as ObjectInfo;
      const status = (await load(locale, scenarios, info)).statuses.get('scenarios/warned.yaml');
      expect(status?.state, JSON.stringify(status)).toBe('loaded-with-warnings');
      const warnings = status?.warnings ?? [];
      // Missing node type, unknown input, the workflow's value and a default out of range, a choice not offered.
      expect(warnings.length).toBeGreaterThanOrEqual(5);
      for (const message of warnings) {
        expect(message).toMatch(/^scenarios\/warned\.yaml:\d+:\d+: /);
        expect(inLanguage(message), `${message}\n(English runs: ${englishSentences(message).join(' | ')})`).toBe(true);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
