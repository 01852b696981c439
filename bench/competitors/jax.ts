/**
 * jax-js adapter: the 'wasm' device, each workload one `jit` function whose
 * arguments are arrays created beforehand. jax-js arrays are reference
 * counted and functions consume their arguments, so each call passes `.ref`s.
 * A run is `await blockUntilReady(f(...))`; the first call (trace + compile)
 * happens in the first run, which the harness times separately as first-run
 * latency. In Node 20 there is no global `Worker`, so jax-js runs on one thread.
 * The package is imported in init() so start-up includes loading it.
 */
import type * as Jax from '@jax-js/jax';
import type { Workload, WorkloadData, WorkloadSpec } from '../workloads.js';
import type { Competitor, Prepared } from './competitor.js';

type JaxArray = Jax.Array;
/** A workload's computation over (inputs..., weights...) in WorkloadData order. */
type JaxFn = (...args: JaxArray[]) => JaxArray;

function arg(args: readonly JaxArray[], index: number): JaxArray {
  const a = args[index];
  if (a === undefined) throw new Error(`jax: missing argument ${index}`);
  return a;
}

function makeFn({ numpy: np, nn }: typeof Jax, spec: WorkloadSpec): JaxFn {
  switch (spec.kind) {
    case 'matmul':
      return (a, b) => np.matmul(a, b);
    case 'swish':
      return (x) => nn.relu(x.ref.mul(1.5).add(-0.25)).mul(nn.sigmoid(x));
    case 'softmax':
      return (x) => nn.softmax(x, -1);
    case 'layernorm':
      return (x, weight, bias) => nn.standardize(x, -1, { epsilon: spec.eps }).mul(weight).add(bias);
    case 'mlp':
      // args: x, w1, b1, w2, b2, w3, b3
      return (...args) => {
        const layers = spec.sizes.length - 1;
        let h = arg(args, 0);
        for (let layer = 1; layer <= layers; layer++) {
          h = np.matmul(h, arg(args, 2 * layer - 1)).add(arg(args, 2 * layer));
          if (layer < layers) h = nn.relu(h);
        }
        return nn.softmax(h, -1);
      };
    case 'sum':
      return (x) => np.sum(x);
    case 'chain':
      return (x) =>
        spec.ops.reduce((acc, { op, value }) => (op === 'add' ? acc.add(value) : acc.mul(value)), x);
    case 'conv':
      throw new Error('jax: the conv workloads are not built for jax-js');
  }
}

export function makeJax(): Competitor {
  let loaded: typeof Jax | undefined;
  return {
    key: 'jax',
    label: 'jax-js',
    describe: () => "init('wasm'), jit; one thread (no global Worker in Node, so no worker pool)",
    async init() {
      if (typeof Worker !== 'undefined') {
        throw new Error('a global Worker exists: jax-js would start a worker pool and not run on one thread');
      }
      const jax = await import('@jax-js/jax');
      const devices = await jax.init('wasm');
      if (!devices.includes('wasm')) throw new Error(`jax-js: init('wasm') gave [${devices.join(', ')}]`);
      jax.defaultDevice('wasm');
      loaded = jax;
    },
    setup(workload: Workload, data: WorkloadData): Promise<Prepared> {
      const jax = loaded;
      if (jax === undefined) throw new Error('jax: setup() before init()');
      const args = [...data.inputs, ...data.weights].map((t) =>
        jax.numpy.array(t.data, { shape: [...t.shape] }),
      );
      const f = jax.jit(makeFn(jax, workload.spec));
      let last: JaxArray | undefined;
      return Promise.resolve({
        run: async () => {
          last?.dispose();
          last = await jax.blockUntilReady(f(...args.map((a) => a.ref)));
        },
        output: () => {
          if (last === undefined) throw new Error('jax: output() before run()');
          // dataSync() consumes a reference: read through a new one. Its type
          // is a union including Float16Array, which our ES2022 lib lacks;
          // f32 arrays read back as Float32Array.
          return Float32Array.from(last.ref.dataSync() as Float32Array);
        },
        dispose: () => {
          last?.dispose();
          for (const a of args) a.dispose();
          f.dispose();
        },
      });
    },
  };
}
