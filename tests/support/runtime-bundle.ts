/** The browser bundle of the runtime, as `npm run build:browser-runtime` makes it, for the browser tests. */
import { build } from 'esbuild';
import { join } from 'node:path';
import { ROOT } from '../aot/ensure-built.js';

/** Bundles src/runtime/index.ts (minified ESM) into `outfile`. */
export async function bundleRuntime(outfile: string): Promise<void> {
  await build({
    entryPoints: [join(ROOT, 'src/runtime/index.ts')],
    outfile,
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    logLevel: 'warning',
  });
}
