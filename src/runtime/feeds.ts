/**
 * Checking and converting user-supplied tensors (run feeds, params) before
 * anything is written: names, lengths, typed-array classes and dtypes. A
 * failed check throws InputError and leaves the model untouched.
 */
import { arrayFromNumbers, dtypeOfArray, type TypedArray } from '../common/dtype.js';
import { InputError } from '../common/errors.js';
import type { TensorSlot } from '../common/manifest.js';
import { checkExternal, toExternalArray, type ExternalArray } from './external-types.js';

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  return typeof value;
}

const CLASS_NAME = { f32: 'Float32Array', i32: 'Int32Array', bool: 'Uint8Array' } as const;

/** Element count of a slot. */
export function slotSize(slot: TensorSlot): number {
  return slot.shape.reduce((a, b) => a * b, 1);
}

/** An i32 slot's values as the type its callers see (TensorSlot.external, ONNX models). */
export function toExternal(slot: TensorSlot, array: TypedArray): TypedArray | ExternalArray {
  return slot.external === undefined ? array : toExternalArray(slot.external, array);
}

/** One value checked against its slot and converted to the slot's typed array class. */
export function checkValue(call: string, slot: TensorSlot, value: unknown): TypedArray {
  const size = slotSize(slot);
  let array: TypedArray;
  if (slot.external !== undefined) {
    array = checkExternal(call, slot, slot.external, value);
  } else if (Array.isArray(value)) {
    if (!value.every((v) => typeof v === 'number' || typeof v === 'boolean')) {
      throw new InputError(`${call}: "${slot.name}" must contain only numbers`, { name: slot.name });
    }
    array = arrayFromNumbers(slot.dtype, value.map(Number));
  } else if (ArrayBuffer.isView(value) && dtypeOfArray(value) !== undefined) {
    const dtype = dtypeOfArray(value);
    if (dtype !== slot.dtype) {
      throw new InputError(
        `${call}: "${slot.name}" is ${slot.dtype} (got ${describeValue(value)}; expected ${CLASS_NAME[slot.dtype]})`,
        { name: slot.name, expected: slot.dtype },
      );
    }
    array = value as TypedArray;
  } else {
    throw new InputError(
      `${call}: "${slot.name}" must be a ${CLASS_NAME[slot.dtype]} or a number array (got ${describeValue(value)})`,
      { name: slot.name },
    );
  }
  if (array.length !== size) {
    throw new InputError(
      `${call}: "${slot.name}" has ${array.length} elements (expected ${size} for shape [${slot.shape.join(',')}])`,
      { name: slot.name, length: array.length, expected: size },
    );
  }
  return array;
}

/**
 * Checks a record of values against slots. `required` names every slot that
 * must be present; names outside `slots` are refused with a hint from `elsewhere`.
 */
export function checkFeeds(
  call: string,
  values: unknown,
  slots: readonly TensorSlot[],
  required: boolean,
  elsewhere: (name: string) => string | undefined,
): Map<TensorSlot, TypedArray> {
  if (typeof values !== 'object' || values === null || Array.isArray(values) || ArrayBuffer.isView(values)) {
    throw new InputError(`${call}: expected an object of named arrays (got ${describeValue(values)})`);
  }
  const record = values as Record<string, unknown>;
  const byName = new Map(slots.map((s) => [s.name, s]));
  for (const name of Object.keys(record)) {
    if (!byName.has(name)) {
      const hint = elsewhere(name);
      throw new InputError(
        `${call}: unknown name "${name}" (expected one of: ${[...byName.keys()].join(', ') || 'none'})`,
        { name },
        hint,
      );
    }
  }
  const out = new Map<TensorSlot, TypedArray>();
  for (const slot of slots) {
    if (!Object.hasOwn(record, slot.name)) {
      if (required)
        throw new InputError(
          `${call}: missing "${slot.name}" (shape [${slot.shape.join(',')}], ${slot.dtype})`,
          { name: slot.name },
        );
      continue;
    }
    out.set(slot, checkValue(call, slot, record[slot.name]));
  }
  return out;
}
