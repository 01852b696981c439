import binaryen from 'binaryen';
import { emitMathWat } from '../src/codegen/binaryen/math/measure.js';
const m = binaryen.parseText(emitMathWat(process.argv[2] as 'exp', 'simd'));
m.setFeatures(binaryen.Features.SIMD128);
const inst = new WebAssembly.Instance(new WebAssembly.Module(m.emitBinary() as Uint8Array<ArrayBuffer>), {});
(inst.exports[`${process.argv[2]}_simd`] as (n: number) => void)(4);
