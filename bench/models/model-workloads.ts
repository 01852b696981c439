/**
 * The whole-model workloads: ONNX's `light/` CNNs with random, non-uniform
 * weights (randomize-weights.ts) and the audio 1-D conv stack (audio-model.ts),
 * each with a seeded input. A model's bytes are made on first use and dropped
 * with `release()`, so only one large model is in memory at a time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRandom, type WorkloadData } from '../workloads.js';
import { AUDIO_SAMPLES, buildAudioModel } from './audio-model.js';
import { randomizeWeights } from './randomize-weights.js';

/** One model to benchmark. */
export interface ModelWorkload {
  /** Row label: 'ResNet-50'. */
  readonly id: string;
  /** Always 'models' (the group `--only=models` selects). */
  readonly group: string;
  readonly title: string;
  /** The ONNX graph's input name and its shape. */
  readonly input: string;
  readonly inputShape: readonly number[];
  /** The model's bytes (made on first call, then kept until release()). */
  bytes(): Uint8Array;
  release(): void;
  makeData(): WorkloadData;
}

/** The light models: file stem, label, input name. */
const LIGHT: readonly (readonly [string, string, string])[] = [
  ['bvlc_alexnet', 'AlexNet', 'data_0'],
  ['densenet121', 'DenseNet-121', 'data_0'],
  ['inception_v1', 'Inception v1', 'data_0'],
  ['inception_v2', 'Inception v2', 'data_0'],
  ['resnet50', 'ResNet-50', 'gpu_0/data_0'],
  ['shufflenet', 'ShuffleNet', 'gpu_0/data_0'],
  ['squeezenet', 'SqueezeNet', 'data_0'],
  ['vgg19', 'VGG-19', 'data_0'],
  ['zfnet512', 'ZFNet-512', 'gpu_0/data_0'],
];
const IMAGE_SHAPE = [1, 3, 224, 224] as const;
/** The seed of every light model's weights. */
const WEIGHT_SEED = 2026;

/** Where ONNX's test data is: TENSORWASM_ONNX_DATA, ../shared/data/onnx, or /work/shared/data/onnx. */
export function onnxDataDir(): string {
  const candidates = [process.env.TENSORWASM_ONNX_DATA, '../shared/data/onnx', '/work/shared/data/onnx'];
  return candidates.find((d) => d !== undefined && existsSync(d)) ?? '/work/shared/data/onnx';
}

function model(
  id: string,
  title: string,
  input: string,
  inputShape: readonly number[],
  make: () => Uint8Array,
  seed: number,
): ModelWorkload {
  let bytes: Uint8Array | undefined;
  const size = inputShape.reduce((a, b) => a * b, 1);
  return {
    id,
    group: 'models',
    title,
    input,
    inputShape,
    bytes: () => (bytes ??= make()),
    release: () => {
      bytes = undefined;
    },
    makeData: () => ({
      inputs: [{ name: input, shape: inputShape, data: makeRandom(seed, size, -1, 1) }],
      weights: [],
      outputShape: [],
    }),
  };
}

/** Every model; `only` picks by id, case-insensitively (e.g. ['squeezenet', 'audio']). */
export function makeModelWorkloads(only?: readonly string[]): ModelWorkload[] {
  const dir = join(onnxDataDir(), 'light');
  const all = [
    ...LIGHT.map(([stem, label, input], i) =>
      model(
        label,
        `light_${stem}.onnx, random weights (seed ${WEIGHT_SEED})`,
        input,
        IMAGE_SHAPE,
        () => randomizeWeights(readFileSync(join(dir, `light_${stem}.onnx`)), WEIGHT_SEED).bytes,
        100 + i,
      ),
    ),
    model(
      'Audio Conv1d',
      `4 x (Conv1d, BatchNorm, Relu, MaxPool) over [1, 1, ${AUDIO_SAMPLES}], Gemm head`,
      'audio',
      [1, 1, AUDIO_SAMPLES],
      () => buildAudioModel(),
      99,
    ),
  ];
  const key = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const wanted = only?.map(key);
  return all.filter((w) => wanted === undefined || wanted.some((k) => key(w.id).startsWith(k)));
}
