import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * GoTo's Webinar v2 OpenAPI as the repository keeps it (docs/goto-webinar-v2-openapi.yml), and
 * the few readings of it the conformance tests make: an operation by method and path, its
 * parameters and response schemas with `$ref`s followed, and which fields of a schema or a
 * JSON value it does not document.
 */

export type SpecSchema = {
  $ref?: string;
  type?: string;
  format?: string;
  properties?: Record<string, SpecSchema>;
  items?: SpecSchema;
  additionalProperties?: SpecSchema | boolean;
  oneOf?: SpecSchema[];
  anyOf?: SpecSchema[];
  allOf?: SpecSchema[];
  required?: string[];
};

type Parameter = { $ref?: string; name: string; in: 'path' | 'query' | 'header'; schema?: SpecSchema };

export type SpecOperation = {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: SpecSchema }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema?: SpecSchema }> }>;
};

type Spec = {
  paths: Record<string, Record<string, SpecOperation>>;
  components: Record<string, Record<string, unknown>>;
};

export const openApiFile = path.resolve(__dirname, '../../../docs/goto-webinar-v2-openapi.yml');

let loaded: Spec | undefined;
export function openApi(): Spec {
  return (loaded ??= parse(readFileSync(openApiFile, 'utf8')) as Spec);
}

/** `#/components/schemas/Name` → the schema it names, followed until it is no `$ref`. */
export function deref<T extends { $ref?: string }>(node: T): T {
  let current = node;
  for (let hops = 0; current.$ref !== undefined; hops++) {
    if (hops > 20) throw new Error(`a $ref cycle at ${current.$ref}`);
    const [, , section, name] = current.$ref.split('/');
    const target = openApi().components[section ?? '']?.[name ?? ''];
    if (target === undefined) throw new Error(`${current.$ref} is not in the OpenAPI`);
    current = target as T;
  }
  return current;
}

/** The operation at `method path`, if the OpenAPI has one there. */
export function operationAt(method: string, pathTemplate: string): SpecOperation | undefined {
  return openApi().paths[pathTemplate]?.[method.toLowerCase()];
}

/** Every operationId of the OpenAPI. */
export function operationIds(): string[] {
  return Object.values(openApi().paths).flatMap((methods) =>
    Object.values(methods).map((operation) => operation.operationId),
  );
}

export function parametersOf(operation: SpecOperation, where: Parameter['in']): string[] {
  return (operation.parameters ?? [])
    .map((parameter) => deref(parameter))
    .filter((parameter) => parameter.in === where)
    .map((parameter) => parameter.name);
}

/** The JSON schema of a response, when the OpenAPI gives one. */
export function responseSchema(operation: SpecOperation, status: number): SpecSchema | undefined {
  return operation.responses[String(status)]?.content?.['application/json']?.schema;
}

export function requestBodySchema(operation: SpecOperation): SpecSchema | undefined {
  return operation.requestBody?.content?.['application/json']?.schema;
}

/** The alternatives a schema stands for: itself, or each branch of its `oneOf`/`anyOf`. */
function branches(schema: SpecSchema): SpecSchema[] {
  const resolved = deref(schema);
  const alternatives = resolved.oneOf ?? resolved.anyOf;
  return alternatives ? alternatives.flatMap(branches) : [resolved];
}

/**
 * The documented properties of an object schema, `allOf` parts included. A name its
 * `required` list gives without defining it (`Webinar`'s `status`) counts as documented, of
 * no known shape.
 */
function propertiesOf(schema: SpecSchema): Record<string, SpecSchema> {
  const resolved = deref(schema);
  const named = Object.fromEntries((resolved.required ?? []).map((name) => [name, {}]));
  return Object.assign(named, ...(resolved.allOf ?? []).map(propertiesOf), resolved.properties) as Record<
    string,
    SpecSchema
  >;
}

/** The schema of a property the spec leaves open (`additionalProperties`), if any. */
function openProperty(schema: SpecSchema): SpecSchema | undefined {
  const { additionalProperties } = deref(schema);
  return typeof additionalProperties === 'object' ? additionalProperties : undefined;
}

/** The branch with the fewest problems, and those problems. */
function bestOf(candidates: SpecSchema[], check: (branch: SpecSchema) => string[]): string[] {
  const results = candidates.map(check);
  return results.reduce((best, found) => (found.length < best.length ? found : best), results[0] ?? []);
}

/**
 * The fields that `ours` (a JSON Schema, as `z.toJSONSchema` writes a zod schema) names and
 * `theirs` (the OpenAPI's) does not document, as dotted paths (`[]` for an array's items).
 */
export function undocumentedInSchema(ours: SpecSchema, theirs: SpecSchema, at = ''): string[] {
  const alternatives = ours.anyOf ?? ours.oneOf;
  if (alternatives) return alternatives.flatMap((branch) => undocumentedInSchema(branch, theirs, at));
  return bestOf(branches(theirs), (their) => {
    if (ours.type === 'array') return ours.items ? undocumentedInSchema(ours.items, their.items ?? {}, `${at}[]`) : [];
    if (ours.type !== 'object' || !ours.properties) return [];
    const documented = propertiesOf(their);
    const open = openProperty(their);
    return Object.entries(ours.properties).flatMap(([name, field]) => {
      const documentedField = documented[name] ?? open;
      const where = at === '' ? name : `${at}.${name}`;
      return documentedField ? undocumentedInSchema(field, documentedField, where) : [where];
    });
  });
}

/** The fields of a JSON value (an emulator's answer) that the OpenAPI's schema does not document. */
export function undocumentedInValue(value: unknown, theirs: SpecSchema, at = ''): string[] {
  return bestOf(branches(theirs), (their) => {
    if (Array.isArray(value)) return value.flatMap((item) => undocumentedInValue(item, their.items ?? {}, `${at}[]`));
    if (value === null || typeof value !== 'object') return [];
    const documented = propertiesOf(their);
    const open = openProperty(their);
    return Object.entries(value).flatMap(([name, field]) => {
      const documentedField = documented[name] ?? open;
      const where = at === '' ? name : `${at}.${name}`;
      return documentedField ? undocumentedInValue(field, documentedField, where) : [where];
    });
  });
}

/**
 * Where the OpenAPI types a value `integer, format: int64`: each property (of any schema,
 * however deep) and each parameter, by name, with where it was found (`Session.sessionKey`,
 * `path parameter accountKey`).
 */
export function int64Names(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const note = (name: string, where: string) => found.set(name, [...(found.get(name) ?? []), where]);
  const isInt64 = (schema: SpecSchema | undefined) => schema?.type === 'integer' && schema.format === 'int64';
  const visit = (node: unknown, where: string): void => {
    if (Array.isArray(node)) return node.forEach((item) => visit(item, where));
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    const parameter = record as Partial<Parameter>;
    if (typeof parameter.name === 'string' && typeof parameter.in === 'string' && isInt64(parameter.schema))
      note(parameter.name, `${parameter.in} parameter ${parameter.name}`);
    for (const [name, property] of Object.entries((record as SpecSchema).properties ?? {})) {
      if (isInt64(property) || isInt64(property.items)) note(name, `${where}.${name}`);
    }
    for (const [name, inner] of Object.entries(record)) visit(inner, name === 'properties' ? where : name);
  };
  visit(openApi(), '');
  return found;
}
