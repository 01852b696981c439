/**
 * The ONNX op table's families are disjoint: an op type defined in two
 * families would silently take whichever is spread last into OPS.
 */
import { expect, test } from 'vitest';
import { activationOps } from '../../src/onnx/ops/activations.js';
import { attentionOps } from '../../src/onnx/ops/attention.js';
import { controlOps } from '../../src/onnx/ops/control.js';
import { convOps } from '../../src/onnx/ops/conv.js';
import { dataOps } from '../../src/onnx/ops/data.js';
import { elementwiseOps } from '../../src/onnx/ops/elementwise.js';
import { OPS } from '../../src/onnx/ops/index.js';
import { lossOps } from '../../src/onnx/ops/loss.js';
import { matrixOps } from '../../src/onnx/ops/matrix.js';
import { movementOps } from '../../src/onnx/ops/movement.js';
import { nnOps } from '../../src/onnx/ops/nn.js';
import { normOps } from '../../src/onnx/ops/norms.js';
import { recurrentOps } from '../../src/onnx/ops/recurrent.js';
import { reduceOps } from '../../src/onnx/ops/reduce.js';
import { resizeOps } from '../../src/onnx/ops/resize.js';
import { shapeOps } from '../../src/onnx/ops/shape.js';
import { trigOps } from '../../src/onnx/ops/trig.js';

test('no op type is defined by two families, and OPS holds them all', () => {
  const families = {
    activationOps,
    attentionOps,
    controlOps,
    convOps,
    dataOps,
    elementwiseOps,
    lossOps,
    matrixOps,
    movementOps,
    nnOps,
    normOps,
    recurrentOps,
    reduceOps,
    resizeOps,
    shapeOps,
    trigOps,
  };
  const owner = new Map<string, string>();
  const twice: string[] = [];
  for (const [family, table] of Object.entries(families)) {
    for (const op of Object.keys(table)) {
      const first = owner.get(op);
      if (first !== undefined) twice.push(`${op} (${first}, ${family})`);
      owner.set(op, family);
    }
  }
  expect(twice).toEqual([]);
  expect(Object.keys(OPS).sort()).toEqual([...owner.keys()].sort());
});
