/**
 * Loads Binaryen lazily, once per process: only compile() pays its ~0.3-1 s
 * import, never the runtime path.
 */
import type Binaryen from 'binaryen';

export type BinaryenApi = typeof Binaryen;

let loading: Promise<BinaryenApi> | undefined;

/** The binaryen.js module (imported on first use). */
export function loadBinaryen(): Promise<BinaryenApi> {
  loading ??= import('binaryen').then((mod) => mod.default);
  return loading;
}
