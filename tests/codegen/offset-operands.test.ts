/**
 * offsetsToOperands (offset-operands.ts) on hand-built modules: functions
 * equal but for load/store offsets get the differing offsets as pointer
 * operands (same results), so merge-similar-functions shares them; offsets
 * that agree stay immediates; other structures, and small functions whose
 * loads differ inside an innermost loop, are left alone.
 */
import type Binaryen from 'binaryen';
import { describe, expect, test } from 'vitest';
import { loadBinaryen, type BinaryenApi } from '../../src/codegen/binaryen/load-binaryen.js';
import { offsetsToOperands } from '../../src/codegen/binaryen/offset-operands.js';

type Expr = Binaryen.ExpressionRef;

/** f(p) = load(p + 100) + Σ_{j<8} j · load(p + a), then a store at p + a + 200; `a` as the memarg offset. */
function addPair(b: BinaryenApi, m: Binaryen.Module, name: string, a: number): void {
  const p = (): Expr => m.local.get(0, b.i32);
  let sum = m.f32.load(100, 4, p());
  for (let j = 0; j < 8; j++) sum = m.f32.add(sum, m.f32.mul(m.f32.const(j), m.f32.load(a, 4, p())));
  const body = m.block(null, [m.f32.store(a + 200, 4, p(), m.f32.const(1)), sum], b.f32);
  m.addFunction(name, b.i32, b.f32, [], body);
  m.addFunctionExport(name, name);
}

/** g(p) = Σ_{i<4} load(p + 4i + a): the load with offset `a` inside the function's only loop. */
function loopSum(b: BinaryenApi, m: Binaryen.Module, name: string, a: number): void {
  const i32 = b.i32;
  const f32 = b.f32;
  const [p, i, s] = [0, 1, 2];
  const body = m.block(
    null,
    [
      m.local.set(i, m.i32.const(0)),
      m.loop(
        'next',
        m.block(null, [
          m.local.set(
            s,
            m.f32.add(
              m.local.get(s, f32),
              m.f32.load(
                a,
                4,
                m.i32.add(m.local.get(p, i32), m.i32.shl(m.local.get(i, i32), m.i32.const(2))),
              ),
            ),
          ),
          m.local.set(i, m.i32.add(m.local.get(i, i32), m.i32.const(1))),
          m.br('next', m.i32.lt_u(m.local.get(i, i32), m.i32.const(4))),
        ]),
      ),
      m.local.get(s, f32),
    ],
    f32,
  );
  m.addFunction(name, i32, f32, [i32, f32], body);
  m.addFunctionExport(name, name);
}

/** A module of the functions `add` makes, with one page of memory exported. */
function moduleOf(b: BinaryenApi, add: (m: Binaryen.Module) => void): Binaryen.Module {
  const m = new b.Module();
  m.setMemory(1, 1, 'mem');
  add(m);
  return m;
}

/** Each export called on 8 with memory holding 0.5·index, memory compared after. */
function results(wasm: Uint8Array, names: readonly string[]): number[] {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>));
  const memory = new Float32Array((instance.exports.mem as WebAssembly.Memory).buffer);
  for (let i = 0; i < 256; i++) memory[i] = 0.5 * i;
  const out = names.map((n) => (instance.exports[n] as (p: number) => number)(8));
  return [...out, ...memory.slice(0, 256)];
}

function offsetsIn(text: string): string[] {
  return [...text.matchAll(/offset=(\d+)/g)].map((x) => x[1] ?? '');
}

describe('offsets as operands', () => {
  test('functions differing only in offsets share one function, with the same results', async () => {
    const b = await loadBinaryen();
    const build = (): Binaryen.Module =>
      moduleOf(b, (m) => {
        addPair(b, m, 'f1', 8);
        addPair(b, m, 'f2', 16);
        addPair(b, m, 'f3', 24);
      });
    const before = build();
    const expected = results(before.emitBinary(), ['f1', 'f2', 'f3']);
    before.dispose();
    const m = build();
    expect(offsetsToOperands(b, m)).toBe(27);
    // the offset every function shares stays an immediate
    expect(offsetsIn(m.emitText())).toEqual(['100', '100', '100']);
    m.runPasses(['merge-similar-functions']);
    expect(m.getNumFunctions()).toBe(4);
    expect(m.validate()).toBeTruthy();
    expect(results(m.emitBinary(), ['f1', 'f2', 'f3'])).toEqual(expected);
    m.dispose();
  });

  test('another structure, and a small function whose loads differ in an innermost loop, keep their offsets', async () => {
    const b = await loadBinaryen();
    const m = moduleOf(b, (mod) => {
      addPair(b, mod, 'f1', 8);
      loopSum(b, mod, 'g1', 8);
      loopSum(b, mod, 'g2', 12);
    });
    const text = m.emitText();
    expect(offsetsToOperands(b, m)).toBe(0);
    expect(m.emitText()).toBe(text);
    m.dispose();
  });
});
