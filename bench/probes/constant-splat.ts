/**
 * Probe: a loop of 16 f32x4 multiply-adds whose constants are either lane-splat
 * `i8x16.shuffle`s of one packed v128.const (how the exp kernels load their
 * constants) or plain splatted v128.consts, timed on this engine. Run it under
 * each Node binary to compare V8 versions:
 *
 *   node scripts/run-ts.mjs bench/probes/constant-splat.ts
 *   ~/.cache/tensorwasm/engines/26.12.1/package/bin/node scripts/run-ts.mjs bench/probes/constant-splat.ts
 */
import binaryen from 'binaryen';

const VALUES = ['0x3fb8aa3b', '0x3f318000', '0x3e2aaa49', '0x3efffffe'];
const PACKED = `v128.const i32x4 ${VALUES.join(' ')}`;
const BYTES = 4 << 20;

/** The shuffle that broadcasts 32-bit lane `lane`. */
function laneSplat(lane: number): string {
  return Array.from({ length: 16 }, (_, i) => 4 * lane + (i % 4)).join(' ');
}

function constant(kind: 'shuffle' | 'direct', lane: number): string {
  const v = VALUES[lane] ?? '0';
  return kind === 'shuffle'
    ? `(i8x16.shuffle ${laneSplat(lane)} (${PACKED}) (${PACKED}))`
    : `(v128.const i32x4 ${v} ${v} ${v} ${v})`;
}

function moduleText(kind: 'shuffle' | 'direct'): string {
  let e = '(v128.load (local.get $p))';
  for (let k = 0; k < 16; k++)
    e = `(f32x4.add (f32x4.mul ${e} ${constant(kind, k % 4)}) ${constant(kind, k % 4)})`;
  return `(module (memory (export "mem") ${BYTES / 65536 + 1})
 (func (export "run") (param $n i32) (local $p i32)
  (loop $l (v128.store (local.get $p) ${e})
   (local.set $p (i32.add (local.get $p) (i32.const 16)))
   (br_if $l (i32.lt_u (local.get $p) (local.get $n))))))`;
}

for (const kind of ['shuffle', 'direct', 'shuffle', 'direct'] as const) {
  const m = binaryen.parseText(moduleText(kind));
  m.setFeatures(binaryen.Features.All);
  if (!m.validate()) throw new Error('probe module does not validate');
  const instance = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(m.emitBinary())));
  m.dispose();
  const run = instance.exports.run as (n: number) => void;
  for (let i = 0; i < 50; i++) run(BYTES);
  const times: number[] = [];
  for (let s = 0; s < 21; s++) {
    const start = performance.now();
    run(BYTES);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(
    `Node ${process.versions.node} (V8 ${process.versions.v8}) ${kind.padEnd(7)} min ${times[0]?.toFixed(3)} ms, median ${times[10]?.toFixed(3)} ms`,
  );
}
