// The models bench's fresh-process start-up column: medians and goals of the table from synthetic
// processes, its place in the models report, and one real run of the child processes (tensorwasm's
// runtime and ORT-web, one each) on a two-node model. No timing conclusions: the numbers only exist.
import { describe, expect, it } from 'vitest';
import { makeColdStartRunner } from '../../bench/models/cold-start.js';
import {
  firstRunGoal,
  memoryGoal,
  renderColdCompact,
  renderColdFull,
  startupGoal,
  summarizeCold,
} from '../../bench/models/cold-start-report.js';
import type { ColdModelResult, ColdSample, ColdStartRun } from '../../bench/models/cold-start-types.js';
import { encodeModel } from '../../bench/models/encode-model.js';
import { renderModelsCompact, renderModelsFull, type ModelsRun } from '../../bench/models/models-report.js';
import { compile, fromOnnx } from '../../src/index.js';

function sample(
  loadMs: number,
  firstRunMs: number,
  steadyMs: number[],
  extra: Partial<ColdSample> = {},
): ColdSample {
  return { firstLineAt: 0, node: '20.20.2', processStartMs: 50, loadMs, firstRunMs, steadyMs, ...extra };
}

/** ResNet-50 whose tensorwasm process totals are 300, 310 and 900 ms (median 310) against ORT's 500-700. */
const resnet: ColdModelResult = {
  id: 'ResNet-50',
  tensorwasm: [
    sample(100, 200, [100, 120, 80], { memoryBytes: 113 << 20 }),
    sample(110, 200, [100], { memoryBytes: 113 << 20 }),
    sample(600, 300, [100, 100], { memoryBytes: 113 << 20 }),
  ],
  ort: [
    sample(300, 200, [150], { runtimeInitMs: 400, processStartMs: 60, memoryBytes: 300 << 20 }),
    sample(400, 300, [150], { runtimeInitMs: 500, processStartMs: 70, memoryBytes: 310 << 20 }),
    sample(350, 250, [100], { runtimeInitMs: 450, processStartMs: 80, memoryBytes: 290 << 20 }),
  ],
  maxAbsDiff: 2e-7,
  flagged: false,
};
/** An audio model where ORT starts faster and the first run is 5x the steady one (no first-run goal). */
const audio: ColdModelResult = {
  id: 'Audio Conv1d',
  tensorwasm: [sample(150, 50, [10], { memoryBytes: 3 << 20 })],
  ort: [sample(100, 60, [20], { runtimeInitMs: 300, memoryBytes: 2 << 20 })],
  maxAbsDiff: 1e-7,
  flagged: false,
};
const failed: ColdModelResult = {
  id: 'VGG-19',
  tensorwasm: [],
  ort: [],
  error: 'child exited with 1: out of memory',
};
const run: ColdStartRun = {
  processes: 3,
  steady: { minRuns: 2, budgetMs: 600, maxRuns: 10 },
  models: [resnet, audio, failed],
};

describe('the start-up table', () => {
  it('takes medians over processes, totals per process, and the ratio of the totals', () => {
    const s = summarizeCold(resnet);
    expect(s.processes).toBe(3);
    expect(s.twLoadMs).toBe(110);
    expect(s.twFirstMs).toBe(200);
    expect(s.twTotalMs).toBe(310);
    expect(s.ortTotalMs).toBe(600);
    expect(s.ratio).toBeCloseTo(600 / 310, 12);
    // per process: 200 / 100, 200 / 100, 300 / 100
    expect(s.twFirstOverSteady).toBe(2);
    expect(s.ortRuntimeInitMs).toBe(450);
    expect(s.ortProcessStartMs).toBe(70);
    expect(s.twMemoryBytes).toBe(113 << 20);
    expect(s.ortHeapBytes).toBe(300 << 20);
  });

  it("checks the memory goal per model: tensorwasm's memory no larger than ORT's heap in its fresh process", () => {
    expect(memoryGoal(summarizeCold(resnet))).toBe('met');
    expect(memoryGoal(summarizeCold(audio))).toBe('**not met**');
    expect(memoryGoal(summarizeCold({ ...audio, ort: [sample(100, 60, [20])] }))).toBe('-');
  });

  it('checks both goals per row: start-up on every model, the first run on ResNet-50 only', () => {
    expect(startupGoal(summarizeCold(resnet))).toBe('met');
    expect(firstRunGoal(summarizeCold(resnet))).toBe('met');
    expect(startupGoal(summarizeCold(audio))).toBe('**not met**');
    expect(firstRunGoal(summarizeCold(audio))).toBe('-');
    const slowFirst = { ...resnet, tensorwasm: [sample(100, 250, [100])] };
    expect(firstRunGoal(summarizeCold(slowFirst))).toBe('**not met**');
    const disagree = { ...resnet, flagged: true, maxAbsDiff: 0.5 };
    expect(startupGoal(summarizeCold(disagree))).toBe('**not met** (outputs disagree)');
    expect(renderColdFull({ ...run, models: [disagree] })).toContain('5.0e-1 ⚠ DISAGREE');
  });

  it('renders the full and compact tables with a row per model and failures as errors', () => {
    const full = renderColdFull(run);
    expect(full).toContain('3 per engine');
    expect(renderColdFull({ ...run, seconds: 12.4 })).toContain('(12 s of the run)');
    expect(full).toContain('2-10 runs, more while under 600 ms');
    expect(full).toContain(
      '| ResNet-50 | 110 ms | 200 ms | 310 ms | 350 ms | 250 ms | 600 ms | 1.9x | 2.0x | 2.0x | 50.0 ms / 70.0 ms | 450 ms | 113 MB / 300 MB | 2.0e-7 | met | met | met |',
    );
    expect(full).toContain(
      '| Audio Conv1d | 150 ms | 50.0 ms | 200 ms | 100 ms | 60.0 ms | 160 ms | 0.80x |',
    );
    expect(full).toContain('| VGG-19 | **child exited with 1: out of memory** | - |');
    const compact = renderColdCompact(run);
    expect(compact).toContain(
      '| ResNet-50 | 310 ms | 600 ms | 1.9x | 2.0x (goal <= 2x: met) | met | 113 MB / 300 MB (met) |',
    );
    expect(compact).toContain(
      '| Audio Conv1d | 200 ms | 160 ms | 0.80x | 5.0x | **not met** | 3.0 MB / 2.0 MB (**not met**) |',
    );
    expect(renderColdCompact({ ...run, processes: 1, models: [audio] })).toContain('median of\n1;');
  });

  it('is part of the models report when the run measured it, and absent otherwise', () => {
    const models: ModelsRun = {
      date: '2026-12-07 00:00 UTC',
      mode: 'full',
      machine: 'test',
      cores: 2,
      node: '20.20.2',
      ortVersion: '1.30.0',
      commit: 'abc',
      loadStart: [1, 1, 1],
      loadEnd: [1, 1, 1],
      models: [],
      totalSeconds: 1,
    };
    expect(renderModelsFull(models)).not.toContain('Fresh process start-up');
    expect(renderModelsFull({ ...models, cold: run })).toContain('### Fresh process start-up');
    expect(renderModelsCompact({ ...models, cold: run })).toContain('| ResNet-50 | 310 ms |');
  });
});

/** y = softmax(relu(x)) over [1, 8]: two nodes, so both engines have something to compute. */
function tinyModel(): Uint8Array {
  return encodeModel({
    name: 'tiny',
    opset: 17,
    nodes: [
      { op_type: 'Relu', input: ['x'], output: ['r'], attribute: [] },
      { op_type: 'Softmax', input: ['r'], output: ['y'], attribute: [] },
    ],
    initializers: [],
    inputs: [['x', [1, 8]]],
    outputs: [['y', [1, 8]]],
  });
}

describe('the fresh-process runner', () => {
  it('runs tensorwasm and ORT-web each in a child process and compares their first outputs', async () => {
    const bytes = tinyModel();
    const model = await compile(await fromOnnx(bytes));
    const runner = await makeColdStartRunner({
      settings: { processes: 1, steady: { minRuns: 2, budgetMs: 0, maxRuns: 2 } },
      execArgv: [],
    });
    try {
      const workload = {
        id: 'Tiny model',
        inputShape: [1, 8],
        bytes: () => bytes,
        makeData: () => ({
          inputs: [{ name: 'x', shape: [1, 8], data: Float32Array.from([-1, 0, 1, 2, -3, 4, 0.5, -0.5]) }],
          weights: [],
          outputShape: [],
        }),
      };
      const reporter = { progress: () => undefined, print: () => undefined };
      expect((await runner.measure(workload, reporter)).error).toBe('tensorwasm did not compile the model');
      runner.saveModule(workload, model.save());
      const result = await runner.measure(workload, reporter);
      expect(result.error).toBeUndefined();
      expect(result.flagged).toBe(false);
      expect(result.maxAbsDiff).toBeLessThan(1e-6);
      for (const engine of ['tensorwasm', 'ort'] as const) {
        const [s] = result[engine];
        expect(s?.node).toBe(process.versions.node);
        expect(s?.loadMs).toBeGreaterThan(0);
        expect(s?.firstRunMs).toBeGreaterThan(0);
        expect(s?.steadyMs).toHaveLength(2);
        expect(s?.processStartMs).toBeGreaterThan(0);
      }
      expect(result.ort[0]?.runtimeInitMs).toBeGreaterThan(0);
      expect(result.tensorwasm[0]?.runtimeInitMs).toBeUndefined();
    } finally {
      runner.dispose();
      model.dispose();
    }
  });
});
