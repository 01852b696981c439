/**
 * ONNX's own backend node tests for the ops this library builds with ONNX
 * semantics (activations, n-ary, normalizations, data movement, resize): each
 * node is mapped onto one builder call (a test-side table; the importer is
 * src/onnx), then the interpreter and the compiled module are compared with
 * ONNX's expected outputs as ONNX compares (rtol 1e-3, atol 1e-7).
 */
import { describe, expect, test } from 'vitest';
import {
  compile,
  Graph,
  interpret,
  type CoordinateTransform,
  type NearestMode,
  type Tensor,
  type TypedArray,
} from '../../src/index.js';
import { expectClose } from '../support/differential.js';
import { listNodeTests, readNodeTest, type NodeTest, type OnnxTensor } from '../support/onnx-node-test.js';

/** A node the builder cannot express (an attribute, a dtype): listed, not run. */
class Unsupported extends Error {}

/** What a mapper sees: the node's inputs as tensors or values, its attributes. */
interface Ctx {
  readonly g: Graph;
  readonly t: NodeTest;
  has(i: number): boolean;
  tensor(i: number): Tensor;
  values(i: number): number[];
  attr<T>(name: string, fallback: T): T;
}

type Mapper = (c: Ctx) => Tensor | Tensor[];

const MAPPERS: Record<string, Mapper> = {
  Clip: (c) => {
    if (c.t.opset < 11) throw new Unsupported('Clip-6 attributes');
    return c.tensor(0).clip(c.has(1) ? c.tensor(1) : null, c.has(2) ? c.tensor(2) : null);
  },
  LeakyRelu: (c) => c.tensor(0).leakyRelu(c.attr('alpha', 0.01)),
  PRelu: (c) => c.tensor(0).prelu(c.tensor(1)),
  Elu: (c) => c.tensor(0).elu(c.attr('alpha', 1)),
  Selu: (c) =>
    c.tensor(0).selu(c.attr('alpha', 1.67326319217681884765625), c.attr('gamma', 1.05070102214813232421875)),
  HardSigmoid: (c) => c.tensor(0).hardSigmoid(c.attr('alpha', 0.2), c.attr('beta', 0.5)),
  HardSwish: (c) => c.tensor(0).hardSwish(),
  Softplus: (c) => c.tensor(0).softplus(),
  Softsign: (c) => c.tensor(0).softsign(),
  Mish: (c) => c.tensor(0).mish(),
  Gelu: (c) => c.tensor(0).gelu(c.attr<'none' | 'tanh'>('approximate', 'none')),
  Celu: (c) => c.tensor(0).celu(c.attr('alpha', 1)),
  ThresholdedRelu: (c) => c.tensor(0).thresholdedRelu(c.attr('alpha', 1)),
  Shrink: (c) => c.tensor(0).shrink(c.attr('lambd', 0.5), c.attr('bias', 0)),
  Sum: (c) => c.g.sum(c.t.nodeInputs.map((_, i) => c.tensor(i))),
  Mean: (c) => c.g.mean(c.t.nodeInputs.map((_, i) => c.tensor(i))),
  Max: (c) => c.g.maximum(c.t.nodeInputs.map((_, i) => c.tensor(i))),
  Min: (c) => c.g.minimum(c.t.nodeInputs.map((_, i) => c.tensor(i))),
  LayerNormalization: (c) => {
    const [eps, axis] = [c.attr('epsilon', 1e-5), c.attr('axis', -1)];
    const y = c.tensor(0).layerNorm(c.tensor(1), c.has(2) ? c.tensor(2) : null, eps, axis);
    return c.t.nodeOutputs === 1
      ? y
      : [y, ...c.tensor(0).layerNormStats(axis, eps)].slice(0, c.t.nodeOutputs);
  },
  RMSNormalization: (c) => c.tensor(0).rmsNorm(c.tensor(1), c.attr('epsilon', 1e-5), c.attr('axis', -1)),
  InstanceNormalization: (c) => c.tensor(0).instanceNorm(c.tensor(1), c.tensor(2), c.attr('epsilon', 1e-5)),
  GroupNormalization: (c) => {
    if (c.t.opset < 21) throw new Unsupported('GroupNormalization-18 per-group scale');
    return c.tensor(0).groupNorm(c.attr('num_groups', 1), c.tensor(1), c.tensor(2), c.attr('epsilon', 1e-5));
  },
  LRN: (c) =>
    c.tensor(0).lrn(c.attr('size', 1), c.attr('alpha', 1e-4), c.attr('beta', 0.75), c.attr('bias', 1)),
  Split: (c) => {
    const parts = c.has(1)
      ? c.values(1)
      : c.attr<number[] | number>('split', c.attr('num_outputs', c.t.nodeOutputs));
    return c.tensor(0).split(parts, c.attr('axis', 0));
  },
  Tile: (c) => c.tensor(0).tile(c.values(1)),
  Pad: (c) => {
    const mode = c.attr('mode', 'constant');
    if (mode === 'constant' || c.has(3)) throw new Unsupported('constant mode or axes');
    const x = c.tensor(0);
    const pads = c.values(1);
    const widths = x.shape.map((_, i) => [pads[i] ?? 0, pads[i + x.rank] ?? 0] as [number, number]);
    return x.pad(widths, 0, mode);
  },
  DepthToSpace: (c) => c.tensor(0).depthToSpace(c.attr('blocksize', 1), c.attr<'DCR' | 'CRD'>('mode', 'DCR')),
  SpaceToDepth: (c) => c.tensor(0).spaceToDepth(c.attr('blocksize', 1)),
  Trilu: (c) => c.tensor(0).trilu(c.attr<number>('upper', 1) === 1, c.has(1) ? (c.values(1)[0] ?? 0) : 0),
  CumSum: (c) =>
    c
      .tensor(0)
      .cumsum(c.values(1)[0] ?? 0, c.attr<number>('exclusive', 0) === 1, c.attr<number>('reverse', 0) === 1),
  Mod: (c) => c.tensor(0).mod(c.tensor(1), c.attr<number>('fmod', 0) === 1),
  TopK: (c) => {
    if (c.t.opset < 10) throw new Unsupported('TopK-1 attribute k');
    return c.tensor(0).topK(c.values(1)[0] ?? 0, c.attr('axis', -1), c.attr<number>('largest', 1) === 1);
  },
  Einsum: (c) =>
    c.g.einsum(
      c.attr('equation', ''),
      c.t.nodeInputs.map((_, i) => c.tensor(i)),
    ),
  GatherElements: (c) => c.tensor(0).gatherElements(c.tensor(1), c.attr('axis', 0)),
  Resize: (c) => {
    const ctm = c.attr<CoordinateTransform>('coordinate_transformation_mode', 'half_pixel');
    const scales = c.has(2) && c.values(2).length > 0 ? c.values(2) : undefined;
    const sizes = c.has(3) ? c.values(3) : undefined;
    const axes = c.attr<number[] | undefined>('axes', undefined);
    const roi = ctm === 'tf_crop_and_resize' && c.has(1) ? c.values(1) : undefined;
    return c.tensor(0).resize({
      ...(scales !== undefined ? { scales } : {}),
      ...(sizes !== undefined ? { sizes } : {}),
      ...(axes !== undefined ? { axes } : {}),
      ...(roi !== undefined && roi.length > 0 ? { roi } : {}),
      mode: c.attr<'nearest' | 'linear' | 'cubic'>('mode', 'nearest'),
      coordinateTransformationMode: ctm,
      nearestMode: c.attr<NearestMode>('nearest_mode', 'round_prefer_floor'),
      cubicCoeffA: c.attr('cubic_coeff_a', -0.75),
      excludeOutside: c.attr<number>('exclude_outside', 0) === 1,
      antialias: c.attr<number>('antialias', 0) === 1,
      keepAspectRatioPolicy: c.attr<'stretch' | 'not_larger' | 'not_smaller'>(
        'keep_aspect_ratio_policy',
        'stretch',
      ),
      extrapolationValue: c.attr('extrapolation_value', 0),
    });
  },
};

const DTYPE = { float32: 'f32', int32: 'i32', int64: 'i32', bool: 'bool' } as const;

function typedOf(t: OnnxTensor): TypedArray {
  if (t.type === 'float32') return Float32Array.from(t.values);
  if (t.type === 'bool') return Uint8Array.from(t.values);
  if (t.values.some((v) => !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31)) {
    throw new Unsupported('int64 values outside i32');
  }
  return Int32Array.from(t.values);
}

/** The graph and feeds of one node test, or Unsupported. */
function build(t: NodeTest): { g: Graph; feeds: Record<string, TypedArray>; outs: string[] } {
  const mapper = MAPPERS[t.opType];
  if (mapper === undefined) throw new Unsupported(`op ${t.opType}`);
  const g = new Graph();
  const feeds: Record<string, TypedArray> = {};
  const made = new Map<number, Tensor>();
  const input = (i: number): OnnxTensor => {
    const v = t.inputs.get(t.nodeInputs[i] ?? '');
    if (v === undefined) throw new Unsupported(`input ${i} is not a graph input`);
    if (v.type === 'other') throw new Unsupported('element type');
    return v;
  };
  const ctx: Ctx = {
    g,
    t,
    has: (i) => (t.nodeInputs[i] ?? '') !== '',
    tensor: (i) => {
      const found = made.get(i);
      if (found !== undefined) return found;
      const v = input(i);
      const name = `in${i}`;
      const x = g.input(name, v.dims, DTYPE[v.type as keyof typeof DTYPE]);
      feeds[name] = typedOf(v);
      made.set(i, x);
      return x;
    },
    values: (i) => input(i).values,
    attr: <T>(name: string, fallback: T): T => (t.attrs[name] as T | undefined) ?? fallback,
  };
  for (const v of t.inputs.values()) if (v.type === 'other') throw new Unsupported('element type');
  for (const o of t.outputs) if (o.type === 'other') throw new Unsupported('output element type');
  const result = mapper(ctx);
  const list = Array.isArray(result) ? result : [result];
  const outs = list.map((y, i) => {
    g.output(`out${i}`, y);
    return `out${i}`;
  });
  return { g, feeds, outs };
}

const names = listNodeTests().filter((n) => !n.endsWith('_expanded') && !n.includes('_expanded_'));
const present = names.length > 0;
const supported: [string, NodeTest][] = [];
const unsupported: string[] = [];
for (const name of names) {
  const t = readNodeTest(name);
  if (t === undefined || MAPPERS[t.opType] === undefined) continue;
  try {
    build(t);
    supported.push([name, t]);
  } catch (e) {
    if (e instanceof Unsupported) unsupported.push(`${name}: ${e.message}`);
    else throw e;
  }
}

const ONNX_TOL = { rtol: 1e-3, atol: 1e-7 };

function compareAll(label: string, got: Record<string, TypedArray>, t: NodeTest, outs: string[]): void {
  outs.forEach((name, i) => {
    const expected = t.outputs[i] as OnnxTensor;
    expectClose(got[name] as TypedArray, typedOf(expected), ONNX_TOL, `${label} ${t.name} output ${i}`);
  });
}

describe.skipIf(!present)('ONNX backend node tests', () => {
  test('cover the ops (the unsupported ones are listed with their reason)', () => {
    expect(supported.length).toBeGreaterThan(150);
    expect(unsupported).toMatchSnapshot();
  });

  test.each(supported)('%s', async (_name, t) => {
    const { g, feeds, outs } = build(t);
    outs.forEach((name, i) => {
      const y = g.outputs.find(([n]) => n === name)?.[1];
      expect(y?.shape, `${name} shape`).toEqual((t.outputs[i] as OnnxTensor).dims);
    });
    compareAll('interpreter', interpret(g, feeds), t, outs);
    const model = await compile(g);
    compareAll('compiled', model.run(feeds), t, outs);
    model.dispose();
  });
});
