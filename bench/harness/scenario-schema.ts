// Walks the scenario's JSON Schema (the public contract, generated from the validator's spec)
// beside a raw scenario value: which fields, entries and variants exist one step down.
// Variants (`kind: poisson`, `mode: interval`, fault types) are chosen by the value at hand.

import { scenarioJsonSchema } from '../../sim-core/index';

export type JsonSchema = Record<string, unknown>;

/** One step down from a node: a field, an entry of an id'd list, or an index. */
export interface Child {
  /** The PATH segment: a field name, an entry's id, or an index. */
  name: string;
  /** The step in the raw value: an object key or an array index. */
  step: string | number;
  kind: 'field' | 'id' | 'index';
  schema: JsonSchema;
  /** The raw value there; undefined when the scenario leaves it out. */
  value: unknown;
  /** The schema's default there: chooses variants below an absent field and seeds new objects. */
  fallback: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const SCALAR_TYPES = ['string', 'number', 'integer', 'boolean', 'null'];

export class ScenarioSchema {
  private readonly defs: Record<string, JsonSchema>;

  constructor(readonly root: JsonSchema = scenarioJsonSchema()) {
    this.defs = (root.$defs ?? {}) as Record<string, JsonSchema>;
  }

  /** Follows `$ref`s to the schema they name. */
  deref(s: JsonSchema): JsonSchema {
    let out = s;
    for (let i = 0; i < 16 && typeof out.$ref === 'string'; i++) {
      out = this.defs[(out.$ref as string).replace('#/$defs/', '')] ?? {};
    }
    return out;
  }

  /** The fields of an object node, of the variant `value` selects; null if not an object. */
  fields(schema: JsonSchema, value: unknown): Record<string, JsonSchema> | null {
    const s = this.deref(schema);
    if (isObject(s.properties)) return s.properties as Record<string, JsonSchema>;
    const variants = (s.oneOf ?? s.anyOf) as JsonSchema[] | undefined;
    if (!Array.isArray(variants)) return null;
    const withFields = variants
      .map((v) => ({ v: this.deref(v), f: this.fields(v, value) }))
      .filter((x): x is { v: JsonSchema; f: Record<string, JsonSchema> } => x.f !== null);
    if (withFields.length === 0) return null;
    const chosen = withFields.find((x) => this.selects(x.v, x.f, value));
    if (chosen) return chosen.f;
    // No value to choose by: every variant's fields, so a path into any of them resolves.
    return Object.assign({}, ...withFields.map((x) => x.f).reverse());
  }

  /** True when `value` is this variant: its tags (`kind: const`) match, or its required keys are there. */
  private selects(variant: JsonSchema, f: Record<string, JsonSchema>, value: unknown): boolean {
    if (!isObject(value)) return false;
    const tags = Object.entries(f).filter(([, fs]) => 'const' in fs);
    if (tags.length > 0) return tags.every(([k, fs]) => value[k] === fs.const);
    if (Array.isArray(variant.oneOf) || Array.isArray(variant.anyOf)) return true;
    const required = (variant.required ?? []) as string[];
    return required.every((k) => k in value);
  }

  /** The children of a node: fields of an object, entries of a list (by id when they have one). */
  children(schema: JsonSchema, value: unknown): Child[] {
    const f = this.fields(schema, value);
    if (f) {
      return Object.entries(f).map(([name, fs]) => ({
        name,
        step: name,
        kind: 'field' as const,
        schema: fs,
        value: isObject(value) ? value[name] : undefined,
        fallback: fs.default,
      }));
    }
    const s = this.deref(schema);
    const list = Array.isArray(value) ? value : [];
    if (Array.isArray(s.prefixItems)) {
      return (s.prefixItems as JsonSchema[]).map((item, i) => ({
        name: String(i),
        step: i,
        kind: 'index' as const,
        schema: item,
        value: list[i],
        fallback: undefined,
      }));
    }
    if (!isObject(s.items)) return [];
    const items = s.items as JsonSchema;
    const byId = this.fields(items, undefined)?.id !== undefined;
    return list.flatMap((entry, i): Child[] => {
      if (byId && !(isObject(entry) && typeof entry.id === 'string')) return [];
      const name = byId ? ((entry as Record<string, unknown>).id as string) : String(i);
      const kind = byId ? ('id' as const) : ('index' as const);
      return [{ name, step: i, kind, schema: items, value: entry, fallback: undefined }];
    });
  }

  /** True when the node takes a plain value (number, string, boolean, null) at least one way. */
  acceptsScalar(schema: JsonSchema): boolean {
    const s = this.deref(schema);
    if ('const' in s) return isScalar(s.const);
    if (Array.isArray(s.enum)) return true;
    if (typeof s.type === 'string' && SCALAR_TYPES.includes(s.type)) return true;
    const variants = (s.oneOf ?? s.anyOf) as JsonSchema[] | undefined;
    return Array.isArray(variants) && variants.some((v) => this.acceptsScalar(v));
  }

  /** The plain JSON types a node accepts, and its literal values (enum/const). */
  accepted(schema: JsonSchema): { types: Set<string>; literals: unknown[] } {
    const types = new Set<string>();
    const literals: unknown[] = [];
    const visit = (x: JsonSchema) => {
      const s = this.deref(x);
      if ('const' in s) literals.push(s.const);
      if (Array.isArray(s.enum)) literals.push(...(s.enum as unknown[]));
      if (typeof s.type === 'string') types.add(s.type);
      for (const v of ((s.oneOf ?? s.anyOf) as JsonSchema[] | undefined) ?? []) visit(v);
    };
    visit(schema);
    return { types, literals };
  }
}
