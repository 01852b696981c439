/**
 * defineGraph(): a builder that records inputs and params into its type as
 * it records them into a Graph, so the finished graph (and the model compiled
 * from it) knows every name, shape and dtype. Each call checks at run time
 * exactly what `Graph.input`/`param`/`output` check.
 */
import type { DType } from '../../common/dtype.js';
import { Graph } from '../graph.js';
import type { Tensor } from '../tensor.js';
import type { Writable } from './errors-types.js';
import type { SpecsOf, TensorSpec, TensorSpecs, TensorsOf } from './graph-types.js';
import type { Shape } from './shape-types.js';
import type { AnyTensor } from './tensor-types.js';

/** `N`, or a message when the name is already taken by an earlier input or param. */
type FreshName<Op extends string, N extends string, Used> = N extends keyof Used
  ? `${Op}: the name "${N}" is already used`
  : N;

/** Adds one named spec to a record of specs. */
type With<T extends TensorSpecs, N extends string, S extends Shape, D extends DType> = {
  readonly [K in keyof T | N]: K extends N ? TensorSpec<Writable<S>, D> : T[K & keyof T];
};

/**
 * Records inputs and params, then outputs; each step returns the builder with
 * a wider type. Every builder of one chain records into the same Graph.
 */
export class GraphBuilder<I extends TensorSpecs, P extends TensorSpecs> {
  /** @internal Use defineGraph(). Builders made from one another share the graph being recorded. */
  constructor(
    private readonly graph = new Graph(),
    private readonly leaves: Record<string, Tensor> = {},
  ) {}

  /** A per-run input (dtype default 'f32'). */
  input<N extends string, const S extends Shape, D extends DType = 'f32'>(
    name: FreshName<'input', N, I & P>,
    shape: S,
    dtype?: D,
  ): GraphBuilder<With<I, N, S, D>, P> {
    this.leaves[name] = this.graph.input(name, shape, dtype);
    return new GraphBuilder(this.graph, this.leaves);
  }

  /** A param set with `setParams()` (dtype default 'f32'). */
  param<N extends string, const S extends Shape, D extends DType = 'f32'>(
    name: FreshName<'param', N, I & P>,
    shape: S,
    dtype?: D,
  ): GraphBuilder<I, With<P, N, S, D>> {
    this.leaves[name] = this.graph.param(name, shape, dtype);
    return new GraphBuilder(this.graph, this.leaves);
  }

  /**
   * Builds the outputs from the typed leaves (inputs and params by name) and
   * returns the finished graph, typed by every name.
   */
  outputs<O extends Readonly<Record<string, AnyTensor>>>(
    build: (leaves: TensorsOf<I> & TensorsOf<P>) => O,
  ): Graph<I, P, SpecsOf<O>> {
    const outputs = build(this.leaves as TensorsOf<I> & TensorsOf<P>);
    for (const [name, tensor] of Object.entries(outputs)) this.graph.output(name, tensor);
    return this.graph as Graph<I, P, SpecsOf<O>>;
  }
}

/**
 * Starts a typed graph: `compile()` of its result gives a model whose `run()`
 * checks feed names and typed-array classes and types results by output name.
 *
 * @example
 * const g = defineGraph()
 *   .input('x', [2, 3])
 *   .param('w', [3, 4])
 *   .outputs(({ x, w }) => ({ y: x.matmul(w).relu() }));
 * const model = await compile(g);
 * model.setParams({ w: new Float32Array(12) });
 * const { y } = model.run({ x: new Float32Array(6) }); // y: Float32Array
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no names yet
export function defineGraph(): GraphBuilder<{}, {}> {
  return new GraphBuilder();
}
