/**
 * Lays out linear memory: constants, params, inputs and outputs each in their
 * own region, then the temp arena, whose offsets come from planArena (or the
 * never-reusing bump plan for comparison). Every address is 16-byte aligned.
 */
import { LimitError } from '../common/errors.js';
import type { MemoryPlan, PlannedBuffer } from '../common/plan.js';
import { alignUp, ARENA_ALIGN_BYTES } from './align.js';
import { planBump, naiveBytes } from './bump.js';
import type { LiveBuffer } from './liveness.js';
import { planArena } from './plan-arena.js';
import type { ArenaPlan } from './types.js';

/** Wasm32 memory can hold at most 4 GiB. */
export const MAX_MEMORY_BYTES = 2 ** 32;

export type PlannerKind = 'best-fit' | 'bump';

/** The plan plus what later stages need: addresses by node id, and the temp arena's own plan. */
export interface PlannedMemory {
  readonly plan: MemoryPlan;
  /** Node id -> absolute byte address. */
  readonly addresses: ReadonlyMap<number, number>;
  /** The temps, in arena order, with the arena plan that placed them. */
  readonly temps: readonly LiveBuffer[];
  readonly arena: ArenaPlan;
  /** Absolute address where the arena starts. */
  readonly arenaStart: number;
}

const REGION_ORDER = ['const', 'param', 'input', 'output'] as const;

/** Places every live buffer in memory. */
export function planMemory(buffers: readonly LiveBuffer[], planner: PlannerKind): PlannedMemory {
  const addresses = new Map<number, number>();
  const placed: PlannedBuffer[] = [];
  let top = 0;
  for (const kind of REGION_ORDER) {
    for (const buf of buffers) {
      if (buf.kind !== kind) continue;
      addresses.set(buf.node.id, top);
      placed.push({
        name: buf.name,
        kind,
        offset: top,
        bytes: buf.bytes,
        firstUse: buf.firstUse,
        lastUse: buf.lastUse,
      });
      top = alignUp(top + buf.bytes, ARENA_ALIGN_BYTES);
    }
  }
  const arenaStart = top;
  const temps = buffers.filter((b) => b.kind === 'temp');
  const arena =
    planner === 'bump' ? planBump(temps, ARENA_ALIGN_BYTES) : planArena(temps, { align: ARENA_ALIGN_BYTES });
  temps.forEach((buf, i) => {
    const offset = arenaStart + (arena.offsets[i] ?? 0);
    addresses.set(buf.node.id, offset);
    placed.push({
      name: buf.name,
      kind: 'temp',
      offset,
      bytes: buf.bytes,
      firstUse: buf.firstUse,
      lastUse: buf.lastUse,
    });
  });
  const memoryBytes = arenaStart + arena.arenaBytes;
  if (memoryBytes > MAX_MEMORY_BYTES) {
    throw new LimitError(
      `compile: the plan needs ${memoryBytes} bytes of memory (expected at most 4 GiB, the WebAssembly limit)`,
      { memoryBytes },
      'Use smaller shapes or split the program',
    );
  }
  const plan: MemoryPlan = {
    memoryBytes,
    arenaBytes: arena.arenaBytes,
    lowerBoundBytes: arena.lowerBoundBytes,
    naiveBytes: naiveBytes(temps, ARENA_ALIGN_BYTES),
    buffers: placed,
  };
  return { plan, addresses, temps, arena, arenaStart };
}
