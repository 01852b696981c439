/**
 * CenterCropPad through fromOnnx + compile: crops and pads centred as ONNX's
 * reference does (odd differences put the extra element after), against
 * values computed here; a shape that is not known at import is refused.
 */
import { expect, test } from 'vitest';
import { compile, fromOnnx, UnsupportedError } from '../../src/index.js';
import { FLOAT, INT64, makeModel } from './onnx-model.js';

const model = (sizes: readonly number[] | undefined, axes?: readonly number[]): Uint8Array =>
  makeModel({
    nodes: [
      {
        op: 'CenterCropPad',
        inputs: ['x', 'shape'],
        outputs: ['y'],
        ...(axes === undefined ? {} : { attrs: { axes: { ints: axes } } }),
      },
    ],
    inputs: [
      { name: 'x', type: FLOAT, dims: [4, 5] },
      ...(sizes === undefined ? [{ name: 'shape', type: INT64, dims: [2] }] : []),
    ],
    outputs: [{ name: 'y', type: FLOAT }],
    initializers:
      sizes === undefined ? [] : [{ name: 'shape', type: INT64, dims: [sizes.length], values: sizes }],
  });

const x = Float32Array.from({ length: 20 }, (_, i) => i + 1);

test('crops rows 4 -> 1 (start 1) and pads columns 5 -> 8 (1 zero before, 2 after)', async () => {
  const m = await compile(await fromOnnx(model([1, 8])));
  expect(m.outputs[0]?.shape).toEqual([1, 8]);
  expect(Array.from(m.run({ x }).y as Float32Array)).toEqual([0, 6, 7, 8, 9, 10, 0, 0]);
});

test('axes picks the axes the sizes are for', async () => {
  const m = await compile(await fromOnnx(model([2], [-1])));
  expect(Array.from(m.run({ x }).y as Float32Array)).toEqual([2, 3, 7, 8, 12, 13, 17, 18]);
});

test('a shape computed at run time is refused', async () => {
  await expect(fromOnnx(model(undefined))).rejects.toThrow(UnsupportedError);
});
