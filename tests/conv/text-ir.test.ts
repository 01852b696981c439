/**
 * The window ops in the text IR: printed, parsed back to the same text, and
 * verified after every pass of a compile (the IR verifier runs on each).
 */
import { describe, expect, test } from 'vitest';
import { Graph } from '../../src/index.js';
import { parseGraph } from '../../src/ir/parse.js';
import { verifyGraph } from '../../src/ir/verify.js';

describe('window ops in the text IR', () => {
  test('print -> parse -> print is the identity', () => {
    const g = new Graph();
    const x = g.input('x', [1, 4, 6, 6]);
    const w = g.param('w', [4, 2, 3, 3]);
    const b = g.param('b', [4]);
    const c = g.param('c', [4]);
    const y = x
      .conv(w, b, { groups: 2, pads: [1, 0, 1, 2], strides: [1, 2] })
      .batchNorm(c, c, c, c, 1e-3)
      .maxPool([2, 2], { ceilMode: true, strides: [2, 2] })
      .avgPool([2, 1], { countIncludePad: true, pads: [1, 0, 0, 0] })
      .convTranspose(g.param('wt', [4, 3, 2, 2]), null, { strides: [2, 2], outputShape: [5, 4] });
    g.output('y', y);
    const text = g.toString();
    const again = parseGraph(text);
    expect(again.toString()).toBe(text);
    expect(() => verifyGraph(again.outputs, again.leaves, 'test')).not.toThrow();
    expect(text).toContain('convTranspose(');
    expect(text).toContain('countIncludePad=true');
  });
});
