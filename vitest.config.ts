import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    // Compile tests import binaryen (~0.5 s each): share modules across files.
    isolate: false,
    pool: 'threads',
  },
});
