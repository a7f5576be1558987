// The registry's view of every manifest, and the next snapshot made from it after a change. Only the manifests
// linked to a changed one by a route name they claim are re-decided (route-owners.ts), and the new snapshot's maps
// share everything else with the current one's, so an edit costs the same with 1 or 1,000 scenarios.
import type { LoadedFile } from './load-file.js';
import { PersistentMap } from './persistent-map.js';
import { claimedNames, resolveOwners, type Claimant } from './route-owners.js';
import type { CompiledScenario, Problem, ScenarioStatus, Snapshot } from './types.js';
import { createReverseIndex } from './reverse-index.js';
import type { Translate } from '../i18n.js';

/** A loaded manifest, as the registry keeps it. */
export type Entry = LoadedFile;

export interface PreparedSnapshot {
  snapshot: Snapshot;
  /** Makes the prepared state the current one; returns the scenarios no longer served by anyone. */
  commit(): CompiledScenario[];
}

export interface SnapshotBuilder {
  /** Every manifest by absolute path, as of the last commit. */
  readonly entries: ReadonlyMap<string, Entry>;
  readonly empty: Snapshot;
  /** The next snapshot after `changed` (absolute path → its new entry, undefined when it is gone). Changes nothing yet. */
  prepare(version: number, changed: ReadonlyMap<string, Entry | undefined>): PreparedSnapshot;
}

export function createSnapshotBuilder(display: (file: string) => string, t: Translate): SnapshotBuilder {
  const entries = new Map<string, Entry>();
  const serving = new Map<string, CompiledScenario>(); // by manifest file: the last good version
  const claims = createReverseIndex(); // route name → the manifest files claiming it
  let scenarios = PersistentMap.empty<string, CompiledScenario>();
  let statuses = PersistentMap.empty<string, ScenarioStatus>();

  /** The changed files, and every file claiming a name one of them claims (before or after), transitively. */
  function groupOf(changed: ReadonlyMap<string, Entry | undefined>, entryOf: (file: string) => Entry | undefined) {
    const group = new Set<string>();
    const names = new Set<string>();
    const stack = [...changed.keys()];
    for (let file = stack.pop(); file !== undefined; file = stack.pop()) {
      if (group.has(file)) continue;
      group.add(file);
      const entry = entryOf(file);
      for (const name of [...claims.keysOf(file), ...(entry ? claimedNames(entry, serving.get(file)) : [])]) {
        if (names.has(name)) continue;
        names.add(name);
        stack.push(...claims.filesOf(name));
      }
    }
    return { group, names };
  }

  function prepare(version: number, changed: ReadonlyMap<string, Entry | undefined>): PreparedSnapshot {
    const entryOf = (file: string) => (changed.has(file) ? changed.get(file) : entries.get(file));
    const { group, names } = groupOf(changed, entryOf);
    const present: [Entry, Claimant][] = [];
    for (const file of group) {
      const entry = entryOf(file);
      if (entry) present.push([entry, { file, rel: display(file), entry, lastGood: serving.get(file) }]);
    }
    // Routes go by file path, so the owner is the same at run time, after a restart and in `npm run check`.
    present.sort(([a], [b]) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    const owners = resolveOwners(present.map(([, claimant]) => claimant), t);

    const scenarioChanges: [string, CompiledScenario | undefined][] = [];
    for (const name of names) if (!owners.byName.has(name) && scenarios.has(name)) scenarioChanges.push([name, undefined]);
    for (const [name, scenario] of owners.byName) if (scenarios.get(name) !== scenario) scenarioChanges.push([name, scenario]);
    const statusChanges: [string, ScenarioStatus | undefined][] = [];
    for (const file of group) if (!entryOf(file)) statusChanges.push([display(file), undefined]);
    for (const [, { file, rel }] of present) statusChanges.push([rel, owners.statuses.get(file)]);
    const nextScenarios = scenarios.with(scenarioChanges);
    const nextStatuses = statuses.with(statusChanges);

    return {
      snapshot: freezeSnapshot(version, nextScenarios, nextStatuses),
      commit() {
        const released: CompiledScenario[] = [];
        for (const file of group) {
          const entry = entryOf(file);
          const chosen = owners.serving.get(file);
          const old = serving.get(file);
          if (old && old !== chosen) released.push(old);
          if (entry) entries.set(file, entry);
          else entries.delete(file);
          if (chosen) serving.set(file, chosen);
          else serving.delete(file);
          claims.link(file, entry ? claimedNames(entry, chosen) : []);
        }
        scenarios = nextScenarios;
        statuses = nextStatuses;
        return released;
      },
    };
  }

  return { entries, empty: freezeSnapshot(0, scenarios, statuses), prepare };
}

function freezeSnapshot(version: number, scenarios: Snapshot['scenarios'], statuses: Snapshot['statuses']): Snapshot {
  let problems: readonly Problem[] | undefined;
  return Object.freeze({
    version,
    scenarios,
    statuses,
    // Gathered from the statuses on first use: most snapshots are never asked for the whole list.
    get problems() {
      problems ??= Object.freeze(
        [...statuses.values()].flatMap((status) => [
          ...status.errors.map((message): Problem => ({ file: status.file, severity: 'error', message })),
          ...status.warnings.map((message): Problem => ({ file: status.file, severity: 'warning', message })),
        ]),
      );
      return problems;
    },
  });
}
