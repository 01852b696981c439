/**
 * compile -> save -> load in one process gives bit-identical outputs, with
 * params set after loading or embedded by save({ params: true }); a loaded
 * model has the compiled model's interface and saves again.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { compile, InputError, load, type CompiledModel, type TypedArray } from '../../src/index.js';
import { load as runtimeLoad } from '../../src/runtime/index.js';
import { crc32 } from '../../src/common/checksum.js';
import { CRC32_FOLD_MODULE, CRC_INPUT_BYTES } from '../../src/common/crc32-fold-module.js';
import { crc32ModuleBytes } from '../../src/common/crc32-module.js';
import { bytesOf, testModels, type TestModel } from './models.js';

interface Compiled {
  readonly spec: TestModel;
  readonly model: CompiledModel;
  readonly expected: Record<string, TypedArray>;
}

const compiled: Compiled[] = [];

beforeAll(async () => {
  for (const spec of testModels()) {
    const model = await compile(spec.graph);
    model.setParams(spec.params);
    compiled.push({ spec, model, expected: model.run(spec.inputs) });
  }
});

function expectIdentical(actual: Record<string, TypedArray>, expected: Record<string, TypedArray>): void {
  expect(Object.keys(actual)).toEqual(Object.keys(expected));
  for (const [name, array] of Object.entries(expected)) {
    expect(actual[name]?.constructor).toBe(array.constructor);
    expect(bytesOf(actual[name]!)).toEqual(bytesOf(array));
  }
}

describe.each(testModels().map((m) => m.name))('%s', (name) => {
  const get = (): Compiled => compiled.find((c) => c.spec.name === name)!;

  test('save() then load() and setParams() gives bit-identical outputs', async () => {
    const { spec, model, expected } = get();
    const loaded = await runtimeLoad(model.save());
    expect(loaded.inputs).toEqual(model.inputs);
    expect(loaded.outputs).toEqual(model.outputs);
    expect(loaded.params).toEqual(model.params);
    expect(loaded.plan).toEqual(model.plan);
    expect(() => loaded.run(spec.inputs)).toThrow(InputError);
    loaded.setParams(spec.params);
    expectIdentical(loaded.run(spec.inputs), expected);
    loaded.dispose();
  });

  test('save({ params: true }) embeds params: the loaded model runs at once', async () => {
    const { spec, model, expected } = get();
    const loaded = await load(model.save({ params: true }));
    expectIdentical(loaded.run(spec.inputs), expected);
    // view + execute on a loaded model
    for (const [input, value] of Object.entries(spec.inputs)) loaded.view(input).set(value);
    loaded.execute();
    for (const [output, value] of Object.entries(expected))
      expect(bytesOf(loaded.view(output))).toEqual(bytesOf(value));
  });

  test('a loaded model saves again to the same bytes', async () => {
    const { model } = get();
    const withParams = model.save({ params: true });
    const again = (await load(withParams)).save({ params: true });
    expect(Array.from(again)).toEqual(Array.from(withParams));
    expect(Array.from((await load(model.save())).save())).toEqual(Array.from(model.save()));
  });

  test('bytes changed by the caller while load() is pending do not reach the model', async () => {
    const { spec, model, expected } = get();
    const bytes = model.save({ params: true });
    const pending = runtimeLoad(bytes);
    bytes.fill(0x5a); // load() keeps no view of them past its first await
    const loaded = await pending;
    expectIdentical(loaded.run(spec.inputs), expected);
    loaded.dispose();
  });
});

test('save is deterministic and ends with the tensorwasm section', () => {
  const { model } = compiled[0]!;
  const a = model.save();
  expect(Array.from(model.save())).toEqual(Array.from(a));
  const tail = new TextDecoder().decode(a.subarray(a.length - 4000));
  expect(tail).toContain('tensorwasm');
  expect(tail).toContain('{"format":2,"checksum":"crc32:');
  expect(WebAssembly.Module.customSections(new WebAssembly.Module(a), 'tensorwasm')).toHaveLength(1);
});

test("load() keeps no view of the caller's bytes: overwriting them afterwards changes nothing", async () => {
  const { spec, model, expected } = compiled.find((c) => c.spec.name === 'gather-bool-i32')!;
  const bytes = model.save({ params: true });
  const original = bytes.slice();
  const loaded = await load(bytes);
  bytes.fill(0);
  expectIdentical(loaded.run(spec.inputs), expected);
  expect(Array.from(loaded.save({ params: true }))).toEqual(Array.from(original));
});

test('crc32 over chunks of every length equals the byte-at-a-time CRC', () => {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const reference = (chunks: Uint8Array[]): number => {
    let crc = 0xffffffff;
    for (const chunk of chunks)
      for (const byte of chunk) crc = (table[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  };
  expect(crc32([new TextEncoder().encode('123456789')])).toBe(0xcbf43926);
  let seed = 7;
  const next = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  for (let n = 0; n < 40; n++) {
    const chunks = [n, (n * 5) % 17, 1].map((len) => Uint8Array.from({ length: len }, next));
    expect(crc32(chunks)).toBe(reference(chunks));
  }
  // chunks longer than what the Wasm fold takes per call (CRC_INPUT_BYTES), at and around its edges
  const long = [CRC_INPUT_BYTES - 1, CRC_INPUT_BYTES, CRC_INPUT_BYTES + 1, 2 * CRC_INPUT_BYTES + 13].map(
    (len) => Uint8Array.from({ length: len }, next),
  );
  expect(crc32(long)).toBe(reference(long));
  expect(crc32([long[3]!.subarray(5)])).toBe(reference([long[3]!.subarray(5)]));
  expect(crc32([])).toBe(0);
});

test('save({ params: true }) before setParams is an InputError', async () => {
  const spec = testModels()[0]!;
  const model = await compile(spec.graph);
  expect(() => model.save({ params: true })).toThrow(/params never set: w1, b1, w2/);
  expect(() => model.save()).not.toThrow();
});

test('params embedded at save time are a snapshot; later setParams overrides them after load', async () => {
  const { spec, model, expected } = compiled.find((c) => c.spec.name === 'gather-bool-i32')!;
  const loaded = await load(model.save({ params: true }));
  loaded.setParams({ table: new Float32Array(60) });
  const zeroed = loaded.run(spec.inputs);
  expect(Array.from(zeroed.rows!).every((v) => v === 0)).toBe(true);
  expect(bytesOf(zeroed.rows!)).not.toEqual(bytesOf(expected.rows!));
  expect(() => loaded.run({ idx: Int32Array.from([0, 10, 0, 0, 0]), scale: spec.inputs.scale! })).toThrow(
    /index 10 is out of range/,
  );
});

test('where the engine refuses a synchronous compile (a page main thread past its size limit), load() compiles asynchronously: same outputs', async () => {
  const { spec, model, expected } = compiled.find((c) => c.spec.name === 'gather-bool-i32')!;
  const bytes = model.save({ params: true });
  const Sync = WebAssembly.Module;
  let refused = 0;
  // what Chromium's main thread throws for a module over its limit (8 MB): a RangeError, not a CompileError
  const limited = function (this: unknown, code: BufferSource) {
    if (ArrayBuffer.isView(code) && code.byteLength > 1024) {
      refused++;
      throw new RangeError('WebAssembly.Module(): synchronous compile of a module this large is disallowed');
    }
    return new Sync(code);
  } as unknown as typeof WebAssembly.Module;
  Object.assign(limited, {
    imports: (m: WebAssembly.Module) => Sync.imports(m),
    exports: (m: WebAssembly.Module) => Sync.exports(m),
    customSections: (m: WebAssembly.Module, name: string) => Sync.customSections(m, name),
  });
  (WebAssembly as { Module: typeof WebAssembly.Module }).Module = limited;
  try {
    const loaded = await load(bytes);
    expect(refused).toBeGreaterThan(0);
    expectIdentical(loaded.run(spec.inputs), expected);
    loaded.dispose();
  } finally {
    (WebAssembly as { Module: typeof WebAssembly.Module }).Module = Sync;
  }
});

test("the runtime's CRC module bytes are the assembler's (regenerate CRC32_FOLD_MODULE from crc32ModuleBytes() on a change)", () => {
  expect(JSON.stringify(CRC32_FOLD_MODULE)).toBe(JSON.stringify(Array.from(crc32ModuleBytes())));
});
