// One manifest file on disk → its compiled scenario or its errors, plus the workflow files it depends on.
// A file that changes while being read (an editor mid-save) is reported as unstable instead of as broken.
import path from 'node:path';
import type { ObjectInfo, Workflow } from '../comfy/types.js';
import { checkObjectInfo } from './check-object-info.js';
import type { ScenarioCompiler } from './compile-scenario.js';
import { MANIFEST_MAX_BYTES, type LoadedManifest, type ManifestParser } from './load-manifest.js';
import { parseWorkflow, workflowCandidates, type WorkflowLimits } from './resolve-workflow.js';
import type { CompiledScenario } from './types.js';
import type { Translate } from '../i18n.js';
import { readRegularFile, type RegularFileRead } from './read-regular-file.js';

export type FileResult = { ok: true; scenario: CompiledScenario } | { ok: false; errors: string[] };

export interface LoadedFile {
  file: string;
  /** The route the manifest claims (shown even when it fails). */
  name: string;
  loaded: LoadedManifest | undefined;
  /** Workflow files whose change (or appearance) must reload this manifest. */
  deps: string[];
  result: FileResult;
  /** Warnings from the connected ComfyUI's /object_info, recomputed when it is fetched again. */
  comfyWarnings: string[];
}

export interface FileLoaderDeps {
  scenariosDir: string;
  templatesDir: string;
  limits: WorkflowLimits;
  parse: ManifestParser;
  compiler: ScenarioCompiler;
  defaultMessage: string;
  /** Problems are written in the configured locale. */
  t: Translate;
  /** Reads a workflow file inside `folder` (cached by the registry): gone, refused, too large, or its text. */
  readWorkflow(file: string, folder: string): Promise<RegularFileRead>;
  /** `scenarios/foo.yaml`, `templates/bar.json`: how files are named in messages. */
  display(file: string): string;
}

const ROUTE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** 'gone' when the file no longer exists; 'unstable' when it changed while being read. */
export async function loadFile(
  deps: FileLoaderDeps,
  file: string,
  version: number,
  info: ObjectInfo | undefined,
): Promise<LoadedFile | 'gone' | 'unstable'> {
  const { t } = deps;
  const rel = deps.display(file);
  const stem = path.basename(file).replace(/\.ya?ml$/, '');
  const failed = (errors: string[], extra: Partial<LoadedFile> = {}): LoadedFile => ({
    file, name: stem, loaded: undefined, deps: [], result: { ok: false, errors }, comfyWarnings: [], ...extra,
  });

  const read = await readRegularFile(file, deps.scenariosDir, MANIFEST_MAX_BYTES);
  if (read.kind === 'gone') return 'gone';
  if (read.kind === 'refused') return failed([`${rel}: ${t('manifest.file_refused', { reason: t(read.reason.key, read.reason.params) })}`]);
  if (read.kind === 'too-large') {
    return failed([`${rel}: ${t('manifest.too_large', { kib: MANIFEST_MAX_BYTES / 1024 })}`]);
  }
  if (!read.stable) return 'unstable';
  const { text } = read;

  const parsed = deps.parse(rel, text);
  if (!parsed.ok) return failed(parsed.errors);
  const { loaded } = parsed;
  const { manifest, at } = loaded;
  const name = manifest.route ?? stem;
  if (!ROUTE_NAME.test(name)) {
    return failed(
      [`${rel}: ${t('manifest.route_from_file', { stem })}`],
      { loaded },
    );
  }

  const candidates = workflowCandidates(manifest.workflow, path.dirname(file), deps.templatesDir);
  if (!candidates) {
    return failed([`${at(['workflow'])}: ${t('manifest.workflow_escapes')}`], { name, loaded });
  }
  let workflow: Workflow | undefined;
  let workflowFile = '';
  for (const [index, candidate] of candidates.entries()) {
    // The first candidate sits beside the manifest, the second in templates/: each is read only inside its folder.
    const folder = index === 0 ? path.dirname(file) : deps.templatesDir;
    const workflowRead = await deps.readWorkflow(candidate, folder);
    if (workflowRead.kind === 'gone') continue;
    workflowFile = candidate;
    if (workflowRead.kind !== 'read') {
      const reason = workflowRead.kind === 'refused'
        ? t(workflowRead.reason.key, workflowRead.reason.params)
        : t('file.larger_than', { kib: Math.round(deps.limits.maxBytes / 1024) });
      return failed([`${at(['workflow'])}: ${t('manifest.workflow_invalid', { file: deps.display(candidate), reason })}`], { name, loaded, deps: candidates });
    }
    const result = parseWorkflow(workflowRead.text, deps.limits, t);
    if (!result.ok) {
      return failed([`${at(['workflow'])}: ${t('manifest.workflow_invalid', { file: deps.display(candidate), reason: result.reason })}`], { name, loaded, deps: candidates });
    }
    workflow = result.workflow;
    break;
  }
  if (!workflow) {
    const tried = candidates.map((c) => deps.display(c)).join(t('manifest.list_and'));
    return failed([`${at(['workflow'])}: ${t('manifest.workflow_not_found', { name: manifest.workflow, tried })}`], { name, loaded, deps: candidates });
  }

  const compiled = deps.compiler.compile({
    file: rel,
    name,
    loaded,
    workflow,
    workflowFile: deps.display(workflowFile),
    version,
    defaultMessage: deps.defaultMessage,
  });
  if (!compiled.ok) return failed(compiled.errors, { name, loaded, deps: candidates });
  const comfyWarnings = info ? checkObjectInfo(compiled.scenario, info, at, t) : [];
  return { file, name, loaded, deps: candidates, result: compiled, comfyWarnings };
}
