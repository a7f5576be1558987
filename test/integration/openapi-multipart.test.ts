// What Swagger UI's "Try it out" does with an image scenario, done from the document alone: read the scenario's
// operation from /api/v1/openapi.json, build a multipart/form-data request exactly as it describes (the property
// names, the file parts where it says `format: binary` with the part type its encoding names, the other fields as
// form text), send it with a real PNG, and get the job — whose result shows the form fields were applied.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { shrinkWorkflow } from '../helpers/workflows.js';

interface Schema {
  type?: string;
  format?: string;
  description?: string;
  default?: unknown;
  required?: string[];
  properties?: Record<string, Schema>;
}
interface Media {
  schema: Schema;
  encoding?: Record<string, { contentType?: string }>;
}
interface Operation {
  parameters: { name: string; in: string }[];
  requestBody: { content: Record<string, Media> };
}
interface Doc {
  paths: Record<string, { post?: Operation }>;
}

const SHRINK = `
summary: shrink
fields:
  input_image:
    type: string
    format: image
    required: true
    description: the picture
    to: 1.inputs.image
  width:
    type: integer
    minimum: 1
    maximum: 4096
    default: 512
    to: 2.inputs.width
  height:
    type: integer
    minimum: 1
    maximum: 4096
    default: 512
    to: 2.inputs.height
workflow: shrink.json
outputs: [3]
`;
const TEXT_ONLY = `
summary: text only
fields:
  prefix: {type: string, required: true, to: 3.inputs.filename_prefix}
workflow: shrink.json
outputs: [3]
`;

describe('OpenAPI: an image scenario documents its multipart body, and a request built from it works', () => {
  let stack: Stack;
  let dir: string;
  let doc: Doc;
  let png: Buffer;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'openapi-multipart-'));
    await mkdir(path.join(dir, 'scenarios'));
    await mkdir(path.join(dir, 'templates'));
    await writeFile(path.join(dir, 'scenarios', 'shrink.yaml'), SHRINK);
    await writeFile(path.join(dir, 'scenarios', 'text_only.yaml'), TEXT_ONLY);
    await writeFile(path.join(dir, 'templates', 'shrink.json'), JSON.stringify(shrinkWorkflow()));
    png = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 10, g: 120, b: 200 } } })
      .png()
      .toBuffer();
    stack = await startStack(
      { folders: { scenarios: path.join(dir, 'scenarios'), templates: path.join(dir, 'templates') }, locale: 'en' },
      { stepMs: 1 },
    );
    doc = (await (await fetch(`${stack.gw.url}/api/v1/openapi.json`)).json()) as Doc;
  });
  afterAll(async () => {
    await stack?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stays valid OpenAPI 3.1 with both request bodies', async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors).toBeUndefined();
    const content = doc.paths['/api/v1/scenarios/shrink']?.post?.requestBody.content ?? {};
    expect(Object.keys(content).sort()).toEqual(['application/json', 'multipart/form-data']);
    // A scenario without an image field has nothing to upload: JSON only.
    const textOnly = doc.paths['/api/v1/scenarios/text_only']?.post?.requestBody.content ?? {};
    expect(Object.keys(textOnly)).toEqual(['application/json']);
  });

  it('lists every form an image value may take, in both bodies', () => {
    const content = doc.paths['/api/v1/scenarios/shrink']!.post!.requestBody.content;
    for (const media of [content['application/json']!, content['multipart/form-data']!]) {
      const text = media.schema.properties!.input_image!.description!;
      expect(text).toContain('the picture');
      for (const form of ["ComfyUI's input folder", 'data URL', 'base64', 'http(s) URL', 'allow_hosts', 'multipart/form-data']) {
        expect(text).toContain(form);
      }
    }
    const form = content['multipart/form-data']!.schema;
    expect(form.properties!.input_image).toMatchObject({ type: 'string', format: 'binary' });
    expect(form.properties!.width).toMatchObject({ type: 'integer', minimum: 1 });
    expect(form.required).toEqual(['input_image']);
  });

  it('derives the multipart schema once, from the very schema the validator compiled', () => {
    const scenario = stack.gw.registry.current().scenarios.get('shrink')!;
    const props = (name: 'formSchema' | 'requestSchema') =>
      (scenario[name] as { properties: Record<string, unknown> }).properties;
    // Non-image fields are the validator's own objects, not copies; the document serves what was built at compile.
    expect(props('formSchema').width).toBe(props('requestSchema').width);
    expect(stack.gw.registry.current().scenarios.get('shrink')!.formSchema).toBe(scenario.formSchema);
  });

  it('accepts a multipart request built only from the operation, with a real PNG', async () => {
    const operation = doc.paths['/api/v1/scenarios/shrink']!.post!;
    const media = operation.requestBody.content['multipart/form-data']!;
    // Like Swagger UI: every documented field is sent, the ones left blank as empty text.
    const values: Record<string, string> = { width: '20', height: '15', client_id: '', webhook: '' };
    const form = new FormData();
    for (const [name, schema] of Object.entries(media.schema.properties!)) {
      if (schema.format === 'binary') {
        const type = media.encoding?.[name]?.contentType?.split(',')[0]?.trim();
        expect(type).toBe('image/png');
        form.append(name, new Blob([png], { type }), 'photo.png');
      } else if (values[name] !== undefined) {
        form.append(name, values[name]);
      }
    }
    // Query parameters as the operation documents them: wait for the job so its result can be looked at.
    const query = operation.parameters.filter((p) => p.in === 'query').map((p) => p.name);
    expect(query).toEqual(expect.arrayContaining(['wait', 'timeout']));
    const response = await fetch(`${stack.gw.url}/api/v1/scenarios/shrink?wait=true&timeout=60`, { method: 'POST', body: form });
    const answer = (await response.json()) as {
      code: number;
      data: { prompt_id: string; status: string; params: Record<string, unknown>; outputs: { url: string }[] };
    };
    expect(answer.code).toBe(200);
    expect(answer.data.prompt_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.data.status).toBe('succeeded');
    expect(answer.data.params).toMatchObject({ width: 20, height: 15 });
    const output = await fetch(answer.data.outputs[0]!.url);
    const meta = await sharp(Buffer.from(await output.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([20, 15]);
  });
});
