/**
 * Liveness over the kernel schedule: for every stored value, the step that
 * writes it and the last step that reads it, and its region. Inputs, params,
 * constants and outputs keep their own places for the whole run; only temps
 * share the arena.
 */
import type { BufferKind } from '../common/plan.js';
import { bytesOf, type Node } from '../ir/node.js';
import { storedShape, type Kernel, type Schedule } from '../passes/kernel.js';
import type { KernelBuffers } from '../passes/matmul-shape.js';

/** A stored value, or a kernel's scratch or packed copy, with its lifetime in schedule steps. */
export interface LiveBuffer {
  /** Address key: the node id of a value, scratchId / packedId (kernel) of a kernel's own buffer. */
  readonly id: number;
  /** The value stored (undefined for a kernel's own buffer). */
  readonly node: Node | undefined;
  readonly name: string;
  readonly kind: BufferKind;
  readonly bytes: number;
  readonly firstUse: number;
  readonly lastUse: number;
}

/** The address key of kernel `index`'s scratch (negative: node ids are not). */
export function scratchId(kernelIndex: number): number {
  return -1 - kernelIndex;
}

/** The address key of kernel `index`'s packed copy of a param or constant (below every scratch key). */
export function packedId(kernelIndex: number): number {
  return -(2 ** 30) - kernelIndex;
}

/** What a kernel needs besides its values (none by default). */
export type KernelBuffersOf = (kernel: Kernel) => KernelBuffers;

const NO_BUFFERS: KernelBuffersOf = () => ({ scratchBytes: 0, packed: undefined });

/**
 * Every materialized value of the schedule with its region and lifetime, then
 * what each kernel needs besides (`buffersOf`): its scratch, a temp live
 * during the kernel only, and its packed copy of a param or constant, which
 * sits in its source's region (kind 'param' or 'const'), is filled before the
 * run and read up to the kernel.
 */
export function analyzeLiveness(schedule: Schedule, buffersOf: KernelBuffersOf = NO_BUFFERS): LiveBuffer[] {
  const writer = new Map<number, number>();
  const lastReader = new Map<number, number>();
  for (const kernel of schedule.kernels) {
    for (const node of kernel.writes) writer.set(node.id, kernel.index);
    for (const read of kernel.reads) lastReader.set(read.id, kernel.index);
  }
  const outputNames = new Map<number, string>();
  for (const [name, node] of schedule.outputs) if (!outputNames.has(node.id)) outputNames.set(node.id, name);
  let constants = 0;
  const values = schedule.values.map((node): LiveBuffer => {
    const first = writer.get(node.id) ?? 0;
    const last = Math.max(first, lastReader.get(node.id) ?? first);
    const base = {
      id: node.id,
      node,
      bytes: bytesOf({ shape: storedShape(schedule, node), dtype: node.dtype }),
      firstUse: first,
      lastUse: last,
    };
    switch (node.op) {
      case 'input':
        return { ...base, name: node.attrs.name, kind: 'input' };
      case 'param':
        return { ...base, name: node.attrs.name, kind: 'param' };
      case 'constant':
        return { ...base, name: `const${constants++}`, kind: 'const' };
      default: {
        const output = outputNames.get(node.id);
        const kernel = schedule.kernels[first];
        if (output !== undefined)
          return {
            ...base,
            name: output,
            kind: 'output',
            lastUse: Math.max(last, schedule.kernels.length - 1),
          };
        return { ...base, name: kernel?.name ?? `t${node.id}`, kind: 'temp' };
      }
    }
  });
  const extras = schedule.kernels.flatMap((kernel): LiveBuffer[] => {
    const { scratchBytes, packed } = buffersOf(kernel);
    const at = kernel.index;
    const out: LiveBuffer[] = [];
    if (scratchBytes > 0) {
      const name = `${kernel.name}.scratch`;
      out.push({
        id: scratchId(at),
        node: undefined,
        name,
        kind: 'temp',
        bytes: scratchBytes,
        firstUse: at,
        lastUse: at,
      });
    }
    if (packed !== undefined) {
      const kind = packed.source.op === 'param' ? 'param' : 'const';
      const name = `${kernel.name}.packed`;
      out.push({
        id: packedId(at),
        node: undefined,
        name,
        kind,
        bytes: packed.bytes,
        firstUse: 0,
        lastUse: at,
      });
    }
    return out;
  });
  return [...values, ...extras];
}
