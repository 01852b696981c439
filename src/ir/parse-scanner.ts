/**
 * The lexical layer of the text IR parser: a cursor over one line and a typed
 * reader of `{key=value}` attributes. Every failure is a ParseError that names
 * the line (and the column when it is a syntax error).
 */
import { isDType, type DType } from '../common/dtype.js';
import { ParseError } from '../common/errors.js';
import { checkShape, isArray } from './shape.js';

/** A parsed attribute value before the op's reader types it. */
export type AttrValue = number | boolean | string | readonly AttrValue[];

const NAME_RE = /%([\w.:-]+)/y;
export const OUTPUT_NAME_RE = /[^\s=%]+/y;
export const IDENT_RE = /[A-Za-z_]\w*/y;
const NUMBER_RE = /-?(?:nan|inf|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)(?![\w.])/y;
export const B64_RE = /b64:([A-Za-z0-9+/]*={0,2})/y;

/** A cursor over one line of text IR; every failure is a ParseError naming the line and column. */
export class LineScanner {
  private pos = 0;

  constructor(
    readonly text: string,
    readonly line: number,
  ) {}

  /** Throws "expected <what>" at the current column. */
  fail(expected: string): never {
    this.skipSpaces();
    const rest = this.text.slice(this.pos).trimEnd();
    const got =
      rest === '' ? 'end of line' : JSON.stringify(rest.length > 16 ? `${rest.slice(0, 16)}…` : rest);
    throw new ParseError(
      `parseGraph: line ${this.line}, column ${this.pos + 1}: expected ${expected} (got ${got})`,
      { line: this.line, column: this.pos + 1, expected, text: this.text },
    );
  }

  /** Throws a ParseError about the line as a whole. */
  failLine(message: string): never {
    throw new ParseError(`parseGraph: line ${this.line}: ${message}`, { line: this.line, text: this.text });
  }

  atEnd(): boolean {
    this.skipSpaces();
    return this.pos >= this.text.length;
  }

  /** Consumes `token` (after spaces) when it is next. */
  eat(token: string): boolean {
    this.skipSpaces();
    if (!this.text.startsWith(token, this.pos)) return false;
    this.pos += token.length;
    return true;
  }

  expect(token: string): void {
    if (!this.eat(token)) this.fail(`"${token}"`);
  }

  /** The next match of a sticky regex (after spaces), or undefined. */
  match(re: RegExp): RegExpExecArray | undefined {
    this.skipSpaces();
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (m === null) return undefined;
    this.pos += m[0].length;
    return m;
  }

  number(): number | undefined {
    const m = this.match(NUMBER_RE);
    if (m === undefined) return undefined;
    const body = m[0].replace(/^-/, '');
    const sign = m[0].startsWith('-') ? -1 : 1;
    if (body === 'nan') return NaN;
    if (body === 'inf') return sign * Infinity;
    return Number(m[0]);
  }

  /** `%name` */
  valueName(): string {
    return this.match(NAME_RE)?.[1] ?? this.fail('a value name such as %0 or %x');
  }

  /** A number, `true`/`false`, a name such as `i32`, or a `[…]` list of values. */
  attrValue(): AttrValue {
    if (this.eat('[')) {
      const items: AttrValue[] = [];
      if (this.eat(']')) return items;
      do items.push(this.attrValue());
      while (this.eat(','));
      if (!this.eat(']')) this.fail('"," or "]"');
      return items;
    }
    const n = this.number();
    if (n !== undefined) return n;
    const id = this.match(IDENT_RE)?.[0];
    if (id === undefined) this.fail('an attribute value (a number, a name or a [list])');
    return id === 'true' ? true : id === 'false' ? false : id;
  }

  /** `f32[2,3]` */
  type(): { dtype: DType; shape: number[] } {
    const name = this.match(IDENT_RE)?.[0];
    if (name === undefined || !isDType(name)) this.fail('a dtype (f32, i32 or bool)');
    this.expect('[');
    const dims: number[] = [];
    if (!this.eat(']')) {
      do dims.push(this.number() ?? this.fail('a dimension'));
      while (this.eat(','));
      if (!this.eat(']')) this.fail('"," or "]"');
    }
    return { dtype: name, shape: checkShape('type', dims) };
  }

  private skipSpaces(): void {
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t') this.pos++;
  }
}

/** Typed access to one node's `{key=value}` attributes; refuses missing, extra and ill-typed ones. */
export class AttrReader {
  constructor(
    private readonly op: string,
    private readonly values: Map<string, AttrValue>,
    private readonly scanner: LineScanner,
  ) {}

  int(key: string): number {
    return this.asInt(key, this.take(key));
  }

  ints(key: string): number[] {
    const v = this.take(key);
    if (!isArray(v)) return this.wrong(key, 'a list of integers', v);
    return v.map((x) => this.asInt(key, x));
  }

  /** Reduction axes in normal form: sorted, distinct, non-negative. */
  axes(key: string): number[] {
    const axes = this.ints(key);
    if (axes.some((a, i) => a < 0 || (i > 0 && a <= (axes[i - 1] ?? -1)))) {
      this.wrong(key, 'sorted, distinct, non-negative axes', axes);
    }
    return axes;
  }

  /** A list of fixed-length integer rows, e.g. slice `[[start, step, size], …]`. */
  rows(key: string, width: number): number[][] {
    const v = this.take(key);
    const ok = Array.isArray(v) && v.every((row) => Array.isArray(row) && row.length === width);
    if (!ok) return this.wrong(key, `a list of ${width}-element lists`, v);
    return (v as readonly (readonly AttrValue[])[]).map((row) => row.map((x) => this.asInt(key, x)));
  }

  number(key: string): number {
    const v = this.take(key);
    return typeof v === 'number' ? v : this.wrong(key, 'a number', v);
  }

  bool(key: string): boolean {
    const v = this.take(key);
    return typeof v === 'boolean' ? v : this.wrong(key, 'true or false', v);
  }

  dtype(key: string): DType {
    const v = this.take(key);
    return typeof v === 'string' && isDType(v) ? v : this.wrong(key, 'a dtype (f32, i32 or bool)', v);
  }

  /** Returns `attrs` once every given attribute has been read. */
  done<T>(attrs: T): T {
    const extra = [...this.values.keys()];
    if (extra.length > 0) this.scanner.failLine(`${this.op}: unexpected attribute ${extra.join(', ')}`);
    return attrs;
  }

  private take(key: string): AttrValue {
    const v = this.values.get(key);
    if (v === undefined) this.scanner.failLine(`${this.op}: missing attribute ${key}`);
    this.values.delete(key);
    return v;
  }

  private asInt(key: string, v: AttrValue): number {
    return typeof v === 'number' && Number.isInteger(v) ? v : this.wrong(key, 'integers', v);
  }

  private wrong(key: string, expected: string, got: unknown): never {
    this.scanner.failLine(`${this.op}: attribute ${key} must be ${expected} (got ${JSON.stringify(got)})`);
  }
}
