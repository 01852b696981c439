/**
 * The cross-engine benchmark's plumbing (`npm run bench -- --engines`):
 * choosing Node versions, rendering one table per engine, replacing the
 * README block, and a quick end-to-end run of W7 on a second Node process (this
 * test's own binary, as a child) and in headless Chromium when it is installed,
 * once with one process per engine and once with two (`--processes=2`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  README_BEGIN,
  README_END,
  engineHeading,
  engineTable,
  firstRunLine,
  replaceReadmeBlock,
} from '../../bench/engine-report.js';
import { newestOfMajor } from '../../bench/engines/node-binaries.js';
import type { BenchResult, CellResult, EngineRun } from '../../bench/report.js';
import { benchCell } from '../support/bench-cell.js';
import { chromiumMissing } from '../support/chromium.js';

const cell = benchCell;

function run(cells: CellResult[], ortError?: string): EngineRun {
  const result: BenchResult = {
    meta: {
      date: '2026-12-06',
      machine: 'test',
      cores: 2,
      node: 'v24.22.3',
      v8: '13.6',
      commit: 'abc',
      mode: 'quick',
      totalSeconds: 12,
    },
    competitors: ['tensorwasm', 'tfjs', 'ort'].map((key) => ({
      competitor: key,
      label: key === 'tfjs' ? 'tfjs-wasm' : key === 'ort' ? 'ORT-web' : key,
      description: '',
      version: '',
      initMs: 1,
      ...(key === 'ort' && ortError !== undefined ? { error: ortError } : {}),
    })),
    compile: { mlpMs: NaN, mlpBestMs: NaN, mlpStats: {} },
    workloads: [{ id: 'W7', group: 'W7', title: 'chain', cells }],
  };
  return {
    engine: {
      name: 'Node 24.22.3',
      v8: '13.6.233.17-node.63',
      detail: 'v24.22.3',
      relaxedSimd: true,
      loadStart: [1.5, 1.25, 1],
      loadEnd: [2, 1.5, 1],
    },
    result,
  };
}

describe('choosing Node versions', () => {
  test('the newest plain release of a major, compared as numbers', () => {
    const versions = ['22.9.0', '22.10.0', '22.11.0-rc.1', '24.1.0', '2.22.0', '122.0.0'];
    expect(newestOfMajor(versions, 22)).toBe('22.10.0');
    expect(newestOfMajor(versions, 24)).toBe('24.1.0');
    expect(newestOfMajor(versions, 26)).toBeUndefined();
  });
});

describe('per-engine tables', () => {
  test("tensorwasm's first run over its steady median, per workload", () => {
    const r = run([cell('tensorwasm', 2, { firstRunMs: 3 }), cell('tfjs', 4)]);
    expect(firstRunLine(r)).toBe('\n\ntensorwasm first run / steady median: W7 1.5x.');
    expect(firstRunLine({ engine: r.engine, error: 'exited' })).toBe('');
  });

  test('medians, ratios over tensorwasm, version, relaxed SIMD and load', () => {
    const r = run([cell('tensorwasm', 0.002), cell('tfjs', 0.5), cell('ort', 0.1, { flagged: true })]);
    expect(engineHeading(r)).toBe(
      '**Node 24.22.3** (V8 13.6.233.17-node.63; relaxed SIMD yes; load average 1.50 1.25 1.00 at the start, ' +
        '2.00 1.50 1.00 at the end; 2026-12-06, quick, 12 s)',
    );
    expect(engineTable(r).split('\n')).toEqual([
      '| workload | tensorwasm | tfjs-wasm | ORT-web |',
      '| --- | --- | --- | --- |',
      '| W7 | 2.00 us | 500 us (250x) | 100 us (50x) ⚠ |',
    ]);
  });

  test('a median far above the fastest sample marks the cell and adds the note', () => {
    const r = run([
      cell('tensorwasm', 2, { minMs: 1.4 }),
      cell('tfjs', 3, { minMs: 2.9 }),
      cell('ort', 10, { minMs: 7 }),
    ]);
    const lines = engineTable(r).split('\n');
    expect(lines[2]).toBe('| W7 | 2.00 ms † | 3.00 ms (1.5x) | 10.0 ms (5.0x) † |');
    expect(lines.at(-1)).toMatch(/^† median over 1.25x the fastest sample/);
    // no mark, no note
    expect(engineTable(run([cell('tensorwasm', 1, { minMs: 0.95 })]))).not.toContain('†');
  });

  test('a failed cell, a competitor that could not load, an engine that could not run', () => {
    const r = run([cell('tensorwasm', 1), cell('tfjs', NaN, { error: 'boom' })], 'no wasm');
    expect(engineTable(r)).toContain('| W7 | 1.00 ms | failed | n/a |');
    expect(engineTable(r)).toContain('ORT-web could not load: no wasm');
    expect(engineTable({ engine: r.engine, error: 'exited with code 1' })).toBe(
      'could not run: exited with code 1',
    );
  });

  test('the README block is replaced between its markers only', () => {
    const readme = `a\n${README_BEGIN}\nold\n${README_END}\nb\n`;
    expect(replaceReadmeBlock(readme, 'new')).toBe(`a\n${README_BEGIN}\nnew\n${README_END}\nb\n`);
    expect(replaceReadmeBlock('no markers', 'new')).toBe('no markers');
  });
});

/**
 * `bench/run.ts --quick --only=W7` with plain JS beside tensorwasm on this Node run again as a
 * second engine (and in Chromium where it is installed), results written to `out`.
 */
function quickW7Engines(out: string, chromium: boolean, extra: readonly string[], timeout: number) {
  return spawnSync(
    process.execPath,
    [
      'scripts/run-ts.mjs',
      'bench/run.ts',
      '--quick',
      '--only=W7',
      '--competitors=plainjs',
      `--engines=${chromium ? 'node,chromium' : 'node'}`,
      `--node-binaries=${process.execPath}`,
      '--engine-competitors=plainjs',
      ...extra,
      `--out=${out}`,
    ],
    { encoding: 'utf8', timeout },
  );
}

test('a quick W7 run on a second Node process and in Chromium comes back as one table per engine', () => {
  const out = mkdtempSync(join(tmpdir(), 'tensorwasm-bench-engines-'));
  const chromium = chromiumMissing() === '';
  if (!chromium) console.warn(`tests/bench/engines.test.ts: Chromium part skipped: ${chromiumMissing()}`);
  try {
    const child = quickW7Engines(out, chromium, [], 100_000);
    expect(child.status, child.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResult;
    const runs = result.engines ?? [];
    expect(runs.map((r) => r.engine.name.split(' ')[0])).toEqual(
      chromium ? ['Node', 'Node', 'Chromium'] : ['Node', 'Node'],
    );
    expect(runs[0]?.current).toBe(true);
    for (const r of runs) {
      expect(r.error).toBeUndefined();
      expect(typeof r.engine.relaxedSimd).toBe('boolean');
      expect(r.engine.loadStart).toHaveLength(3);
      const w7 = (r.current === true ? result : r.result)?.workloads.find((w) => w.id === 'W7');
      const keys = w7?.cells.map((c) => c.competitor);
      expect(keys).toEqual(['tensorwasm', 'plainjs']);
      for (const c of w7?.cells ?? []) {
        expect(c.error).toBeUndefined();
        expect(c.medianMs).toBeGreaterThan(0);
      }
      // plain JS agrees with tensorwasm on every engine (checked by the harness).
      expect(w7?.cells[1]?.flagged).toBe(false);
    }
    const markdown = readFileSync(join(out, 'results.md'), 'utf8');
    expect(markdown).toContain('## Every engine');
    expect(markdown).toContain(`**Node ${process.versions.node}** (V8 ${process.versions.v8}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 120_000);

test('--processes=2 runs every engine twice, interleaved, and combines each engine over its processes', () => {
  const out = mkdtempSync(join(tmpdir(), 'tensorwasm-bench-engines-'));
  const chromium = chromiumMissing() === '';
  try {
    const child = quickW7Engines(out, chromium, ['--processes=2'], 150_000);
    expect(child.status, child.stderr).toBe(0);
    // round by round: this Node, the other binary, Chromium, then again
    const order = [...child.stdout.matchAll(/^== (Node|Chromium).*\(process (\d) of 2\)$/gm)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    expect(order).toEqual(
      chromium ? ['Node 1', 'Chromium 1', 'Node 2', 'Node 2', 'Chromium 2'] : ['Node 1', 'Node 2', 'Node 2'],
    );
    const result = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResult;
    const runs = (result.engines ?? []) as (EngineRun & { processes?: EngineRun[] })[];
    expect(runs).toHaveLength(chromium ? 3 : 2);
    for (const r of runs) {
      expect(r.error).toBeUndefined();
      expect(r.processes?.map((p) => p.error)).toEqual([undefined, undefined]);
      const cells = r.result?.workloads.find((w) => w.id === 'W7')?.cells ?? [];
      for (const c of cells) {
        const perProcess = (c as CellResult & { processMedians?: number[] }).processMedians ?? [];
        expect(perProcess).toHaveLength(2);
        expect(perProcess.every((ms) => ms > 0)).toBe(true);
      }
    }
    const markdown = readFileSync(join(out, 'results.md'), 'utf8');
    expect(markdown).toContain('2 processes, 1-minute load');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 180_000);
