/**
 * Run under plain Node by tests/codegen/validate.test.ts: builds a module
 * Binaryen refuses and prints the resulting InternalError as JSON. (Under
 * vitest, Binaryen's console.error is bound to vitest's interceptor, so the
 * capture can only be observed in a plain process.)
 */
import { validateOrThrow } from '../../src/codegen/binaryen/emit-module.js';
import { loadBinaryen } from '../../src/codegen/binaryen/load-binaryen.js';
import { InternalError } from '../../src/common/errors.js';

const b = await loadBinaryen();
const m = new b.Module();
// i32.add of an f32 operand: invalid
m.addFunction('bad', b.none, b.i32, [], m.i32.add(m.i32.const(1), m.f32.const(2)));
try {
  validateOrThrow(m, 'as emitted');
  console.log(JSON.stringify({ threw: false }));
} catch (e) {
  const error = e as InternalError;
  console.log(
    JSON.stringify({
      threw: true,
      internal: e instanceof InternalError,
      code: error.code,
      message: error.message,
      validator: String(error.details.validator),
      wat: String(error.details.wat),
    }),
  );
} finally {
  m.dispose();
}
