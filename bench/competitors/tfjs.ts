/**
 * TF.js adapter: @tensorflow/tfjs-core with the WebAssembly (XNNPACK) backend,
 * one thread. Inputs and scalar operands are tensors created beforehand; a run
 * is `tf.tidy(op)` (the wasm backend computes synchronously), and the result
 * tensor is kept until the next run so reading it back is not timed. The
 * packages are imported in init() so start-up includes loading them.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type { Workload, WorkloadData, WorkloadSpec } from '../workloads.js';
import type { Competitor, Prepared } from './competitor.js';

type Tf = typeof TfCore;
type Tensors = Record<string, TfCore.Tensor>;

/** The computation of a workload over tensors created beforehand (scalars included). */
function makeOp(tf: Tf, spec: WorkloadSpec, t: Tensors): () => TfCore.Tensor {
  const get = (name: string): TfCore.Tensor => {
    const found = t[name];
    if (found === undefined) throw new Error(`tfjs: no tensor "${name}"`);
    return found;
  };
  switch (spec.kind) {
    case 'matmul':
      return () => tf.matMul(get('a'), get('b'));
    case 'swish': {
      const x = get('x');
      const [k, c] = [tf.scalar(1.5), tf.scalar(-0.25)];
      return () => tf.mul(tf.relu(tf.add(tf.mul(x, k), c)), tf.sigmoid(x));
    }
    case 'softmax':
      return () => tf.softmax(get('x'));
    case 'layernorm': {
      const [x, weight, bias] = [get('x'), get('weight'), get('bias')];
      const eps = tf.scalar(spec.eps);
      return () => {
        const mean = tf.mean(x, -1, true);
        const centered = tf.sub(x, mean);
        const variance = tf.mean(tf.square(centered), -1, true);
        return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, eps))), weight), bias);
      };
    }
    case 'mlp': {
      const layers = spec.sizes.length - 1;
      return () => {
        let h = get('x');
        for (let layer = 1; layer <= layers; layer++) {
          // The fused kernel (matmul + bias + relu) is the backend's fastest path.
          h = tf.fused.matMul({
            a: h,
            b: get(`w${layer}`),
            bias: get(`b${layer}`),
            activation: layer < layers ? 'relu' : 'linear',
          });
        }
        return tf.softmax(h);
      };
    }
    case 'sum':
      return () => tf.sum(get('x'));
    case 'chain': {
      const x = get('x');
      const scalars = spec.ops.map(({ op, value }) => ({ op, value: tf.scalar(value) }));
      return () =>
        scalars.reduce((acc, { op, value }) => (op === 'add' ? tf.add(acc, value) : tf.mul(acc, value)), x);
    }
  }
}

/** The two packages the adapter needs, however they were loaded. */
export interface TfjsModules {
  readonly tf: Tf;
  readonly setThreadsCount: (count: number) => void;
}

/** Node: import the packages from node_modules. */
async function importTfjs(): Promise<TfjsModules> {
  const tf = await import('@tensorflow/tfjs-core');
  const { setThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  return { tf, setThreadsCount };
}

/** `load` brings in tfjs-core and the wasm backend (a browser page loads their dist/ files and sets the wasm paths). */
export function makeTfjs(load: () => Promise<TfjsModules> = importTfjs): Competitor {
  let loaded: Tf | undefined;
  return {
    key: 'tfjs',
    label: 'tfjs-wasm',
    describe: () => 'wasm backend (XNNPACK), setThreadsCount(1); W5 uses tf.fused.matMul (bias + relu)',
    async init() {
      const { tf, setThreadsCount } = await load();
      setThreadsCount(1);
      if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
      await tf.ready();
      loaded = tf;
    },
    setup(workload: Workload, data: WorkloadData): Promise<Prepared> {
      const tf = loaded;
      if (tf === undefined) throw new Error('tfjs: setup() before init()');
      // A scope owns every tensor of this workload (inputs, weights, scalars,
      // the last result); ending it in dispose() frees them all.
      tf.engine().startScope();
      const tensors: Tensors = {};
      for (const d of [...data.inputs, ...data.weights]) tensors[d.name] = tf.tensor(d.data, [...d.shape]);
      const op = makeOp(tf, workload.spec, tensors);
      let last: TfCore.Tensor | undefined;
      return Promise.resolve({
        run: () => {
          last?.dispose();
          last = tf.tidy(op);
        },
        output: () => {
          if (last === undefined) throw new Error('tfjs: output() before run()');
          return Float32Array.from(last.dataSync());
        },
        dispose: () => tf.engine().endScope(),
      });
    },
  };
}
