/**
 * Constants reach the module as a data section written after Binaryen
 * (src/codegen/binaryen/data-section.ts): the section sits after the code
 * section, holds one active segment per constant at its planned address, and
 * the compiled model computes with those bytes (also after save and load).
 */
import { describe, expect, it } from 'vitest';
import { compile, Graph, interpret, load } from '../../src/index.js';
import { encodeDataSection } from '../../src/common/data-segments.js';
import { readSections } from '../../src/common/wasm-sections.js';

describe('data section', () => {
  it('encodes active segments with signed LEB offsets', () => {
    const section = encodeDataSection([
      { offset: 64, bytes: new Uint8Array([1, 2]) },
      { offset: 5, bytes: new Uint8Array([9]) },
    ]);
    // id 11, size, 2 segments; flag 0, i32.const 64 (0xc0 0x00: bit 6 set needs a second byte), end, 2 bytes
    expect(Array.from(section)).toEqual([
      11, 15, 2, 0, 0x41, 0xc0, 0x00, 0x0b, 2, 1, 2, 0, 0x41, 5, 0x0b, 1, 9,
    ]);
  });

  it('carries odd-sized constants after the code section, and the model computes with them', async () => {
    const g = new Graph();
    const x = g.input('x', [3, 7]);
    const w = Float32Array.from({ length: 21 }, (_, i) => Math.sin(i) * 3);
    const b = Int32Array.from({ length: 7 }, (_, i) => i * 1000 - 3000);
    g.output('y', x.mul(g.constant(w, [3, 7])).add(g.constant(b, [7]).cast('f32')));
    const model = await compile(g);
    const bytes = model.save();
    const ids = readSections(bytes).map((s) => s.id);
    expect(ids.filter((id) => id === 11)).toHaveLength(1);
    expect(ids.indexOf(11)).toBe(ids.indexOf(10) + 1);
    const feeds = { x: Float32Array.from({ length: 21 }, (_, i) => i / 7 - 1) };
    const expected = interpret(g, feeds).y;
    expect(model.run(feeds).y).toEqual(expected);
    const loaded = await load(bytes);
    expect(loaded.run(feeds).y).toEqual(expected);
    model.dispose();
    loaded.dispose();
  });
});
