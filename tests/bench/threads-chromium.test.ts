/**
 * The Chromium threads report (`npm run bench -- --threads 2 --browser`) on
 * synthetic numbers: speed-up over our 1 thread, tfjs-wasm's and ORT-web's
 * ratios to our 2 threads, what tfjs-wasm really ran, the drift between
 * passes, and its marked block in bench/results-threads.md beside the Node
 * report (each run keeps the other's).
 */
import { describe, expect, test } from 'vitest';
import {
  CHROMIUM_BEGIN,
  CHROMIUM_END,
  chromiumBlock,
  chromiumBlockOf,
  renderChromiumThreads,
  withChromiumBlock,
  type ChromiumThreadsResult,
} from '../../bench/browser/threads-report.js';
import type { CellResult } from '../../bench/report.js';
import { benchCell } from '../support/bench-cell.js';

const cell = (competitor: string, medianMs: number, extra: Partial<CellResult> = {}): CellResult =>
  benchCell(competitor, medianMs, extra);

function result(overrides: Partial<ChromiumThreadsResult> = {}): ChromiumThreadsResult {
  return {
    threads: 2,
    date: '2026-12-07',
    commit: 'abc1234',
    machine: 'AMD EPYC',
    cores: 2,
    chromium: '156.0.8078.129',
    crossOriginIsolated: true,
    hardwareConcurrency: 2,
    tfjsThreads: 2,
    tfjsBuild: 'tfjs-backend-wasm-threaded-simd.wasm',
    tfjsCoresShown: 4,
    workers: { ours: 5, tfjs: 8, ort: 1 },
    load: [0.3, 0.5],
    startup: [],
    workloads: [
      {
        id: 'W5',
        group: 'W5',
        title: 'mlp',
        cells: [
          cell('tensorwasm', 10),
          cell('tensorwasm-t2', 5),
          cell('tensorwasm@tfjs', 11),
          cell('tfjs-t2', 15),
          cell('tensorwasm@tfjs1', 10),
          cell('tfjs', 24),
          cell('tensorwasm@ort', 9.5),
          cell('ort-t2', 20),
        ],
      },
    ],
    ...overrides,
  };
}

describe('renderChromiumThreads', () => {
  test('one row per workload: ours on 1 and 2 threads, tfjs-wasm and ORT-web over our 2 threads', () => {
    const text = renderChromiumThreads(result());
    expect(text).toContain('| W5 | 10.0 ms | 5.00 ms | 2.0x | 15.0 ms | 3.0x | 20.0 ms | 4.0x |');
    expect(text).toContain('Threads: 2 in Chromium 156.0.8078.129 (tensorwasm abc1234');
    expect(text).toContain(
      'tfjs-wasm ran tfjs-backend-wasm-threaded-simd.wasm, getThreadsCount() 2, its page shown hardwareConcurrency 4',
    );
    // 11 ms against 10 ms in the first pass
    expect(text).toContain("differed from the first pass's by up to 10%");
    expect(text).toContain('Workers the pages started: ours 5, tfjs 8, ort 1.');
    expect(text).toContain(
      "tfjs-wasm's own speed-up, 1 to 2 threads (its threaded build on 1 thread, in a pass of its own): W5 1.6x.",
    );
    expect(text).toContain('Load average (1 min) while measuring: 0.30-0.50; the machine was quiet enough');
  });

  test('a failed pass or engine is said, its cells empty; differing outputs are marked', () => {
    const base = { ...result() };
    // tfjs-wasm did not load: no thread count
    delete (base as { tfjsThreads?: number }).tfjsThreads;
    const w = base.workloads[0]!;
    const text = renderChromiumThreads({
      ...base,
      passErrors: { tfjs: 'page crashed' },
      startup: [
        {
          competitor: 'ort-t2',
          label: 'ORT-web 2 threads',
          description: '',
          version: '',
          initMs: 1,
          error: 'no SharedArrayBuffer',
        },
      ],
      load: [1.2, 1.9],
      workloads: [
        {
          ...w,
          cells: [cell('tensorwasm', 10), cell('tensorwasm-t2', 5, { flagged: true, maxAbsDiff: 0.5 })],
        },
      ],
    });
    expect(text).toContain('tfjs-wasm did not load');
    expect(text).toContain('The tfjs pass failed: page crashed.');
    expect(text).toContain('ORT-web 2 threads could not run: no SharedArrayBuffer.');
    expect(text).toContain('| W5 | 10.0 ms | 5.00 ms (outputs differ: 5.0e-1) | 2.0x | - | - | - | - |');
    expect(text).toMatch(/\*\*not trustworthy\*\*: the load \(1\.9\)/);
  });

  test('the goals of issue #21 with two decimals, met or not', () => {
    expect(renderChromiumThreads(result())).toContain(
      'Goals (issue #21: >= 1.8x on W1, W5, W6 and ResNet-50, >= 1.6x on W3 and W4): W5 2.00x met.',
    );
    const short = result();
    const w = short.workloads[0]!;
    const slow = { ...w, cells: [cell('tensorwasm', 10), cell('tensorwasm-t2', 5.65)] };
    expect(renderChromiumThreads({ ...short, workloads: [slow] })).toContain('W5 1.77x not met.');
  });

  test("other work's CPU during each pass, where measured, says whether the machine was quiet", () => {
    const quiet = renderChromiumThreads(
      result({ load: [1.5, 1.9], othersCores: { ours: 0.02, tfjs: 0.05 } }),
    );
    expect(quiet).toContain(
      'in cores of 2: ours 0.02, tfjs 0.05; every pass ran on a quiet machine (at most 0.1 cores). ' +
        'Load average (1 min, our threads included): 1.50-1.90.',
    );
    expect(quiet).not.toContain('not trustworthy');
    const busy = renderChromiumThreads(result({ othersCores: { ours: 0.02, ort: 0.6 } }));
    expect(busy).toContain('**not on a quiet machine**: the ort pass (over 0.1 cores)');
  });

  test("the cores' round trip during each pass, and where our pass's cores were in the goals line", () => {
    const apart = renderChromiumThreads(result({ coreRoundTripNs: { ours: 560, tfjs: 130 } }));
    expect(apart).toContain("Cores' round trip during each pass");
    expect(apart).toContain('ours 560 ns, tfjs 130 ns.');
    expect(apart).toMatch(/Goals \(issue #21.*\(our pass on cores apart: round trip 560 ns\)\./);
    const near = renderChromiumThreads(result({ coreRoundTripNs: { ours: 140 } }));
    expect(near).toContain('(our pass on cores sharing a cache: round trip 140 ns).');
    expect(renderChromiumThreads(result())).not.toContain('round trip');
  });
});

describe('the Chromium block of results-threads.md', () => {
  const node = '# Threads benchmark\n\nThreads: 2 (Node table)\n';

  test('is appended after the Node report, and replaced by the next Chromium run', () => {
    const once = withChromiumBlock(node, chromiumBlock(result()));
    expect(once.startsWith(node.trimEnd())).toBe(true);
    expect(chromiumBlockOf(once)).toBe(chromiumBlock(result()));
    const twice = withChromiumBlock(once, chromiumBlock(result({ commit: 'def5678' })));
    expect(twice.split(CHROMIUM_BEGIN)).toHaveLength(2);
    expect(twice).toContain('tensorwasm def5678');
    expect(twice).not.toContain('tensorwasm abc1234');
    expect(twice.endsWith(`${CHROMIUM_END}\n`)).toBe(true);
  });

  test('a Node run keeps it; a first Chromium run gets a heading', () => {
    const withBlock = withChromiumBlock(node, chromiumBlock(result()));
    const nodeAgain = withChromiumBlock(
      '# Threads benchmark\n\nThreads: 2 (new Node table)\n',
      chromiumBlockOf(withBlock),
    );
    expect(nodeAgain).toContain('new Node table');
    expect(nodeAgain).not.toContain('(Node table)');
    expect(chromiumBlockOf(nodeAgain)).toBe(chromiumBlock(result()));
    expect(withChromiumBlock('', chromiumBlock(result())).startsWith('# Threads benchmark\n\n')).toBe(true);
    expect(chromiumBlockOf(node)).toBe('');
    expect(withChromiumBlock(node, '')).toBe(node);
  });
});
