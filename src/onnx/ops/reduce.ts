/**
 * Reductions: ReduceSum/Mean/Max/Min/Prod and the composite ones (SumSquare,
 * L1, L2, LogSum, LogSumExp), with axes as an attribute or (ReduceSum from
 * opset 13, the others from 18) an input, keepdims and noop_with_empty_axes;
 * ArgMax/ArgMin.
 */
import type { Tensor } from '../../ir/tensor.js';
import { ElemType as E, INT_ELEMS } from '../elem-types.js';
import type { NodeContext } from '../node-context.js';
import type { OpTable } from '../op-entry.js';

type Base = 'sum' | 'mean' | 'max' | 'min' | 'prod';

interface ReduceSpec {
  readonly base: Base;
  /** Elementwise step before the reduction. */
  readonly before?: (x: Tensor) => Tensor;
  /** Elementwise step after it. */
  readonly after?: (y: Tensor) => Tensor;
  /** The opset where axes became an input. */
  readonly axesInputSince: number;
  readonly types: readonly number[];
}

function reduce(spec: ReduceSpec): OpTable[string] {
  return {
    since: 1,
    run: (n: NodeContext) => {
      n.checkTypes(spec.types, [0]);
      const x = n.tensor(0);
      const keepdims = n.int('keepdims', 1) !== 0;
      let axes: number[] | undefined;
      let noop = false;
      if (n.opset < spec.axesInputSince) {
        axes = n.ints('axes');
      } else {
        noop = n.int('noop_with_empty_axes', 0) !== 0;
        axes = n.has(1) ? n.numbers(1, 'axes') : undefined;
      }
      if (axes !== undefined && axes.length === 0) axes = undefined;
      if (axes === undefined && noop) {
        if (spec.before !== undefined || spec.after !== undefined) {
          n.refuse('noop_with_empty_axes with empty axes is not supported for this reduction');
        }
        return n.out(x, n.elemType(0));
      }
      const list = (axes ?? x.shape.map((_, i) => i)).map((a) => n.axis(a, x.rank));
      if (new Set(list).size !== list.length) n.invalid(`axes [${list.join(',')}] repeat an axis`);
      // bool max/min (opset 20) are any/all: reduced as 0/1 integers
      const numeric = x.dtype === 'bool' ? x.cast('i32') : x;
      const input = spec.before === undefined ? numeric : spec.before(numeric);
      let y = input[spec.base](list, keepdims);
      if (spec.after !== undefined) y = spec.after(y);
      // an integer mean is computed in f32 and truncated back, as NumPy's astype does
      return n.out(n.castTo(y, n.elemType(0)), n.elemType(0));
    },
  };
}

/**
 * ArgMax/ArgMin; with select_last_index=1 (opset 12) the last index on ties:
 * the first one along the reversed axis, counted back from the end (dim - 1 - j).
 */
function arg(method: 'argmax' | 'argmin'): OpTable[string] {
  return {
    since: 1,
    run: (n) => {
      n.checkTypes([E.float, ...INT_ELEMS], [0]);
      const x = n.tensor(0);
      const last = n.opset >= 12 && n.int('select_last_index', 0) !== 0;
      const axis = n.axis(n.int('axis', 0), Math.max(x.rank, 1));
      const keepdims = n.int('keepdims', 1) !== 0;
      if (!last || x.rank === 0) return n.out(x[method](axis, keepdims), E.int64);
      const dim = x.shape[axis] as number;
      const reversed = x.slice(x.shape.map((_, i) => (i === axis ? [dim - 1, -dim - 1, -1] : null)));
      return n.out(
        reversed[method](axis, keepdims)
          .neg()
          .add(dim - 1),
        E.int64,
      );
    },
  };
}

const NUMERIC = [E.float, E.int32, E.int64];
const FLOAT = [E.float];

export const reduceOps: OpTable = {
  ReduceSum: reduce({ base: 'sum', axesInputSince: 13, types: NUMERIC }),
  ReduceMean: reduce({ base: 'mean', axesInputSince: 18, types: NUMERIC }),
  ReduceMax: reduce({ base: 'max', axesInputSince: 18, types: [...NUMERIC, E.bool] }),
  ReduceMin: reduce({ base: 'min', axesInputSince: 18, types: [...NUMERIC, E.bool] }),
  ReduceProd: reduce({ base: 'prod', axesInputSince: 18, types: NUMERIC }),
  ReduceSumSquare: reduce({ base: 'sum', before: (x) => x.mul(x), axesInputSince: 18, types: NUMERIC }),
  ReduceL1: reduce({ base: 'sum', before: (x) => x.abs(), axesInputSince: 18, types: NUMERIC }),
  ReduceL2: reduce({
    base: 'sum',
    before: (x) => x.cast('f32').mul(x.cast('f32')),
    after: (y) => y.sqrt(),
    axesInputSince: 18,
    types: FLOAT,
  }),
  ReduceLogSum: reduce({ base: 'sum', after: (y) => y.log(), axesInputSince: 18, types: FLOAT }),
  ReduceLogSumExp: reduce({
    base: 'sum',
    before: (x) => x.exp(),
    after: (y) => y.log(),
    axesInputSince: 18,
    types: FLOAT,
  }),
  ArgMax: arg('argmax'),
  ArgMin: arg('argmin'),
};
