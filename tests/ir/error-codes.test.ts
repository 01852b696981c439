/** Every error code graph building and parsing can raise, and every error class, checked for class, code and message. */
import { describe, expect, it } from 'vitest';
import {
  ArtifactError,
  DTypeError,
  ErrorCode,
  Graph,
  GraphError,
  InputError,
  InternalError,
  LimitError,
  ParseError,
  UnsupportedError,
  OnnxError,
  PlanError,
  ShapeError,
  TensorWasmError,
  ThreadError,
} from '../../src/index.js';
import { parseGraph } from '../../src/ir/parse.js';
import { expectError, type ErrorClass } from './helpers.js';

/** Lets a test pass a deliberately ill-typed argument, as untyped JS callers can. */
function loose<T>(value: unknown): T {
  return value as T;
}

describe('every error code', () => {
  const g = new Graph();
  const x = g.input('x', [2, 3]);
  const cases: [code: string, cls: ErrorClass, fn: () => unknown, message: string][] = [
    // @ts-expect-error -- rejected at the type level too; this tests the run-time check
    ['E_SHAPE', ShapeError, () => x.matmul(x), 'matmul: inner dimensions differ: [2,3] @ [2,3] (3 != 2)'],
    ['E_DTYPE', DTypeError, () => x.cast(loose<never>('u8')), 'cast: unknown dtype "u8"'],
    ['E_GRAPH', GraphError, () => g.input('x', [1]), 'input: the name "x" is already used'],
    [
      'E_PARSE',
      ParseError,
      () => parseGraph('%x = input() : f32[2'),
      'parseGraph: line 1, column 21: expected "," or "]" (got end of line)',
    ],
  ];

  it.each(cases)('%s', (code, cls, fn, message) => {
    expectError(fn, cls, code, message);
  });

  it('covers every code graph building and parsing can raise', () => {
    expect(new Set(cases.map(([code]) => code))).toEqual(
      new Set(['E_SHAPE', 'E_DTYPE', 'E_GRAPH', 'E_PARSE']),
    );
  });

  it('every error class extends TensorWasmError with its own stable code', () => {
    const made: [TensorWasmError, string][] = [
      [new ShapeError('m'), 'E_SHAPE'],
      [new DTypeError('m'), 'E_DTYPE'],
      [new GraphError('m'), 'E_GRAPH'],
      [new InputError('m'), 'E_INPUT'],
      [new ArtifactError('m'), 'E_ARTIFACT'],
      [new PlanError('m'), 'E_PLAN'],
      [new LimitError('m'), 'E_LIMIT'],
      [new InternalError('stage', 'm'), 'E_INTERNAL'],
      [new ParseError('m'), 'E_PARSE'],
      [new UnsupportedError('m'), 'E_UNSUPPORTED'],
      [new OnnxError('m'), 'E_ONNX'],
      [new ThreadError('m'), 'E_THREAD'],
    ];
    for (const [err, code] of made) {
      expect(err).toBeInstanceOf(TensorWasmError);
      expect(err).toBeInstanceOf(Error);
      expect(err.code).toBe(code);
      expect(err.name).toBe(err.constructor.name);
    }
    expect(new Set(made.map(([, code]) => code))).toEqual(new Set(Object.values(ErrorCode)));
    expect(new InternalError('fuse', 'bad kernel').message).toBe(
      'internal error in fuse: bad kernel. This is a compiler bug; please report it with the output of TENSORWASM_DEBUG=3',
    );
  });
});
