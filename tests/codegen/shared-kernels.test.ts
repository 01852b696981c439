/**
 * Kernel code sharing (emit-module.ts): kernels equal but for their buffers
 * become one shared function plus a thunk per kernel, which keeps its name,
 * export and results; kernels that differ in shape or op stay apart.
 */
import { describe, expect, test } from 'vitest';
import { compile, Graph } from '../../src/index.js';
import { CODE_SECTION, readSections } from '../../src/common/wasm-sections.js';
import { checkGraph, randomData } from '../support/differential.js';

/** `layers` equal blocks (dense layer, row softmax) on a [rows, cols] value, each with its own weights. */
function repeatedLayers(layers: number, rows: number, cols: number): Graph {
  const g = new Graph();
  let x = g.input('x', [rows, cols]);
  for (let i = 0; i < layers; i++) {
    const w = g.constant(randomData('f32', cols * cols, 10 + i, -0.5, 0.5) as Float32Array, [cols, cols]);
    const b = g.constant(randomData('f32', cols, 50 + i) as Float32Array, [cols]);
    x = x.matmul(w).add(b).softmax(-1);
  }
  g.output('y', x);
  return g;
}

/**
 * Two 3x3 convolutions (bias, relu) with different channel counts at
 * sizes, as in SqueezeNet's fire modules: one structure (sizes whose tiles
 * leave the same remainders: 23², 25² and 9² positions are 1 more than a
 * multiple of 8, 24 and 48 channels whole tiles), other row strides and
 * window tables. Both split by columns (23 and 25: kernel-range.ts
 * blockSplitUnit, 529 and 625 columns) or both by rows (9: too few
 * columns); one of each would differ in structure.
 */
function convPair(sizeA: number, sizeB: number): Graph {
  const g = new Graph();
  // an input of its own at address 0: a buffer there makes an address term vanish (x + 0)
  g.output('t', g.input('s', [16]).exp());
  const layer = (name: string, c: number, m: number, size: number, seed: number): void => {
    const x = g.input(name, [1, c, size, size]);
    const w = g.constant(randomData('f32', m * c * 9, seed, -0.3, 0.3) as Float32Array, [m, c, 3, 3]);
    const b = g.constant(randomData('f32', m, seed + 1) as Float32Array, [m]);
    g.output(`y_${name}`, x.conv(w, b, { pads: [1, 1, 1, 1] }).relu());
  };
  layer('a', 8, 24, sizeA, 20);
  layer('b', 16, 48, sizeB, 30);
  return g;
}

/** Functions defined in the module that are not kernels or known exports: the shared ones (unnamed). */
function sharedFunctions(wat: string, kernels: readonly string[]): string[] {
  const known = new Set([...kernels, 'run', 'warm', 'warm_kernel', 'tier_kernel', 'pack', 'ipow', 'fmodf']);
  return [...wat.matchAll(/^ *\(func \$(\S+) /gm)].map((m) => m[1] ?? '').filter((name) => !known.has(name));
}

/** Bytes of the module's code section. */
function codeBytes(wasm: Uint8Array): number {
  const code = readSections(wasm).find((s) => s.id === CODE_SECTION);
  return code === undefined ? 0 : code.end - code.start;
}

describe('shared kernel code', () => {
  test('equal layers share their functions; every kernel keeps its export; results equal the interpreter', async () => {
    const g = repeatedLayers(6, 8, 24);
    const model = await compile(g);
    const names = model.kernels.map((k) => k.name);
    expect(names).toHaveLength(12);
    expect(sharedFunctions(await model.wat(), names).length).toBeGreaterThan(0);
    // each kernel is still its own exported function (profile() and warm_kernel call it by name)
    const profile = model.profile({ x: randomData('f32', 8 * 24, 3) as Float32Array }, { repeats: 1 });
    expect(profile.kernels.map((k) => k.name)).toEqual(model.kernels.map((k) => k.name));
    for (const k of model.kernels)
      expect(await model.wat(k.name)).toMatch(new RegExp(`^\\(func \\$${k.name} `));
    await checkGraph(g, { x: randomData('f32', 8 * 24, 3) }, { rtol: 1e-5, atol: 1e-6 });
  });

  test('less code than the same layers without sharing would take: 6 layers cost little more than 2', async () => {
    const size = async (layers: number): Promise<number> =>
      codeBytes((await compile(repeatedLayers(layers, 8, 24))).save());
    const [two, six] = [await size(2), await size(6)];
    // unshared, six layers are three times two layers' kernels
    expect(six).toBeLessThan(two * 1.5);
  });

  test.each([
    [23, 25],
    [9, 9],
  ])(
    'convolutions of one structure at %i² and %i² share one function (offsets as operands, weights k-major)',
    async (sizeA, sizeB) => {
      const g = convPair(sizeA, sizeB);
      const model = await compile(g);
      const convs = model.kernels.filter((k) => k.name.includes('matmul'));
      expect(convs).toHaveLength(2);
      // each conv kernel is a thunk: a call of the one shared function with its constants
      const callees = new Set<string>();
      for (const k of convs) {
        const text = await model.wat(k.name);
        expect(text).not.toMatch(/\(loop /);
        for (const [, callee] of text.matchAll(/\(call \$(\S+)/g)) callees.add(callee ?? '');
      }
      expect(callees.size).toBe(1);
      const feeds = {
        s: randomData('f32', 16, 4),
        a: randomData('f32', 8 * sizeA * sizeA, 5),
        b: randomData('f32', 16 * sizeB * sizeB, 6),
      };
      await checkGraph(g, feeds, { rtol: 1e-4, atol: 1e-5 });
    },
  );

  test('a single kernel is emitted as before (nothing to share)', async () => {
    const g = new Graph();
    const x = g.input('x', [4, 8]);
    g.output('y', x.exp());
    const model = await compile(g);
    expect(model.kernels).toHaveLength(1);
    expect(
      sharedFunctions(
        await model.wat(),
        model.kernels.map((k) => k.name),
      ),
    ).toEqual([]);
  });
});
