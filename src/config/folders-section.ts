// The folders and scenarios sections of gateway.yaml: where the files are, and whether scenarios/ is watched.
import type { JSONSchemaType } from 'ajv';
import { emptySection } from './schema-blocks.js';

export interface FoldersConfig {
  scenarios: string;
  templates: string;
  input: string;
  output: string;
}

export const foldersSchema: JSONSchemaType<FoldersConfig> = {
  type: 'object',
  additionalProperties: false,
  default: emptySection,
  required: ['scenarios', 'templates', 'input', 'output'],
  properties: {
    scenarios: { type: 'string', minLength: 1, default: 'scenarios' },
    templates: { type: 'string', minLength: 1, default: 'templates' },
    input: { type: 'string', minLength: 1, default: 'input' },
    output: { type: 'string', minLength: 1, default: 'output' },
  },
};

export interface ScenariosConfig {
  watch: boolean;
  debounce_ms: number;
}

export const scenariosSchema: JSONSchemaType<ScenariosConfig> = {
  type: 'object',
  additionalProperties: false,
  default: emptySection,
  required: ['watch', 'debounce_ms'],
  properties: {
    watch: { type: 'boolean', default: true },
    debounce_ms: { type: 'integer', minimum: 0, maximum: 10_000, default: 50 },
  },
};
