// npm run new-scenario -- <name> <workflow.json>: a starting manifest for a workflow. Every literal input of every
// node becomes a commented candidate field; the author uncomments the ones callers should set.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Workflow } from '../src/comfy/types.js';
import { loadConfig } from '../src/config.js';
import { parseWorkflow } from '../src/scenarios/resolve-workflow.js';

function main(): number {
  const [name, source] = process.argv.slice(2);
  if (!name || !source || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(name)) {
    console.error('usage: npm run new-scenario -- <name> <workflow.json>   (name: letters, digits, _ and -)');
    return 2;
  }
  const config = loadConfig();
  const manifestFile = path.join(config.folders.scenarios, `${name}.yaml`);
  if (existsSync(manifestFile)) {
    console.error(`${manifestFile} already exists; choose another name or delete it first`);
    return 1;
  }
  const parsed = parseWorkflow(readFileSync(source, 'utf8'), { maxBytes: 8 * 1024 * 1024, maxNodes: 10_000, maxDepth: 64 });
  if (!parsed.ok) {
    console.error(`${source} ${parsed.reason}`);
    return 1;
  }
  const templateName = `${name}.json`;
  const templateFile = path.join(config.folders.templates, templateName);
  if (path.resolve(source) !== path.resolve(templateFile)) {
    if (existsSync(templateFile)) {
      console.error(`${templateFile} already exists; not overwriting it`);
      return 1;
    }
    copyFileSync(source, templateFile);
  }
  writeFileSync(manifestFile, manifestText(name, templateName, parsed.workflow));
  console.log(`wrote ${manifestFile} (workflow ${templateFile}); uncomment the fields callers should set, then: npm run check`);
  return 0;
}

function manifestText(name: string, templateName: string, workflow: Workflow): string {
  const lines = [
    `# POST /api/v1/scenarios/${name}. Format and every message: docs/scenarios.md`,
    `summary: ${name}`,
    'description: ""',
    'tags: [scenarios]',
    `workflow: ${templateName}`,
    '# Candidate fields, one per literal input of the workflow: replace "fields: {}" by "fields:" and uncomment',
    '# the ones callers should set by deleting their leading "# ".',
    'fields: {}',
  ];
  const used = new Set<string>();
  for (const [id, node] of Object.entries(workflow)) {
    for (const [input, value] of Object.entries(node.inputs)) {
      if (Array.isArray(value)) continue; // a link to another node, not a value
      let field = fieldName(input, node._meta?.title);
      if (used.has(field)) field = `${field}_${id.replace(/\W/g, '_')}`;
      used.add(field);
      const schema = {
        [field]: {
          type: typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value === 'boolean' ? 'boolean' : 'string',
          default: value,
          ...(input === 'seed' ? { minimum: -1, random_if: -1 } : {}),
          ...(node.class_type === 'LoadImage' && input === 'image' ? { format: 'image' } : {}),
          description: `${input} of ${node._meta?.title ?? node.class_type}`,
          to: `${id}.inputs.${input}`,
        },
      };
      lines.push(...stringify(schema, { indent: 2 }).trimEnd().split('\n').map((line) => `#   ${line}`));
    }
  }
  lines.push('outputs: []', `message: ${name} submitted`, '');
  return lines.join('\n');
}

function fieldName(input: string, title: string | undefined): string {
  return input === 'text' && title ? title.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '') || input : input;
}

process.exitCode = main();
