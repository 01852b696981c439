/**
 * `npm run onnx:conformance`: runs ONNX's backend test suite (node,
 * pytorch-converted, pytorch-operator, simple, light) through fromOnnx and
 * compile, prints the counts and rewrites the generated part of docs/onnx.md.
 * Data: TENSORWASM_ONNX_DATA, else <repo>/../shared/data/onnx, else /work/shared/data/onnx.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { onnxDataDir } from './onnx/conformance-lib.js';
import {
  renderReport,
  runSuite,
  spliceReport,
  SUITES,
  type SuiteResults,
} from './onnx/conformance-report.js';

const repo = process.cwd();
const dataDir = onnxDataDir(resolve(repo));
if (dataDir === undefined) {
  console.error(
    'onnx:conformance: no ONNX test data (set TENSORWASM_ONNX_DATA or put it at ../shared/data/onnx)',
  );
  process.exit(1);
}
const all: SuiteResults[] = [];
for (const suite of SUITES) {
  const start = performance.now();
  const result = await runSuite(dataDir, suite, (done, total) => {
    if (process.stderr.isTTY) process.stderr.write(`\r${suite}: ${done}/${total}`);
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  const counts = { pass: 0, refused: 0, wrong: 0, error: 0 };
  for (const r of result.results) counts[r.outcome]++;
  console.log(
    `${suite}: ${result.results.length} tests, ${counts.pass} pass, ${counts.refused} refused, ${counts.wrong} WRONG, ${counts.error} failed (${((performance.now() - start) / 1000).toFixed(1)} s)`,
  );
  for (const r of result.results.filter((x) => x.outcome === 'wrong' || x.outcome === 'error')) {
    console.log(`  ${r.outcome}: ${r.name}: ${r.detail}`);
  }
  all.push(result);
}
const docPath = join(repo, 'docs', 'onnx.md');
writeFileSync(docPath, spliceReport(readFileSync(docPath, 'utf8'), renderReport(all)));
console.log(`wrote ${docPath}`);
