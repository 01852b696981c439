/** An ORT-web session over a whole model as a bench Prepared: its feeds made once, its first output read back. */
import type * as Ort from 'onnxruntime-web';
import type { WorkloadData } from '../workloads.js';
import type { Prepared } from './competitor.js';

/**
 * Runs `session` on `data`'s inputs (float32, by name); `beforeRelease` runs
 * when the bench disposes of it, before the session is released.
 */
export function preparedSession(
  ort: typeof Ort,
  session: Ort.InferenceSession,
  data: WorkloadData,
  beforeRelease?: () => void,
): Prepared {
  const feeds: Record<string, Ort.Tensor> = {};
  for (const t of data.inputs) feeds[t.name] = new ort.Tensor('float32', t.data, [...t.shape]);
  const outputName = session.outputNames[0] ?? '';
  let last: Ort.InferenceSession.ReturnType | undefined;
  return {
    run: async () => {
      last = await session.run(feeds);
    },
    output: () => {
      const y = last?.[outputName];
      if (y === undefined) throw new Error('ort: output() before run()');
      return Float32Array.from(y.data as Float32Array);
    },
    dispose: () => {
      beforeRelease?.();
      void session.release();
    },
  };
}
