/**
 * The stable text form of the graph IR. Values are named `%0, %1, …` in print
 * order (inputs and params by their own names), shapes as `f32[2,3]`:
 *
 *   %x = input() : f32[2,3]
 *   %0 = constant(0.5) : f32[]
 *   %1 = mul(%x, %0) : f32[2,3]
 *   %2 = sum(%1) {axes=[1], keepdims=false} : f32[2]
 *   output y = %2
 *
 * parse.ts reads this text back into an equal graph.
 */
import type { DType, TypedArray } from '../common/dtype.js';
import type { Node } from './node.js';
import { topoSort } from './node.js';
import { formatShape, type Shape } from './shape.js';

/** Constants with at most this many elements print as a number list; larger ones as base64. */
export const INLINE_CONSTANT_ELEMENTS = 64;

/** `f32[2,3]` */
export function formatType(dtype: DType, shape: Shape): string {
  return `${dtype}${formatShape(shape)}`;
}

/** A number as the IR prints it: shortest round-trip form; nan, inf, -inf, -0 spelled out. */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0';
  return String(x);
}

function formatConstantData(data: TypedArray, shape: Shape): string {
  if (data.length > INLINE_CONSTANT_ELEMENTS) {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return `b64:${encodeBase64(bytes)}`;
  }
  const list = Array.from(data, formatNumber).join(', ');
  return shape.length === 0 ? list : `[${list}]`;
}

/** Base64 of bytes (no dependency on Buffer, so it also runs in browsers). */
export function encodeBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function formatAttrValue(key: string, value: unknown): string {
  if (key === 'axes' && Array.isArray(value) && typeof value[0] === 'object') {
    // slice: each axis as [start, step, size]
    const axes = value as { start: number; step: number; size: number }[];
    return `[${axes.map((a) => `[${a.start}, ${a.step}, ${a.size}]`).join(', ')}]`;
  }
  if (typeof value === 'number') return formatNumber(value);
  if (Array.isArray(value)) return `[${value.map((v) => formatAttrValue('', v)).join(', ')}]`;
  if (typeof value === 'string') return value;
  return String(value);
}

/** `{axes=[1], keepdims=false}` or '' when the node has no attributes to show. */
export function formatAttrs(node: Node): string {
  if (node.op === 'constant' || node.op === 'input' || node.op === 'param') return '';
  const entries = Object.entries(node.attrs as Record<string, unknown>);
  if (entries.length === 0) return '';
  return ` {${entries.map(([k, v]) => `${k}=${formatAttrValue(k, v)}`).join(', ')}}`;
}

/** Names every node for printing: leaves by name, others %0, %1, … in order. */
export function nameNodes(nodes: readonly Node[]): Map<number, string> {
  const names = new Map<number, string>();
  let next = 0;
  for (const node of nodes) {
    if (node.op === 'input' || node.op === 'param') names.set(node.id, `%${node.attrs.name}`);
    else names.set(node.id, `%${next++}`);
  }
  return names;
}

/** One line of text IR for `node`. */
export function formatNode(node: Node, names: ReadonlyMap<number, string>): string {
  const name = names.get(node.id) ?? `%?${node.id}`;
  const type = formatType(node.dtype, node.shape);
  if (node.op === 'input' || node.op === 'param') return `${name} = ${node.op}() : ${type}`;
  if (node.op === 'constant') {
    return `${name} = constant(${formatConstantData(node.attrs.data, node.shape)}) : ${type}`;
  }
  const args = node.inputs.map((i) => names.get(i.id) ?? `%?${i.id}`).join(', ');
  return `${name} = ${node.op}(${args})${formatAttrs(node)} : ${type}`;
}

/** The whole graph as text: every node reachable from the outputs (and every input and param), then the outputs. */
export function printGraph(
  outputs: readonly (readonly [string, Node])[],
  leaves: readonly Node[] = [],
): string {
  const nodes = topoSort([...leaves, ...outputs.map(([, n]) => n)]);
  const names = nameNodes(nodes);
  const lines = nodes.map((n) => formatNode(n, names));
  for (const [name, node] of outputs) lines.push(`output ${name} = ${names.get(node.id) ?? '?'}`);
  return lines.join('\n') + '\n';
}
