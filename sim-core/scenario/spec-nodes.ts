// The building blocks of the declarative scenario spec (spec.ts): node types and combinators.
// walk.ts interprets these nodes to validate; schema.ts turns them into JSON Schema.

/** A location step: an object key or an array index. */
export type Seg = string | number;
/** Reports a problem at a path relative to the node being checked. */
export type Report = (at: Seg | Seg[], message: string) => void;
/** A normalized object while it is being built. */
export type Out = Record<string, unknown>;

interface Base {
  /** Description, shown by editors (JSON Schema `description`). */
  desc?: string;
  /** Emit once under this name in the JSON Schema's `$defs` and refer to it. */
  defName?: string;
  /** Literal shorthands replaced by a longer form before validation (`true` → `{}`). */
  aliases?: ReadonlyArray<{ raw: unknown; as: unknown }>;
  /** Any scalar of `type` is shorthand for an object: `"a.b"` → `{...with, [field]: "a.b"}`. */
  shorthand?: { type: 'string' | 'number'; field: string; with: Record<string, unknown> };
}

export interface StringNode extends Base {
  t: 'string';
  nonEmpty?: boolean;
  pattern?: string;
  patternMessage?: string;
}
/** A number; `min`/`max` are inclusive bounds, `gt`/`lt` exclusive ones. */
export interface NumberNode extends Base {
  t: 'number';
  int?: boolean;
  min?: number;
  gt?: number;
  max?: number;
  lt?: number;
}
/** A duration: ms, or a string with units (durations.ts). Bounds are in ms. */
export interface DurationNode extends Base {
  t: 'duration';
  min?: number;
  gt?: number;
}
export interface BooleanNode extends Base {
  t: 'boolean';
}
export interface EnumNode extends Base {
  t: 'enum';
  values: readonly (string | number)[];
}
/** inner, or one of the `nulls` literals (null, "none", false...), which normalize to null. */
export interface NullableNode extends Base {
  t: 'nullable';
  inner: Node;
  nulls: readonly (string | boolean | null)[];
}
/**
 * A field of an object: `required`, or with a `default` (raw form, normalized like user input),
 * or `derived` (filled in later from other fields), or `dropped` (accepted, not normalized).
 */
export interface Field {
  node: Node;
  desc: string;
  required?: boolean;
  default?: unknown;
  derived?: string;
  dropped?: boolean;
}
export interface ObjectNode extends Base {
  t: 'object';
  fields: Record<string, Field>;
  /** Fills derived fields; runs even when some fields were invalid (their value is BAD). */
  finish?: (out: Out) => void;
  /** Cross-field rules; runs only when every field of this object was valid. */
  check?: (out: Out, report: Report) => void;
  /** Extra JSON Schema keywords for rules the plain shape cannot express. */
  schemaExtra?: Record<string, unknown>;
}
export interface ArrayNode extends Base {
  t: 'array';
  items: Node;
  minItems?: number;
  maxItems?: number;
  /** Cross-item rules; runs only when every item was valid. */
  check?: (out: unknown[], report: Report) => void;
}
/** A fixed-length list such as a `[at, perSecond]` step. */
export interface TupleNode extends Base {
  t: 'tuple';
  items: readonly Node[];
  shape: string;
}
/** A union told apart by the value of `tag` (`kind`, `mode`). Variants omit the tag field. */
export interface TaggedNode extends Base {
  t: 'tagged';
  tag: string;
  variants: Record<string, ObjectNode>;
  /** What an object without the tag is (a per-hop latency map beside a distribution). */
  untagged?: ObjectNode;
}
/** A union told apart by which variant name is present as a key (faults: crash, slow...). */
export interface KeyedNode extends Base {
  t: 'keyed';
  variants: Record<string, ObjectNode>;
}

/**
 * An object used as a map from free-form keys (e.g. field paths) to any JSON-like values, which
 * are kept as given (not normalized): whoever uses the map gives the values their meaning.
 */
export interface MapNode extends Base {
  t: 'map';
  minEntries?: number;
  /** Description of every value (JSON Schema `additionalProperties.description`). */
  valueDesc: string;
  /** Rules on the values; runs when the map itself is valid. */
  check?: (out: Out, report: Report) => void;
}

export type Node =
  | StringNode
  | NumberNode
  | DurationNode
  | BooleanNode
  | EnumNode
  | NullableNode
  | ObjectNode
  | ArrayNode
  | TupleNode
  | TaggedNode
  | KeyedNode
  | MapNode;

type Opts<T> = Omit<T, 't'>;

export const str = (o: Opts<StringNode> = {}): StringNode => ({ t: 'string', ...o });
export const num = (o: Opts<NumberNode> = {}): NumberNode => ({ t: 'number', ...o });
export const int = (min: number, o: Opts<NumberNode> = {}): NumberNode =>
  num({ int: true, min, ...o });
export const dur = (o: Opts<DurationNode> = {}): DurationNode => ({ t: 'duration', ...o });
export const bool = (o: Opts<BooleanNode> = {}): BooleanNode => ({ t: 'boolean', ...o });
export const oneOf = (values: readonly (string | number)[]): EnumNode => ({ t: 'enum', values });
export const nullable = (
  inner: Node,
  nulls: NullableNode['nulls'] = [null],
  o: Opts<Base> = {},
): NullableNode => ({ t: 'nullable', inner, nulls, ...o });
/** null or "none" → null. */
export const orNone = (inner: Node): NullableNode => nullable(inner, [null, 'none']);
export const obj = (
  fields: Record<string, Field>,
  o: Omit<Opts<ObjectNode>, 'fields'> = {},
): ObjectNode => ({ t: 'object', fields, ...o });
export const arr = (items: Node, o: Omit<Opts<ArrayNode>, 'items'> = {}): ArrayNode => ({
  t: 'array',
  items,
  ...o,
});
export const tuple = (items: Node[], shape: string): TupleNode => ({ t: 'tuple', items, shape });
export const tagged = (
  tag: string,
  variants: Record<string, ObjectNode>,
  o: Opts<Base> = {},
): TaggedNode => ({ t: 'tagged', tag, variants, ...o });
export const keyed = (variants: Record<string, ObjectNode>, o: Opts<Base> = {}): KeyedNode => ({
  t: 'keyed',
  variants,
  ...o,
});

export const map = (valueDesc: string, o: Omit<Opts<MapNode>, 'valueDesc'> = {}): MapNode => ({
  t: 'map',
  valueDesc,
  ...o,
});

export const req = (node: Node, desc: string): Field => ({ node, desc, required: true });
export const opt = (node: Node, dflt: unknown, desc: string): Field => ({
  node,
  desc,
  default: dflt,
});
export const derived = (node: Node, how: string, desc: string): Field => ({
  node,
  desc: `${desc} Default: ${how}.`,
  derived: how,
});
