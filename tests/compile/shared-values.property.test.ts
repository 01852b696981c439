/**
 * Property: elementwise DAGs whose values are read many times (each op takes
 * its operands from any earlier value), maybe after a matmul + bias, with
 * some intermediates returned and some summed: every compiled variant —
 * fused SIMD (interleaved on the wide rows), fused scalar, unfused — agrees
 * with the interpreter however the values end up bound or stored.
 */
import fc from 'fast-check';
import { test } from 'vitest';
import { Graph, type Tensor } from '../../src/index.js';
import { checkRandomGraph } from '../support/random-differential.js';

const SEED = 191919;
const RUNS = Number(process.env.SHARED_VALUE_RUNS ?? 60);

const UNARY = ['sigmoid', 'tanh', 'relu', 'abs', 'neg', 'square'] as const;
const BINARY = ['add', 'sub', 'mul', 'maximum', 'minimum'] as const;

interface Op {
  readonly unary: (typeof UNARY)[number] | undefined;
  readonly binary: (typeof BINARY)[number];
  /** Operands, as fractions of the values made so far (any earlier value may be read again). */
  readonly a: number;
  readonly b: number;
  readonly scale: number;
}

interface Program {
  readonly rows: number;
  readonly cols: number;
  readonly matmul: boolean;
  readonly ops: readonly Op[];
  /** Intermediates also returned (stored: a second kernel reads them, or the caller). */
  readonly returned: readonly number[];
  readonly sum: boolean;
}

const opArbitrary: fc.Arbitrary<Op> = fc.record({
  unary: fc.option(fc.constantFrom(...UNARY), { nil: undefined }),
  binary: fc.constantFrom(...BINARY),
  a: fc.double({ min: 0, max: 0.999, noNaN: true }),
  b: fc.double({ min: 0, max: 0.999, noNaN: true }),
  scale: fc.constantFrom(0.5, 1, -0.75, 1.25),
});

const programArbitrary: fc.Arbitrary<Program> = fc.record({
  rows: fc.constantFrom(1, 3),
  cols: fc.constantFrom(5, 37, 70),
  matmul: fc.boolean(),
  ops: fc.array(opArbitrary, { minLength: 2, maxLength: 12 }),
  returned: fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { maxLength: 2 }),
  sum: fc.boolean(),
});

function build(p: Program): Graph {
  const g = new Graph();
  const x = p.matmul
    ? g
        .input('x', [p.rows, 9])
        .matmul(g.param('w', [9, p.cols]))
        .add(g.param('bias', [p.cols]))
    : g.input('x', [p.rows, p.cols]);
  const values: Tensor[] = [x, g.input('y', [p.rows, p.cols])];
  const pick = (f: number): Tensor => values[Math.floor(f * values.length)] as Tensor;
  for (const op of p.ops) {
    const a = pick(op.a);
    const left = op.unary === undefined ? a : a[op.unary]();
    values.push(left[op.binary](pick(op.b).mul(op.scale)));
  }
  const last = values[values.length - 1] as Tensor;
  g.output('out', p.sum ? last.sum(-1) : last);
  p.returned.forEach((f, i) => g.output(`mid${i}`, pick(f)));
  return g;
}

test(`values read many times: compiled == interpreter on ${RUNS} random DAGs (seed ${SEED})`, async () => {
  await fc.assert(
    fc.asyncProperty(programArbitrary, fc.nat(1000), async (program, dataSeed) => {
      await checkRandomGraph(build(program), dataSeed, [
        { optimizeLevel: 0, debugPoison: true },
        { simd: false, optimizeLevel: 0 },
        { fuse: false, optimizeLevel: 0 },
      ]);
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
}, 600_000);
