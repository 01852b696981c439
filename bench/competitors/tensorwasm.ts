/**
 * tensorwasm adapter: builds each workload with the public Graph API, compiles
 * it, writes inputs once with `view(name).set(data)` and times `execute()`.
 * Weights are params (set once, kept across runs).
 */
import { Graph, compile, type CompiledModel, type CompileOptions, type Tensor } from '../../src/index.js';
import type { Workload, WorkloadData, WorkloadSpec } from '../workloads.js';
import type { Competitor, Prepared } from './competitor.js';
import { prepareModel } from './tensorwasm-prepare.js';

/** The graph of a workload; inputs and weights are named as in WorkloadData. */
export function buildGraph(spec: WorkloadSpec): Graph {
  const g = new Graph();
  switch (spec.kind) {
    case 'matmul': {
      const a = g.input('a', [spec.n, spec.n]);
      const b = g.input('b', [spec.n, spec.n]);
      g.output('y', a.matmul(b));
      break;
    }
    case 'swish': {
      const x = g.input('x', [spec.size]);
      g.output('y', x.mul(1.5).add(-0.25).relu().mul(x.sigmoid()));
      break;
    }
    case 'softmax': {
      g.output('y', g.input('x', [spec.rows, spec.cols]).softmax(-1));
      break;
    }
    case 'layernorm': {
      const x = g.input('x', [spec.rows, spec.cols]);
      const weight = g.param('weight', [spec.cols]);
      const bias = g.param('bias', [spec.cols]);
      g.output('y', x.layerNorm(weight, bias, spec.eps));
      break;
    }
    case 'mlp': {
      let h: Tensor = g.input('x', [spec.batch, spec.sizes[0] ?? 0]);
      for (let layer = 1; layer < spec.sizes.length; layer++) {
        const fanIn = spec.sizes[layer - 1] ?? 0;
        const fanOut = spec.sizes[layer] ?? 0;
        h = h.matmul(g.param(`w${layer}`, [fanIn, fanOut])).add(g.param(`b${layer}`, [fanOut]));
        if (layer + 1 < spec.sizes.length) h = h.relu();
      }
      g.output('y', h.softmax(-1));
      break;
    }
    case 'sum': {
      g.output('y', g.input('x', [spec.size]).sum());
      break;
    }
    case 'chain': {
      let x: Tensor = g.input('x', [spec.size]);
      for (const { op, value } of spec.ops) x = op === 'add' ? x.add(value) : x.mul(value);
      g.output('y', x);
      break;
    }
    case 'conv': {
      const x = g.input('x', [1, spec.channels, spec.size, spec.size]);
      const cg = spec.channels / spec.groups;
      const w = g.param('w', [spec.outChannels, cg, spec.kernel, spec.kernel]);
      const p = spec.pad;
      g.output('y', x.conv(w, null, { pads: [p, p, p, p], groups: spec.groups }));
      break;
    }
  }
  return g;
}

/** A graph so small that compiling it only pays for loading Binaryen. */
export function buildTinyGraph(): Graph {
  const g = new Graph();
  g.output('y', g.input('x', [4]).add(1));
  return g;
}

/**
 * `relaxedSimd`: compile with fused multiply-adds (the engine must support
 * relaxed SIMD); `threads`: compile with that many threads (key
 * `tensorwasm-t<threads>`; the plain key is the 1-thread reference).
 */
export function makeTensorwasm(relaxedSimd = false, threads = 1): Competitor {
  const options: CompileOptions = {
    ...(relaxedSimd ? { relaxedSimd } : {}),
    ...(threads > 1 ? { threads } : {}),
  };
  const key = threads > 1 ? `tensorwasm-t${threads}` : 'tensorwasm';
  return {
    key,
    label: threads > 1 ? `tensorwasm ${threads} threads` : 'tensorwasm',
    describe: () =>
      `tensorwasm (this repo), compile() defaults: SIMD, fusion, best-fit planner${relaxedSimd ? '; relaxedSimd: true' : ''}${threads > 1 ? `; threads: ${threads}` : ''}`,
    async init() {
      // Loads Binaryen (lazily imported by compile) so no workload pays for it.
      (await compile(buildTinyGraph(), options)).dispose();
    },
    async setup(workload: Workload, data: WorkloadData): Promise<Prepared> {
      const model: CompiledModel = await compile(buildGraph(workload.spec), options);
      if (model.threads !== threads) throw new Error(`${key}: runs on ${model.threads} threads`);
      return prepareModel(model, data);
    },
  };
}
