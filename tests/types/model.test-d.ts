/** compile() carries names, shapes and dtypes from a typed graph to run() and setParams(); untyped graphs stay loose. */
import { describe, expectTypeOf, it } from 'vitest';
import { compile, defineGraph, Graph, type CompiledModel, type TypedArray } from '../../src/index.js';

const typed = defineGraph()
  .input('x', [2, 3])
  .input('ids', [4], 'i32')
  .param('w', [3, 4])
  .outputs(({ x, w, ids }) => ({ y: x.matmul(w).relu(), count: ids.gt(0).sum(), mask: x.gt(0) }));
type TypesOf<G> = G extends Graph<infer I, infer P, infer O> ? [I, P, O] : never;
type T = TypesOf<typeof typed>;
declare const model: CompiledModel<T[0], T[1], T[2]>;

describe('typed graphs', () => {
  it('compile() keeps the graph types', () => {
    expectTypeOf(compile(typed)).resolves.toEqualTypeOf<typeof model>();
    expectTypeOf(model).toMatchTypeOf<CompiledModel>();
  });
  it('run() results are typed by output name', () => {
    const out = model.run({ x: new Float32Array(6), ids: new Int32Array(4) });
    expectTypeOf(out.y).toEqualTypeOf<Float32Array>();
    expectTypeOf(out.count).toEqualTypeOf<Int32Array>();
    expectTypeOf(out.mask).toEqualTypeOf<Uint8Array>();
    // @ts-expect-error no output named z
    void out.z;
  });
  it('run() checks feed names and typed-array classes', () => {
    model.run({ x: [1, 2, 3, 4, 5, 6], ids: [0, 1, 2, 3] });
    // @ts-expect-error missing input ids
    model.run({ x: new Float32Array(6) });
    // @ts-expect-error x is f32, not Int32Array
    model.run({ x: new Int32Array(6), ids: new Int32Array(4) });
    // @ts-expect-error unknown name
    model.run({ x: new Float32Array(6), ids: new Int32Array(4), z: new Float32Array(1) });
    // @ts-expect-error w is a param, set with setParams()
    model.run({ x: new Float32Array(6), ids: new Int32Array(4), w: new Float32Array(12) });
  });
  it('setParams() takes some params by name', () => {
    model.setParams({ w: new Float32Array(12) });
    model.setParams({});
    // @ts-expect-error w is f32
    model.setParams({ w: new Uint8Array(12) });
    // @ts-expect-error x is an input
    model.setParams({ x: new Float32Array(6) });
  });
  it('the builder types leaves and refuses a repeated name', () => {
    defineGraph()
      .input('a', [2], 'bool')
      .outputs(({ a }) => {
        expectTypeOf(a.dtype).toEqualTypeOf<'bool'>();
        expectTypeOf(a.shape).toEqualTypeOf<readonly [2]>();
        return { n: a.not() };
      });
    // @ts-expect-error param: the name "a" is already used
    defineGraph().input('a', [2]).param('a', [2]);
    defineGraph()
      .input('a', [2])
      .outputs(({ a }) => ({
        // @ts-expect-error output shapes are still checked inside the builder
        y: a.matmul(a.reshape([1, 2])),
      }));
  });
});

describe('untyped graphs stay loose', () => {
  it('run() takes and returns any names', async () => {
    const g = new Graph();
    g.output('y', g.input('x', [2]).add(1));
    const loose = await compile(g);
    const out = loose.run({ x: new Float32Array(2), anything: [1] });
    expectTypeOf(out).toMatchTypeOf<Record<string, TypedArray>>();
    expectTypeOf(out.y).toEqualTypeOf<TypedArray | undefined>();
    loose.setParams({ w: new Float32Array(1) });
  });
});
