/**
 * The compile-side extras: kernel costs from the kernel IR, wat() of one
 * kernel, profile() per kernel, and the DEBUG levels through a sink.
 */
import { afterEach, describe, expect, test } from 'vitest';
import {
  compile,
  Graph,
  InputError,
  planGraph,
  setDebugLevel,
  setDebugSink,
  getDebugLevel,
} from '../../src/index.js';
import { costOfKernel } from '../../src/inspect/kernel-cost.js';
import { extractFunction } from '../../src/inspect/wat-function.js';
import { mlpHead } from './graphs.js';

const W = new Float32Array([0.5, -1, 2, 1.5, 0.25, -0.75, -2, 1, 0.125, 1, -0.5, 0.3]);
const X = new Float32Array([1, 2, 3, 4, -1, 0.5, 0, 2]);

describe('kernel costs', () => {
  test('matmul [2,4]@[4,3] + relu: 2·m·n·k + m·n ops; loads per inner step; one store per output', () => {
    const [k0] = planGraph(mlpHead()).schedule.kernels;
    // 24 inner steps x (mul + add) + 6 relu; 24 x 2 f32 loads; 6 f32 stores
    expect(costOfKernel(k0!)).toEqual({ flops: 54, bytesRead: 192, bytesWritten: 24 });
  });

  test('an elementwise chain counts each op once per element; bool loads are one byte', () => {
    const g = new Graph();
    const x = g.input('x', [10]);
    const m = g.input('m', [10], 'bool');
    g.output('y', g.where(m, x.mul(2).add(1), 0));
    const [k] = planGraph(g).schedule.kernels;
    // per element: where, mul, add; loads x (4 B), m (1 B) and the constants 2, 1, 0 (stored scalars, 4 B each)
    expect(costOfKernel(k!)).toEqual({ flops: 30, bytesRead: 170, bytesWritten: 40 });
  });

  test('model.kernels carries the costs', async () => {
    const model = await compile(mlpHead());
    expect(model.kernels.map((k) => [k.name, k.flops, k.bytesRead, k.bytesWritten])).toEqual([
      ['k0_matmul_relu', 54, 192, 24],
      // per row of 3, 2 rows: max (6 combines, 24 B) + exp(sub) (12 ops, 24 B in, 24 B out)
      // + sum (6 combines, 24 B) + 1 / sum per row (2 ops, 8 B) + mul by it (6 ops, 24 B in, 24 B out)
      ['k1_max_sub_exp_sum', 32, 104, 48],
      ['k2_argmax', 6, 24, 8],
    ]);
  });
});

describe('ir', () => {
  test('every stage has text, made once; an unknown stage is an InputError', async () => {
    const model = await compile(mlpHead());
    for (const stage of ['built', 'simplified', 'fused', 'scheduled'] as const) {
      expect(model.ir(stage).length).toBeGreaterThan(0);
      expect(model.ir(stage)).toBe(model.ir(stage));
    }
    expect(() => model.ir('lowered' as never)).toThrow(InputError);
  });
});

describe('wat', () => {
  test('wat(kernel) is that kernel function alone; unknown names are InputErrors', async () => {
    const model = await compile(mlpHead());
    const whole = await model.wat();
    for (const k of model.kernels) {
      const fn = await model.wat(k.name);
      // every kernel function takes (start, end) over its range
      expect(fn.startsWith(`(func $${k.name} (param $0 i32) (param $1 i32)\n`)).toBe(true);
      expect(fn.trimEnd().endsWith(')')).toBe(true);
      expect(fn).not.toContain('(func $run');
      expect(whole).toContain(fn.split('\n')[1]!);
    }
    await expect(model.wat('k9_nope')).rejects.toThrow(InputError);
  });

  test('extractFunction skips exports, strings and comments', () => {
    const wat = [
      '(module',
      ' (export "k0" (func $k0))',
      ' (data (i32.const 0) "(((\\")")',
      ' (func $k0_x',
      ' )',
      ' (func $k0 ;; a ) comment',
      '  (nop (; ) ;))',
      ' )',
      ')',
    ].join('\n');
    expect(extractFunction(wat, 'k0')).toBe('(func $k0 ;; a ) comment\n (nop (; ) ;))\n)\n');
    expect(extractFunction(wat, 'k1')).toBeUndefined();
  });
});

describe('profile', () => {
  test('times every kernel in schedule order and leaves results intact', async () => {
    const model = await compile(mlpHead());
    model.setParams({ w: W });
    const before = model.run({ x: X });
    const profile = model.profile({ x: X }, { repeats: 5 });
    expect(profile.repeats).toBe(5);
    expect(profile.kernels.map((k) => k.name)).toEqual(model.kernels.map((k) => k.name));
    for (const k of profile.kernels) expect(k.ms).toBeGreaterThanOrEqual(0);
    expect(profile.totalMs).toBeCloseTo(
      profile.kernels.reduce((s, k) => s + k.ms, 0),
      9,
    );
    expect(model.run({ x: X })).toEqual(before);
  });

  test('checks feeds like run()', async () => {
    const model = await compile(mlpHead());
    model.setParams({ w: W });
    expect(() => model.profile({ x: new Float32Array(3) })).toThrow(InputError);
  });
});

describe('DEBUG levels', () => {
  afterEach(() => {
    setDebugLevel();
    setDebugSink();
    delete process.env.TENSORWASM_DEBUG;
  });

  const capture = async (level: number): Promise<string[]> => {
    const out: string[] = [];
    setDebugSink((text) => out.push(text));
    setDebugLevel(level);
    await compile(mlpHead(), { optimizeLevel: 1 });
    return out;
  };

  test('0 prints nothing; 1 one summary line', async () => {
    expect(await capture(0)).toEqual([]);
    const [line, ...rest] = await capture(1);
    expect(rest).toEqual([]);
    expect(line).toMatch(
      /^tensorwasm: compiled 6 nodes \(12 after lowering\) -> 3 kernels; arena 48 B vs naive 48 B \(lower bound 48 B\), memory 192 B; [\d.]+ ms$/,
    );
  });

  test('2 adds stage timings; 3 the IR per stage and the plan table', async () => {
    const two = await capture(2);
    expect(two).toHaveLength(2);
    expect(two[1]).toMatch(
      /^tensorwasm: stages: lower [\d.]+ (ms|µs), simplify .* emit [\d.]+ ms, instantiate/,
    );
    const three = (await capture(3)).join('\n');
    for (const stage of ['built', 'simplified', 'fused', 'scheduled'])
      expect(three).toContain(`--- tensorwasm ir ${stage} ---`);
    expect(three).toContain('--- tensorwasm plan ---\nbuffer');
    expect(three).not.toContain('(module');
  });

  test('4 adds the unoptimized WAT, 5 the optimized WAT too', async () => {
    const four = await capture(4);
    expect(four.at(-1)).toMatch(/^--- tensorwasm wat \(unoptimized\) ---\n\(module/);
    const five = await capture(5);
    expect(five.at(-2)).toMatch(/^--- tensorwasm wat \(unoptimized\) ---/);
    expect(five.at(-1)).toMatch(/^--- tensorwasm wat \(optimized\) ---\n\(module/);
  });

  test('TENSORWASM_DEBUG sets the level unless setDebugLevel() did; bad values mean 0', () => {
    process.env.TENSORWASM_DEBUG = '3';
    expect(getDebugLevel()).toBe(3);
    process.env.TENSORWASM_DEBUG = '9';
    expect(getDebugLevel()).toBe(5);
    process.env.TENSORWASM_DEBUG = 'yes';
    expect(getDebugLevel()).toBe(0);
    setDebugLevel(1);
    expect(getDebugLevel()).toBe(1);
  });
});
