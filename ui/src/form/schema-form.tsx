// The try-it form, generated from a scenario's request schema: one input per property (the gateway's own
// `client_id` and `webhook` left out), sent as multipart/form-data so that picked and pasted images go as files.
import { useState } from 'preact/hooks';
import { useSession } from '../context';
import type { JsonSchema } from '../types';
import { FieldInput, initialValue, rulesOf, typeOf, type FieldValue } from './field-input';

const GATEWAY_FIELDS = new Set(['client_id', 'webhook']);

export function SchemaForm({ schema, busy, onSubmit }: { schema: JsonSchema; busy: boolean; onSubmit: (form: FormData) => void }) {
  const { t } = useSession();
  const properties = Object.entries(schema.properties ?? {}).filter(([name]) => !GATEWAY_FIELDS.has(name));
  const required = new Set(schema.required ?? []);
  const [values, setValues] = useState<Record<string, FieldValue>>(() =>
    Object.fromEntries(properties.map(([name, property]) => [name, initialValue(property)])),
  );
  return (
    <form
      class="try-form"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit(toFormData(schema, values));
      }}
    >
      {properties.map(([name, property]) => (
        <div class="form-row" key={name} data-field={name}>
          <label class="form-label">
            {name}
            {required.has(name) && <span class="required">*</span>}
          </label>
          <FieldInput
            name={name}
            schema={property}
            required={required.has(name) && property.format !== 'image'}
            value={values[name] ?? initialValue(property)}
            onChange={(value) => setValues((previous) => ({ ...previous, [name]: value }))}
          />
          <span class="muted small">{rulesOf(property)}</span>
        </div>
      ))}
      <button type="submit" disabled={busy}>{t('scenario.submit')}</button>
    </form>
  );
}

/** Only what the user gave: an empty optional field is left for the gateway's default. */
function toFormData(schema: JsonSchema, values: Record<string, FieldValue>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(values)) {
    const property = schema.properties?.[name];
    if (!property) continue;
    if (typeof value === 'object') {
      if (value.file) form.append(name, value.file, value.file.name);
      else if (value.text.trim()) form.append(name, value.text.trim());
    } else if (typeOf(property) === 'boolean') {
      form.append(name, String(value));
    } else if (value !== '') {
      form.append(name, String(value));
    }
  }
  return form;
}
