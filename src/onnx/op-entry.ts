/**
 * The shape of one entry of the ONNX op table: which opsets it handles and
 * how it builds a node's outputs through the public builder.
 */
import type { NodeContext, OpResult } from './node-context.js';

/** How one ONNX op type is imported. */
export interface OpEntry {
  /** The first opset (of the default domain) this entry imports; older nodes are refused. */
  readonly since: number;
  /**
   * Builds the node: one result per output, in order (trailing optional
   * outputs may be left out; asking for them is refused). Reads the
   * attributes it supports through `n` (unread ones are refused) and branches
   * on `n.opset` where the op changed.
   */
  readonly run: (n: NodeContext) => OpResult | readonly OpResult[];
}

/** One family's entries by ONNX op type. */
export type OpTable = Readonly<Record<string, OpEntry>>;
