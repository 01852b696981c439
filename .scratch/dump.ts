import { emitMathWat } from '../src/codegen/binaryen/math/measure.js';
console.log(emitMathWat(process.argv[2] as 'exp', 'simd'));
