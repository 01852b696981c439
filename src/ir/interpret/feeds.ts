/**
 * Checking the values fed for a graph's inputs and params: every name known
 * and present, the dtype's typed array class (or a plain number array, then
 * converted), the shape's element count. Every mistake is an InputError.
 */
import { ARRAY_CLASS, arrayFromNumbers, type TypedArray } from '../../common/dtype.js';
import { InputError } from '../../common/errors.js';
import type { NodeOf } from '../node.js';
import { formatType } from '../print.js';
import { describe, sizeOf } from '../shape.js';

/** An input or param node: the leaves fed by name. */
export type FedLeaf = NodeOf<'input'> | NodeOf<'param'>;

/** What a caller may feed for one leaf: its dtype's typed array or plain numbers. */
export type FeedValue = TypedArray | readonly number[];

const CLASS_NAME = { f32: 'Float32Array', i32: 'Int32Array', bool: 'Uint8Array' } as const;

function label(leaf: FedLeaf): string {
  return `${leaf.op} "${leaf.attrs.name}"`;
}

function className(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' ? name : 'object';
}

/**
 * Throws InputError unless `data` is a typed array of the leaf's dtype class
 * with exactly its element count. `op` names the caller in the message.
 */
export function checkLeafValue(op: string, leaf: FedLeaf, data: unknown): asserts data is TypedArray {
  const type = formatType(leaf.dtype, leaf.shape);
  const expected = CLASS_NAME[leaf.dtype];
  if (!(data instanceof ARRAY_CLASS[leaf.dtype])) {
    const got = ArrayBuffer.isView(data) ? className(data) : describe(data);
    throw new InputError(
      `${op}: ${label(leaf)} has the wrong type (got ${got}; expected ${expected} for ${type})`,
      { op, name: leaf.attrs.name, dtype: leaf.dtype },
      `Pass a ${expected}, or a plain number array to be converted`,
    );
  }
  const size = sizeOf(leaf.shape);
  if (data.length !== size) {
    throw new InputError(`${op}: ${label(leaf)} has ${data.length} elements (expected ${size} for ${type})`, {
      op,
      name: leaf.attrs.name,
      length: data.length,
      expected: size,
    });
  }
}

/**
 * One feed as the leaf's typed array: a plain number array is converted with
 * the dtype's rounding (f32 rounds, i32 truncates, bool is `x != 0`), and a
 * bool array with bytes other than 0/1 is normalized to 0/1 (nonzero is true).
 */
export function normalizeFeed(op: string, leaf: FedLeaf, value: unknown): TypedArray {
  let data = value;
  if (Array.isArray(value)) {
    const list = value as unknown[];
    const bad = list.findIndex((v) => typeof v !== 'number' && typeof v !== 'boolean');
    if (bad >= 0) {
      throw new InputError(
        `${op}: ${label(leaf)} has a non-number at index ${bad} (got ${describe(list[bad])})`,
        { op, name: leaf.attrs.name, index: bad },
      );
    }
    data = arrayFromNumbers(leaf.dtype, list.map(Number));
  }
  checkLeafValue(op, leaf, data);
  if (data instanceof Uint8Array && leaf.dtype === 'bool' && data.some((v) => v > 1)) {
    return Uint8Array.from(data, (v) => (v !== 0 ? 1 : 0));
  }
  return data;
}

/**
 * Checks feeds against the graph's inputs and params (fed through the same
 * record) and returns each as its dtype's typed array, keyed by name. Throws
 * InputError for an unknown name, a missing one, a wrong class or length.
 */
export function checkFeeds(
  op: string,
  leaves: readonly FedLeaf[],
  feeds: Readonly<Record<string, FeedValue>>,
): Map<string, TypedArray> {
  if (typeof feeds !== 'object' || feeds === null || Array.isArray(feeds) || ArrayBuffer.isView(feeds)) {
    throw new InputError(
      `${op}: feeds must be an object mapping input and param names to arrays (got ${describe(feeds)})`,
      { op },
    );
  }
  const names = leaves.map((leaf) => leaf.attrs.name);
  for (const name of Object.keys(feeds)) {
    if (!names.includes(name)) {
      throw new InputError(
        `${op}: unknown input "${name}" (expected one of: ${names.join(', ') || 'none'})`,
        { op, name, expected: names },
        'Feed inputs and params by the names given to g.input() and g.param()',
      );
    }
  }
  const out = new Map<string, TypedArray>();
  for (const leaf of leaves) {
    const name = leaf.attrs.name;
    if (!Object.prototype.hasOwnProperty.call(feeds, name)) {
      throw new InputError(
        `${op}: missing ${label(leaf)} (${formatType(leaf.dtype, leaf.shape)})`,
        { op, name },
        'Every input and param of the graph needs a value',
      );
    }
    out.set(name, normalizeFeed(op, leaf, feeds[name]));
  }
  return out;
}
