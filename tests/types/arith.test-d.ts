/** Digit-wise dimension arithmetic: exact for literals of any size, `number` for non-literals. */
import { expectTypeOf, it } from 'vitest';
import type { Add, DivExact, Mul, Product, Sub } from '../../src/ir/types/arith-types.js';

it('adds, subtracts, multiplies and divides digit by digit', () => {
  expectTypeOf<Add<999, 1>>().toEqualTypeOf<1000>();
  expectTypeOf<Sub<1000, 1>>().toEqualTypeOf<999>();
  expectTypeOf<Sub<3, 5>>().toEqualTypeOf<never>();
  expectTypeOf<Mul<128, 784>>().toEqualTypeOf<100352>();
  expectTypeOf<Mul<4096, 4096>>().toEqualTypeOf<16777216>();
  expectTypeOf<DivExact<100352, 784>>().toEqualTypeOf<128>();
  expectTypeOf<DivExact<6, 4>>().toEqualTypeOf<never>();
  expectTypeOf<DivExact<6, 0>>().toEqualTypeOf<never>();
  expectTypeOf<Product<[32, 128, 768]>>().toEqualTypeOf<3145728>();
  expectTypeOf<Product<[]>>().toEqualTypeOf<1>();
});

it('gives number for non-literals and negatives', () => {
  expectTypeOf<Add<number, 1>>().toEqualTypeOf<number>();
  expectTypeOf<Mul<-1, 3>>().toEqualTypeOf<number>();
  expectTypeOf<Product<[2, number]>>().toEqualTypeOf<number>();
  expectTypeOf<Product<number[]>>().toEqualTypeOf<number>();
});
