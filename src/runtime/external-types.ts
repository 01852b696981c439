/**
 * Feeds and results of i32 slots exchanged as another integer type (ONNX
 * models, TensorSlot.external): int64 as BigInt64Array, the narrow types as
 * Int8Array, Uint8Array, Int16Array, Uint16Array and Uint32Array. A feed value
 * the slot cannot hold is an InputError, never wrapped.
 */
import type { TypedArray } from '../common/dtype.js';
import { InputError } from '../common/errors.js';
import type { ExternalArray, ExternalType, TensorSlot } from '../common/manifest.js';

export type { ExternalArray };

interface ExternalSpec {
  /** The typed array class fed and returned. */
  readonly arrayClass: new (length: number) => ExternalArray;
  readonly className: string;
  /** The values a feed may hold: the type's range, within i32 (uint32 stops at 2^31 - 1). */
  readonly min: number;
  readonly max: number;
}

const I32_MIN = -2147483648;
const I32_MAX = 2147483647;

const SPECS: Readonly<Record<ExternalType, ExternalSpec>> = {
  int64: { arrayClass: BigInt64Array, className: 'BigInt64Array', min: I32_MIN, max: I32_MAX },
  int8: { arrayClass: Int8Array, className: 'Int8Array', min: -128, max: 127 },
  uint8: { arrayClass: Uint8Array, className: 'Uint8Array', min: 0, max: 255 },
  int16: { arrayClass: Int16Array, className: 'Int16Array', min: -32768, max: 32767 },
  uint16: { arrayClass: Uint16Array, className: 'Uint16Array', min: 0, max: 65535 },
  uint32: { arrayClass: Uint32Array, className: 'Uint32Array', min: 0, max: I32_MAX },
};

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  return typeof value;
}

/** The values of a feed for `type`, or undefined when it is neither its typed array class nor an integer array. */
function valuesOf(type: ExternalType, value: unknown): ArrayLike<number | bigint> | undefined {
  if (value instanceof SPECS[type].arrayClass) return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'bigint' || Number.isInteger(v))) {
    return value as (number | bigint)[];
  }
  return undefined;
}

/**
 * A feed for a slot exchanged as `slot.external`, as the Int32Array it is
 * computed in: every value must lie in the type's range and fit i32, else
 * InputError (checked before anything is written).
 */
export function checkExternal(
  call: string,
  slot: TensorSlot,
  type: ExternalType,
  value: unknown,
): Int32Array {
  const spec = SPECS[type];
  const values = valuesOf(type, value);
  if (values === undefined) {
    throw new InputError(
      `${call}: "${slot.name}" is ${type} (got ${describeValue(value)}; expected a ${spec.className} or an array of integers)`,
      { name: slot.name, expected: type },
    );
  }
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number | bigint;
    if (v < spec.min || v > spec.max) {
      const why =
        v < BigInt(I32_MIN) || v > BigInt(I32_MAX)
          ? `does not fit in 32 bits (this model computes ${type} values as i32)`
          : `is outside the ${type} range [${spec.min}, ${spec.max}]`;
      throw new InputError(`${call}: "${slot.name}"[${i}] = ${v} ${why}`, {
        name: slot.name,
        index: i,
        value: String(v),
      });
    }
    out[i] = Number(v);
  }
  return out;
}

/**
 * An i32 slot's values as the type its callers see. The narrow types take
 * the low bits (the graph keeps int8..uint16 values in range; a uint32 is the
 * i32's bit pattern).
 */
export function toExternalArray(type: ExternalType, array: TypedArray): ExternalArray {
  if (type === 'int64') return BigInt64Array.from(array, (v) => BigInt(v));
  const out = new SPECS[type].arrayClass(array.length);
  (out as Exclude<ExternalArray, BigInt64Array>).set(array);
  return out;
}
