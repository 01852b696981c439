// The whole-model benchmark's plumbing: weight randomization keeps every shape and makes
// non-uniform values, the audio model builds and imports, wasm sections are measured, and
// the report block replaces itself. No timing: the benchmark itself is `npm run bench -- --models`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIO_CLASSES, AUDIO_SAMPLES, buildAudioModel } from '../../bench/models/audio-model.js';
import { makeModelWorkloads, onnxDataDir } from '../../bench/models/model-workloads.js';
import {
  replaceModelsBlock,
  modelsSectionOf,
  modelsMarkers,
  modelsEngineKey,
} from '../../bench/models/models-report.js';
import { makeNormal, randomizeWeights } from '../../bench/models/randomize-weights.js';
import { wasmSectionBytes } from '../../bench/models/wasm-sections.js';
import { decodeModel } from '../../src/onnx/decode-model.js';
import { fromOnnx } from '../../src/index.js';

const squeezenet = join(onnxDataDir(), 'light', 'light_squeezenet.onnx');

/** The float32 contents of a decoded initializer. */
function floats(data: unknown): Float32Array {
  expect(data).toBeInstanceOf(Float32Array);
  return data as Float32Array;
}

describe('randomizeWeights', () => {
  it.skipIf(!existsSync(squeezenet))(
    'makes every ConstantOfShape weight a non-uniform initializer of its shape',
    () => {
      const original = decodeModel(readFileSync(squeezenet));
      const shapeOf = new Map(
        original.graph.initializers.map((t) => [t.name, Array.from(t.data ?? [], Number)] as const),
      );
      const expected = new Map(
        original.graph.nodes
          .filter((n) => n.opType === 'ConstantOfShape')
          .map((n) => [n.outputs[0] ?? '', shapeOf.get(n.inputs[0] ?? '')] as const),
      );
      expect(expected.size).toBeGreaterThan(10);
      const randomized = randomizeWeights(readFileSync(squeezenet), 3);
      expect(randomized.replaced).toBe(expected.size);
      const model = decodeModel(randomized.bytes);
      expect(model.graph.nodes.some((n) => n.opType === 'ConstantOfShape')).toBe(false);
      const inits = new Map(model.graph.initializers.map((t) => [t.name, t]));
      for (const [name, dims] of expected) {
        const t = inits.get(name);
        expect(t?.dims, name).toEqual(dims);
        const values = floats(t?.data);
        if (values.length > 1) expect(new Set(values).size, name).toBeGreaterThan(1);
      }
      // a Conv weight is He-scaled: its standard deviation is about sqrt(2 / fan-in)
      const conv = floats(inits.get('conv1_w_0')?.data);
      const fanIn = 3 * 3 * 3;
      const std = Math.sqrt(conv.reduce((s, v) => s + v * v, 0) / conv.length);
      expect(std).toBeGreaterThan(0.7 * Math.sqrt(2 / fanIn));
      expect(std).toBeLessThan(1.3 * Math.sqrt(2 / fanIn));
      // initializers are constants now: none is a graph input
      expect(model.graph.inputs.map((i) => i.name)).toEqual(['data_0']);
    },
  );

  it.skipIf(!existsSync(squeezenet))('is deterministic per seed', () => {
    const bytes = readFileSync(squeezenet);
    // Buffer.equals: vitest's deep equality takes a minute on 5 MB
    const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));
    const nine = randomizeWeights(bytes, 9).bytes;
    expect(same(nine, randomizeWeights(bytes, 9).bytes)).toBe(true);
    expect(same(nine, randomizeWeights(bytes, 10).bytes)).toBe(false);
  });

  it('draws standard normals', () => {
    const next = makeNormal(1);
    const xs = Array.from({ length: 4000 }, next);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(variance).toBeGreaterThan(0.9);
    expect(variance).toBeLessThan(1.1);
  });
});

describe('the audio model', () => {
  it('builds a valid ONNX model that fromOnnx imports with its shapes', async () => {
    const bytes = buildAudioModel();
    const model = decodeModel(bytes);
    expect(model.graph.nodes.filter((n) => n.opType === 'Conv')).toHaveLength(4);
    const variances = model.graph.initializers.filter((t) => t.name.endsWith('_var'));
    for (const v of variances) expect(Math.min(...floats(v.data))).toBeGreaterThan(0);
    const graph = await fromOnnx(bytes);
    expect(graph.leaves.map((n) => [n.attrs.name, [...n.shape]])).toEqual([['audio', [1, 1, AUDIO_SAMPLES]]]);
    expect(graph.outputs.map(([name, n]) => [name, [...n.shape]])).toEqual([['probs', [1, AUDIO_CLASSES]]]);
  });
});

describe('model workloads and report', () => {
  it('selects models by id prefix and makes seeded inputs', () => {
    const [audio] = makeModelWorkloads(['audio']);
    expect(audio?.id).toBe('Audio Conv1d');
    expect(audio?.makeData().inputs[0]?.data).toEqual(audio?.makeData().inputs[0]?.data);
    expect(makeModelWorkloads().length).toBe(10);
  });

  it('measures the code and data sections of a module', () => {
    // header, type section (id 1, 1 byte), code section (id 10, 3 bytes), data section (id 11, 200 bytes)
    const wasm = new Uint8Array([
      0,
      97,
      115,
      109,
      1,
      0,
      0,
      0,
      1,
      1,
      0,
      10,
      3,
      0,
      0,
      0,
      11,
      0xc8,
      0x01,
      ...new Array<number>(200).fill(0),
    ]);
    expect(wasmSectionBytes(wasm)).toEqual({ code: 3, data: 200, total: wasm.byteLength });
  });

  it('replaces its engine block in place, or appends it, and keeps the other engines blocks', () => {
    const node20 = modelsMarkers('node20');
    const node26 = modelsMarkers('node26');
    const first = replaceModelsBlock('# results\n\ntext\n', 'table 1', 'node20');
    expect(first).toContain(`${node20.begin}\ntable 1\n${node20.end}`);
    const both = replaceModelsBlock(first, 'table 26', 'node26');
    const second = replaceModelsBlock(`${both}after\n`, 'table 2', 'node20');
    expect(second).not.toContain('table 1');
    expect(second).toContain(`${node26.begin}\ntable 26\n${node26.end}`);
    expect(second.endsWith('after\n')).toBe(true);
    expect(modelsSectionOf(second)).toBe(
      `${node20.begin}\ntable 2\n${node20.end}\n\n${node26.begin}\ntable 26\n${node26.end}`,
    );
    expect(modelsEngineKey('26.12.1')).toBe('node26');
  });
});
