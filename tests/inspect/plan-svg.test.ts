/**
 * The plan chart's structure: one rectangle per buffer placed by step and
 * address, the lower-bound line at the arena's bound, escaped labels, and the
 * arena-only view.
 */
import { describe, expect, test } from 'vitest';
import type { MemoryPlan } from '../../src/index.js';
import { planGraph, planSvg } from '../../src/index.js';
import { reuseChain } from './graphs.js';

const PLAN: MemoryPlan = {
  memoryBytes: 400,
  arenaBytes: 200,
  lowerBoundBytes: 100,
  naiveBytes: 300,
  buffers: [
    { name: 'x', kind: 'input', offset: 0, bytes: 100, firstUse: 0, lastUse: 0 },
    { name: 'y<&>"', kind: 'output', offset: 100, bytes: 100, firstUse: 1, lastUse: 3 },
    { name: 't0', kind: 'temp', offset: 200, bytes: 100, firstUse: 0, lastUse: 1 },
    { name: 't1', kind: 'temp', offset: 300, bytes: 100, firstUse: 2, lastUse: 3 },
  ],
};

const rects = (svg: string): RegExpMatchArray[] => [
  ...svg.matchAll(
    /<g class="buffer buffer-(\w+)">[\s\S]*?<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g,
  ),
];

describe('planSvg', () => {
  test('one rectangle per buffer, x by lifetime, y by address (0 at the bottom)', () => {
    const svg = planSvg(PLAN, { width: 478, height: 472 }); // plot 384 x 400: 96 px per step, 1 px per byte
    const found = rects(svg).map((m) => m.slice(1).join(' '));
    // sorted by address: x at the bottom, t1 at the top
    expect(found).toEqual([
      'input 79 334 94 100',
      'output 175 234 286 100',
      'temp 79 134 190 100',
      'temp 271 34 190 100',
    ]);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="tensorwasm-plan"/);
  });

  test('the lower bound is a dashed line at arena start + bound; labels are escaped', () => {
    const svg = planSvg(PLAN, { width: 478, height: 472 });
    expect(svg).toContain('<line class="lower-bound" x1="78" x2="462" y1="134" y2="134"');
    expect(svg).toContain('y&lt;&amp;&gt;&quot;');
    expect(svg).not.toContain('y<&>');
  });

  test('arenaOnly draws the temps over the arena range', () => {
    const svg = planSvg(PLAN, { arenaOnly: true });
    expect(rects(svg).map((m) => m[1])).toEqual(['temp', 'temp']);
    expect(svg).toContain('>200 B</text>');
  });

  test('a compiled plan: every buffer drawn, legend for each kind present', () => {
    const plan = planGraph(reuseChain()).memory.plan;
    const svg = planSvg(plan);
    expect(rects(svg)).toHaveLength(plan.buffers.length);
    for (const kind of new Set(plan.buffers.map((b) => b.kind))) expect(svg).toContain(`>${kind}</text>`);
  });
});
