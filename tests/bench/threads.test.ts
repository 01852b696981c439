/**
 * The threads benchmark's report (`npm run bench -- --threads 2`): speed-ups
 * over our own one-thread run, ORT-web's ratio, and the load seen, with a
 * figure taken near the core count marked not trustworthy.
 */
import { describe, expect, test } from 'vitest';
import type { CellResult, WorkloadResult } from '../../bench/report.js';
import { renderThreads, type ThreadsResult } from '../../bench/threads-report.js';
import { benchCell } from '../support/bench-cell.js';

const cell = (competitor: string, medianMs: number): CellResult =>
  benchCell(competitor, medianMs, { firstRunMs: medianMs });

function result(load: number[]): ThreadsResult {
  const w: WorkloadResult = {
    id: 'W1 N=1024',
    group: 'W1',
    title: 'matmul',
    cells: [cell('tensorwasm', 100), cell('tensorwasm-t2', 50), cell('ort-t2', 150)],
  };
  return { threads: 2, date: 'd', commit: 'c', machine: 'm', cores: 2, node: 'v20', load, workloads: [w] };
}

describe('renderThreads', () => {
  test('speed-up over one thread and ORT-web / ours, with the load range', () => {
    const text = renderThreads(result([0.2, 0.4]));
    expect(text).toContain('| W1 N=1024 | 100 ms | 50.0 ms | 2.0x | - | 150 ms | 3.0x |');
    expect(text).toContain('Load average (1 min) while measuring: 0.20-0.40; the machine was quiet enough');
  });

  test('whole models (--models) follow the workloads in the same table', () => {
    const model: WorkloadResult = {
      id: 'ResNet-50',
      group: 'models',
      title: 'light_resnet50.onnx',
      cells: [cell('tensorwasm', 260), cell('tensorwasm-t2', 140), cell('ort-t2', 280)],
    };
    const text = renderThreads({ ...result([0.2, 0.4]), models: [model] });
    expect(text.indexOf('| ResNet-50 | 260 ms | 140 ms | 1.9x | - | 280 ms | 2.0x |')).toBeGreaterThan(
      text.indexOf('| W1 N=1024 |'),
    );
  });

  test('a load near the core count marks the figures not trustworthy', () => {
    expect(renderThreads(result([0.5, 1.8]))).toMatch(/\*\*not trustworthy\*\*: the load \(1\.8\)/);
  });

  test("with other work's CPU measured per row, it judges the rows, not the load average", () => {
    const withOthers = (others: number): ThreadsResult => {
      const r = result([1.2, 1.9]);
      return { ...r, workloads: r.workloads.map((w) => ({ ...w, othersCores: others })) };
    };
    const quiet = renderThreads(withOthers(0.04));
    expect(quiet).toContain('| W1 N=1024 | 100 ms | 50.0 ms | 2.0x | 0.04 | 150 ms | 3.0x |');
    expect(quiet).toContain(
      'up to 0.04 cores of 2; every row measured on a quiet machine (at most 0.1 cores)',
    );
    expect(quiet).toContain('Load average (1 min, our threads included): 1.20-1.90.');
    expect(quiet).not.toContain('not trustworthy');
    expect(renderThreads(withOthers(0.3))).toContain(
      '**not on a quiet machine**: W1 N=1024 (over 0.1 cores)',
    );
  });
});
