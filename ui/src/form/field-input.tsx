// One input for one JSON Schema property: a choice list for an enum, a checkbox for a boolean, a number box with
// the schema's limits, a text box or area for a string, and the image picker for `format: image`.
import type { JsonSchema } from '../types';
import { ImageInput, type ImageValue } from './image-input';

export type FieldValue = string | boolean | ImageValue;

export const typeOf = (schema: JsonSchema): string =>
  (Array.isArray(schema.type) ? schema.type.find((type) => type !== 'null') : schema.type) ?? 'string';

export function initialValue(schema: JsonSchema): FieldValue {
  if (schema.format === 'image') return { text: '' };
  if (typeOf(schema) === 'boolean') return schema.default === true;
  return schema.default === undefined || schema.default === null ? '' : String(schema.default);
}

interface Props {
  name: string;
  schema: JsonSchema;
  required: boolean;
  value: FieldValue;
  onChange: (value: FieldValue) => void;
}

export function FieldInput({ name, schema, required, value, onChange }: Props) {
  const type = typeOf(schema);
  if (schema.format === 'image') return <ImageInput name={name} value={value as ImageValue} onChange={onChange} />;
  if (schema.enum) {
    return (
      <select name={name} required={required} value={String(value)} onChange={(e) => onChange(e.currentTarget.value)}>
        {!required && <option value="">—</option>}
        {schema.enum.map((choice) => <option key={String(choice)} value={String(choice)}>{String(choice)}</option>)}
      </select>
    );
  }
  if (type === 'boolean') {
    return <input type="checkbox" name={name} checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />;
  }
  if (type === 'integer' || type === 'number') {
    return (
      <input
        type="number"
        name={name}
        required={required}
        min={schema.minimum}
        max={schema.maximum}
        step={type === 'integer' ? 1 : 'any'}
        value={String(value)}
        onInput={(e) => onChange(e.currentTarget.value)}
      />
    );
  }
  const long = schema.maxLength === undefined || schema.maxLength > 120;
  const common = {
    name,
    required,
    minLength: schema.minLength,
    maxLength: schema.maxLength,
    value: String(value),
    onInput: (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => onChange(e.currentTarget.value),
  };
  return long ? <textarea rows={2} {...common} /> : <input type="text" pattern={schema.pattern} {...common} />;
}

/** The schema's rules in a line: type, limits, choices, default. */
export function rulesOf(schema: JsonSchema): string {
  const parts: string[] = [schema.format === 'image' ? 'image' : typeOf(schema)];
  if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`);
  if (schema.minLength !== undefined) parts.push(`length ≥ ${schema.minLength}`);
  if (schema.maxLength !== undefined) parts.push(`length ≤ ${schema.maxLength}`);
  if (schema.pattern) parts.push(`/${schema.pattern}/`);
  if (schema.enum) parts.push(`∈ {${schema.enum.map(String).join(', ')}}`);
  if (schema.default !== undefined) parts.push(`= ${JSON.stringify(schema.default)}`);
  return parts.join(' · ');
}
