import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { allJsonSchemas, jsonSchemaOf, type PayloadName, payloadSchemas } from './json-schema.ts';
import { samplePayloads } from './samples.ts';

// A real, independent JSON-Schema validator checks what clients in other languages will use.
function compile(schema: Record<string, unknown>) {
  return new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
}

describe('JSON Schema export', () => {
  const names = Object.keys(payloadSchemas) as PayloadName[];

  it('exports every payload with an $id and draft 2020-12', () => {
    const all = allJsonSchemas();
    expect(Object.keys(all).sort()).toEqual([...names].sort());
    for (const name of names) {
      expect(all[name].$id).toBe(`https://stander.city/schemas/v1/${name}.json`);
      expect(all[name].$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(() => JSON.stringify(all[name])).not.toThrow();
    }
  });

  for (const name of names) {
    it(`${name}: the exported schema accepts the sample and rejects a broken one`, () => {
      const validate = compile(jsonSchemaOf(name));
      const sample = samplePayloads()[name];
      expect(validate(sample), JSON.stringify(validate.errors)).toBe(true);
      // Removing a required field must fail in JSON Schema just as in zod (command is a oneOf
      // without a top-level "required", so drop its id).
      const schema = jsonSchemaOf(name) as { required?: string[]; oneOf?: unknown[] };
      const field = schema.required?.[0] ?? (schema.oneOf ? 'id' : undefined);
      expect(field).toBeDefined();
      const broken = { ...sample };
      delete broken[field!];
      expect(validate(broken)).toBe(false);
      expect(payloadSchemas[name].safeParse(broken).success).toBe(false);
    });
  }

  it('keeps id patterns so other clients refuse topic-breaking ids too', () => {
    const validate = compile(jsonSchemaOf('command'));
    expect(validate({ type: 'reload', id: 'a/b', issuedAt: '2026-01-01T00:00:00Z' })).toBe(false);
    expect(validate({ type: 'reload', id: 'ab', issuedAt: '2026-01-01T00:00:00Z' })).toBe(true);
  });
});
