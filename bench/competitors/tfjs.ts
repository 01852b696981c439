/**
 * TF.js adapter: @tensorflow/tfjs-core with the WebAssembly (XNNPACK) backend,
 * one thread (or its threaded build where the page is cross-origin isolated). Inputs and scalar operands are tensors created beforehand; a run
 * is `tf.tidy(op)` (the wasm backend computes synchronously), and the result
 * tensor is kept until the next run so reading it back is not timed. The
 * packages are imported in init() so start-up includes loading them.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type { ConvSpec, Workload, WorkloadData, WorkloadSpec } from '../workloads.js';
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
    case 'conv':
      return convOp(tf, spec, get('x'), get('w'));
  }
}

/**
 * A conv in tfjs's natural layout, NHWC (the wasm backend's only one): the
 * input and filter are transposed once here, outside the timed run; the
 * result is NHWC (outputNchw puts it back for the comparison).
 */
function convOp(tf: Tf, spec: ConvSpec, xNchw: TfCore.Tensor, w: TfCore.Tensor): () => TfCore.Tensor {
  const x = tf.keep(tf.transpose(xNchw, [0, 2, 3, 1])) as TfCore.Tensor4D;
  // symmetric pads of (k - 1) / 2 are 'same' at stride 1; no pad is 'valid'
  const pad = spec.pad === 0 ? 'valid' : 'same';
  if (spec.pad !== 0 && 2 * spec.pad !== spec.kernel - 1)
    throw new Error(`tfjs: pad ${spec.pad} is neither 'valid' nor 'same' for kernel ${spec.kernel}`);
  if (spec.groups === 1) {
    // [M, C, kh, kw] -> [kh, kw, C, M]
    const filter = tf.keep(tf.transpose(w, [2, 3, 1, 0])) as TfCore.Tensor4D;
    return () => tf.conv2d(x, filter, 1, pad);
  }
  if (spec.groups !== spec.channels) throw new Error('tfjs: grouped convs other than depthwise have no op');
  // [C·mult, 1, kh, kw] -> [kh, kw, C·mult, 1] -> [kh, kw, C, mult]
  const multiplier = spec.outChannels / spec.channels;
  const filter = tf.keep(
    tf.reshape<TfCore.Rank.R4>(tf.transpose(w, [2, 3, 0, 1]), [
      spec.kernel,
      spec.kernel,
      spec.channels,
      multiplier,
    ]),
  );
  return () => tf.depthwiseConv2d(x, filter, 1, pad);
}

/** The result in the layout tensorwasm computes (NCHW for a conv), flattened. */
function outputNchw(tf: Tf, spec: WorkloadSpec, y: TfCore.Tensor): Float32Array {
  if (spec.kind !== 'conv') return Float32Array.from(y.dataSync());
  return Float32Array.from(tf.tidy(() => tf.transpose(y, [0, 3, 1, 2])).dataSync());
}

/** The two packages the adapter needs, however they were loaded. */
export interface TfjsModules {
  readonly tf: Tf;
  readonly setThreadsCount: (count: number) => void;
  /** The thread count the backend really runs (its pthreadpool's), once it is ready. */
  readonly getThreadsCount: () => number;
}

/** Node: import the packages from node_modules. */
async function importTfjs(): Promise<TfjsModules> {
  const tf = await import('@tensorflow/tfjs-core');
  const { setThreadsCount, getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  return { tf, setThreadsCount, getThreadsCount };
}

/**
 * `load` brings in tfjs-core and the wasm backend (a browser page loads their
 * dist/ files and sets the wasm paths). `threads`: setThreadsCount (key
 * `tfjs-t<threads>` above 1); the backend is set up once per page, so one
 * page runs one setting. Above 1 init() fails unless the backend reports
 * that many threads (it falls back to one silently: in Node, or on a page
 * without cross-origin isolation).
 */
export function makeTfjs(load: () => Promise<TfjsModules> = importTfjs, threads = 1): Competitor {
  let loaded: Tf | undefined;
  return {
    key: threads > 1 ? `tfjs-t${threads}` : 'tfjs',
    label: threads > 1 ? `tfjs-wasm ${threads} threads` : 'tfjs-wasm',
    describe: () =>
      `wasm backend (XNNPACK${threads > 1 ? ', threaded SIMD build' : ''}), setThreadsCount(${threads}); W5 uses tf.fused.matMul (bias + relu); W8-W10 conv2d / depthwiseConv2d in NHWC`,
    async init() {
      const { tf, setThreadsCount, getThreadsCount } = await load();
      setThreadsCount(threads);
      if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
      await tf.ready();
      const actual = getThreadsCount();
      if (threads > 1 && actual !== threads)
        throw new Error(`tfjs: asked for ${threads} threads, the wasm backend runs ${actual}`);
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
          return outputNchw(tf, workload.spec, last);
        },
        dispose: () => tf.engine().endScope(),
      });
    },
  };
}
