/** The identity element of each reduction: the accumulator's starting value. */
import type { DType } from '../../common/dtype.js';
import type { ReduceKind } from '../../passes/kernel.js';

/** sum 0, prod 1, max/argmax the lowest value, min/argmin the highest. */
export function identity(kind: ReduceKind, dtype: DType): number {
  const big = dtype === 'f32' ? Infinity : dtype === 'i32' ? 2147483647 : 1;
  const small = dtype === 'f32' ? -Infinity : dtype === 'i32' ? -2147483648 : 0;
  switch (kind) {
    case 'sum':
      return 0;
    case 'prod':
      return 1;
    case 'max':
    case 'argmax':
      return small;
    case 'min':
    case 'argmin':
      return big;
  }
}
