/**
 * ONNX's node test suite through fromOnnx + compile (the whole suite: about
 * 20 s here): no answer may differ from ONNX's, no test may fail with an
 * untyped error, and the passes may not fall below what the importer reached.
 */
import { resolve } from 'node:path';
import { expect, test } from 'vitest';
import { onnxDataDir } from '../../scripts/onnx/conformance-lib.js';
import { runSuite } from '../../scripts/onnx/conformance-report.js';

/** Passes measured when this test was last updated (1174), less a small margin for platform noise. */
const MIN_NODE_PASSES = 1160;

const dataDir = onnxDataDir(resolve(import.meta.dirname, '..', '..'));
if (dataDir === undefined)
  console.log('ONNX backend test data not found: the node-suite conformance test is skipped');

test.skipIf(dataDir === undefined)(
  'the node suite: 0 WRONG, 0 failed, passes at least the recorded number',
  async () => {
    const { results } = await runSuite(dataDir as string, 'node');
    const bad = results.filter((r) => r.outcome === 'wrong' || r.outcome === 'error');
    expect(bad.map((r) => `${r.outcome}: ${r.name}: ${r.detail}`)).toEqual([]);
    const passes = results.filter((r) => r.outcome === 'pass').length;
    expect(passes).toBeGreaterThanOrEqual(MIN_NODE_PASSES);
  },
  240_000,
);
