// Scenario text → plain data: JSON (strict, with line/column errors and duplicate-key detection)
// for .json files, YAML (a superset of JSON) for everything else. Validation is validate.ts's job.
import { parseDocument } from 'yaml';
import type { ValidationError } from './types';

export type ParseResult = { ok: true; value: unknown } | { ok: false; errors: ValidationError[] };

/** YAML aliases expanded at most this many times (guards against "billion laughs" files). */
const MAX_ALIAS_COUNT = 1000;
/** Deeper JSON nesting than any scenario needs is refused instead of overflowing the stack. */
const MAX_DEPTH = 512;

/**
 * Parses scenario text: `.json` files as strict JSON (duplicate keys are errors), anything else
 * as YAML. Errors name the file as their path and give line and column in the message.
 * Never throws.
 */
export function parseScenarioText(text: string, fileName: string): ParseResult {
  const path = fileName === '' ? '(input)' : fileName;
  try {
    const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
    return /\.json$/i.test(fileName) ? parseJson(body, path) : parseYaml(body, path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'unknown error';
    return { ok: false, errors: [{ path, message: `could not be parsed: ${reason}` }] };
  }
}

function parseYaml(text: string, path: string): ParseResult {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e) => ({ path, message: `invalid YAML: ${e.message.trim()}` }));
    return { ok: false, errors };
  }
  return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
}

function parseJson(text: string, path: string): ParseResult {
  const scanner = new JsonScanner(text);
  try {
    scanner.document();
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return {
      ok: false,
      errors: [{ path, message: `invalid JSON ${where(text, error.offset)}: ${error.message}` }],
    };
  }
  if (scanner.duplicates.length > 0) {
    const errors = scanner.duplicates.map(({ key, offset }) => ({
      path,
      message: `duplicate key ${JSON.stringify(key)} ${where(text, offset)}`,
    }));
    return { ok: false, errors };
  }
  return { ok: true, value: JSON.parse(text) };
}

/** "at line 3, column 7" (both 1-based) for a character offset. */
function where(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return `at line ${line}, column ${offset - lineStart + 1}`;
}

class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES = '"\\/bfnrt';

/** A strict JSON syntax checker that locates the first error and records duplicate keys. */
class JsonScanner {
  i = 0;
  readonly duplicates: Array<{ key: string; offset: number }> = [];

  constructor(private readonly text: string) {}

  document(): void {
    this.value(0);
    this.space();
    if (this.i < this.text.length) this.fail('unexpected text after the end of the JSON value');
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(this.i, message);
  }

  private space(): void {
    const t = this.text;
    while (t[this.i] === ' ' || t[this.i] === '\n' || t[this.i] === '\r' || t[this.i] === '\t')
      this.i++;
  }

  private value(depth: number): void {
    if (depth > MAX_DEPTH) this.fail(`nested more than ${MAX_DEPTH} levels deep`);
    this.space();
    const ch = this.text[this.i];
    if (ch === '{') this.object(depth + 1);
    else if (ch === '[') this.array(depth + 1);
    else if (ch === '"') this.string();
    else if (ch === '-' || (ch >= '0' && ch <= '9')) this.number();
    else this.literal(ch);
  }

  private literal(ch: string | undefined): void {
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.i)) {
        this.i += literal.length;
        return;
      }
    }
    this.fail(ch === undefined ? 'unexpected end of file' : `unexpected ${JSON.stringify(ch)}`);
  }

  private object(depth: number): void {
    this.i++;
    this.space();
    if (this.text[this.i] === '}') {
      this.i++;
      return;
    }
    const keys = new Set<string>();
    for (;;) {
      this.space();
      if (this.text[this.i] !== '"') this.fail('expected a key in double quotes');
      const offset = this.i;
      const key = this.string();
      if (keys.has(key)) this.duplicates.push({ key, offset });
      keys.add(key);
      this.space();
      if (this.text[this.i] !== ':') this.fail('expected ":" after the key');
      this.i++;
      this.value(depth);
      if (this.endOf('}')) return;
    }
  }

  private array(depth: number): void {
    this.i++;
    this.space();
    if (this.text[this.i] === ']') {
      this.i++;
      return;
    }
    for (;;) {
      this.value(depth);
      if (this.endOf(']')) return;
    }
  }

  /** After an item: true at the closing bracket, false after a comma. */
  private endOf(close: string): boolean {
    this.space();
    const ch = this.text[this.i];
    this.i++;
    if (ch === close) return true;
    if (ch === ',') return false;
    this.i--;
    return this.fail(`expected "," or "${close}"`);
  }

  private string(): string {
    const start = this.i++;
    const t = this.text;
    for (;;) {
      const ch = t[this.i];
      if (ch === undefined) this.fail('unterminated string');
      if (ch === '"') break;
      if (ch < ' ') this.fail('control character in a string (escape it, e.g. "\\n")');
      if (ch === '\\') {
        const next = t[this.i + 1];
        const hex = /^[0-9a-fA-F]{4}$/.test(t.slice(this.i + 2, this.i + 6));
        if (next === 'u' && hex) this.i += 4;
        else if (next === undefined || !ESCAPES.includes(next)) this.fail('invalid escape');
        this.i++;
      }
      this.i++;
    }
    this.i++;
    return JSON.parse(t.slice(start, this.i)) as string;
  }

  private number(): void {
    NUMBER.lastIndex = this.i;
    if (!NUMBER.test(this.text)) this.fail('invalid number');
    this.i = NUMBER.lastIndex;
  }
}
