/**
 * The ONNX op table: every family's entries by op type. A new family is one
 * file in this folder exporting an OpTable, plus one line here.
 */
import type { OpTable } from '../op-entry.js';
import { activationOps } from './activations.js';
import { attentionOps } from './attention.js';
import { controlOps } from './control.js';
import { convOps } from './conv.js';
import { dataOps } from './data.js';
import { elementwiseOps } from './elementwise.js';
import { lossOps } from './loss.js';
import { matrixOps } from './matrix.js';
import { movementOps } from './movement.js';
import { nnOps } from './nn.js';
import { normOps } from './norms.js';
import { recurrentOps } from './recurrent.js';
import { reduceOps } from './reduce.js';
import { resizeOps } from './resize.js';
import { shapeOps } from './shape.js';
import { trigOps } from './trig.js';

/** Every supported ONNX op type (default domain) and how it is imported. */
export const OPS: OpTable = {
  ...elementwiseOps,
  ...reduceOps,
  ...shapeOps,
  ...movementOps,
  ...nnOps,
  ...controlOps,
  ...matrixOps,
  ...activationOps,
  ...lossOps,
  ...convOps,
  ...normOps,
  ...dataOps,
  ...recurrentOps,
  ...attentionOps,
  ...resizeOps,
  ...trigOps,
};
