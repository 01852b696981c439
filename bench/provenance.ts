/**
 * What a benchmark run measured, for its report: the commit and the versions
 * of the packages under test (read in Node from node_modules and git).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

function packageVersion(name: string): string {
  try {
    const json = JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as {
      version?: string;
    };
    return json.version ?? '?';
  } catch {
    return '?';
  }
}

/** The commit measured, and whether src/ had uncommitted changes (BENCH_COMMIT overrides, for an exported tree). */
export function gitRevision(): string {
  if (process.env.BENCH_COMMIT !== undefined) return process.env.BENCH_COMMIT;
  try {
    const run = (...cmd: string[]): string =>
      execFileSync('git', cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `${run('rev-parse', '--short', 'HEAD')}${run('status', '--porcelain', 'src') === '' ? '' : ' (src modified)'}`;
  } catch {
    return 'unknown';
  }
}

/** The version text of each competitor, by key. */
export function competitorVersions(): Record<string, string> {
  return {
    tensorwasm: `${packageVersion('binaryen') === '?' ? '' : `(binaryen ${packageVersion('binaryen')})`}`,
    tfjs: `${packageVersion('@tensorflow/tfjs-core')} (tfjs-backend-wasm ${packageVersion('@tensorflow/tfjs-backend-wasm')})`,
    ort: packageVersion('onnxruntime-web'),
    jax: packageVersion('@jax-js/jax'),
    plainjs: '',
  };
}
