// The two request bodies of a scenario with image fields, both built once when the scenario compiles:
// - the JSON body's image fields say, in their own description, every form a value may take (the validator's
//   schema is the one the document shows, so the text lives there);
// - the multipart body is derived from that same JSON schema: each image field becomes a file part
//   (`format: binary`, which is what makes Swagger UI offer a file picker), every other field keeps its
//   schema object as a form field (the form reader coerces its text by that schema).
import type { JsonSchema } from '../http/json-schema.js';
import type { CompiledField } from './types.js';

export const IMAGE_FORMS =
  'An image value is one of: the file name of an image in ComfyUI\'s input folder (e.g. one uploaded with ' +
  'POST /api/v1/images/upload); a data URL (`data:image/png;base64,...`); bare base64 of the image bytes; an ' +
  'http(s) URL the gateway fetches (public addresses only, unless images.fetch.allow_hosts / allow_cidrs admit ' +
  'it; off when images.fetch.enabled is false); or, in a multipart/form-data request, a file part of this name.';


export function describeImageField(schema: JsonSchema): JsonSchema {
  const own = typeof schema.description === 'string' && schema.description.trim() ? `${schema.description.trim()}\n\n` : '';
  return { ...schema, description: own + IMAGE_FORMS };
}

/** The multipart/form-data body of a scenario, from its JSON request schema. */
export function multipartSchema(requestSchema: JsonSchema, fields: readonly CompiledField[]): JsonSchema {
  const properties = { ...(requestSchema.properties as Record<string, JsonSchema>) };
  for (const field of fields) {
    if (!field.image) continue;
    properties[field.name] = {
      type: 'string',
      format: 'binary',
      description: `A file part, or this form field as text.\n\n${String(field.schema.description ?? IMAGE_FORMS)}`,
    };
  }
  return { ...requestSchema, properties };
}
