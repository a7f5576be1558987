// Who serves which route. Of two manifests claiming one route, the one whose file path sorts first wins: a rule that
// depends on nothing but the files, so run time, a restart and `npm run check` agree. A manifest that fails, or
// loses its route to an earlier one, keeps its last good version serving if that route is still free.
// Manifests only affect each other through the route names they claim, so the registry re-decides only the group
// of manifests linked to the edited ones by a shared name (usually just the edited one), never all of them.
import type { LoadedFile } from './load-file.js';
import type { CompiledScenario, ScenarioStatus } from './types.js';
import type { Translate } from '../i18n.js';

export interface Claimant {
  file: string;
  /** How the file is named in messages (`scenarios/a.yaml`). */
  rel: string;
  entry: LoadedFile;
  /** The version it served until now, if any. */
  lastGood: CompiledScenario | undefined;
}

export interface Owners {
  /** file → the scenario it serves (absent: none). */
  serving: Map<string, CompiledScenario>;
  /** route name → the scenario answering it (absent: nobody, among the names these claimants claim). */
  byName: Map<string, CompiledScenario>;
  /** file → its status. */
  statuses: Map<string, ScenarioStatus>;
}

/** The route names a manifest may end up serving: its own (when it compiled) and that of its last good version. */
export function claimedNames(entry: LoadedFile, lastGood: CompiledScenario | undefined): string[] {
  const names: string[] = [];
  if (entry.result.ok) names.push(entry.result.scenario.name);
  if (lastGood && !names.includes(lastGood.name)) names.push(lastGood.name);
  return names;
}

/** `ordered`: every manifest claiming any of the names involved, by file path. */
export function resolveOwners(ordered: readonly Claimant[], t: Translate): Owners {
  const owner = new Map<string, string>();
  const owners: Owners = { serving: new Map(), byName: new Map(), statuses: new Map() };

  for (const { file, rel, entry, lastGood } of ordered) {
    const errors = entry.result.ok ? [] : [...entry.result.errors];
    let chosen: CompiledScenario | undefined;
    const draft = entry.result.ok && entry.result.scenario.draft;
    if (entry.result.ok && !draft) {
      const claimedBy = owner.get(entry.result.scenario.name);
      // At the `route:` line, or the start of the file when the route is the file's name.
      const where = entry.loaded ? entry.loaded.at(['route'], 'key') : rel;
      if (claimedBy) errors.push(`${where}: ${t('manifest.route_taken', { name: entry.result.scenario.name, owner: claimedBy })}`);
      else chosen = entry.result.scenario;
    }
    // A draft serves nothing, not even an earlier version: its author took it off the air.
    if (!chosen && !draft && lastGood && !owner.has(lastGood.name)) chosen = lastGood;
    if (chosen) {
      owners.byName.set(chosen.name, chosen);
      owner.set(chosen.name, rel);
      owners.serving.set(file, chosen);
    }
    const warnings = entry.result.ok ? [...entry.result.scenario.warnings, ...entry.comfyWarnings] : [];
    const state = errors.length ? 'failed' : draft ? 'draft' : warnings.length ? 'loaded-with-warnings' : 'loaded';
    owners.statuses.set(file, {
      file: rel,
      name: entry.result.ok ? entry.result.scenario.name : entry.name,
      state,
      warnings,
      errors,
      servingVersion: errors.length ? chosen?.version : undefined,
    });
  }
  return owners;
}
