/**
 * Lays out linear memory: constants, params, inputs and outputs each in their
 * own region, then the temp arena, whose offsets come from planArena (or the
 * never-reusing bump plan for comparison). Temps written in place over one
 * another form one arena slot spanning their joint lifetime. Every address is
 * 16-byte aligned.
 */
import { LimitError } from '../common/errors.js';
import type { MemoryPlan, PlannedBuffer } from '../common/plan.js';
import { alignUp, ARENA_ALIGN_BYTES } from './align.js';
import { planBump, naiveBytes } from './bump.js';
import type { LiveBuffer } from './liveness.js';
import { planArena } from './plan-arena.js';
import type { ArenaPlan, PlanBuffer } from './types.js';

/** Wasm32 memory can hold at most 4 GiB. */
export const MAX_MEMORY_BYTES = 2 ** 32;

export type PlannerKind = 'best-fit' | 'bump';

/** The plan plus what later stages need: addresses by node id, and the temp arena's own plan. */
export interface PlannedMemory {
  readonly plan: MemoryPlan;
  /** Node id -> absolute byte address. */
  readonly addresses: ReadonlyMap<number, number>;
  /** The temps, in arena order. */
  readonly temps: readonly LiveBuffer[];
  /** Arena slots: each a chain of temps written in place over one another (most are single temps). */
  readonly slots: readonly (readonly LiveBuffer[])[];
  /** The arena plan, one entry per slot. */
  readonly arena: ArenaPlan;
  /** In-place pairs: target node id -> the source node id whose bytes it takes. */
  readonly inPlace: ReadonlyMap<number, number>;
  /** Guard bytes after every arena slot (0 unless debugging). */
  readonly guardBytes: number;
  /** Absolute address where the arena starts. */
  readonly arenaStart: number;
}

const REGION_ORDER = ['const', 'param', 'input', 'output'] as const;

/** Chains of temps linked by in-place pairs, in order of first use. */
function slotsOf(temps: readonly LiveBuffer[], inPlace: ReadonlyMap<number, number>): LiveBuffer[][] {
  const byId = new Map(temps.map((t) => [t.id, t]));
  const chainOf = new Map<number, LiveBuffer[]>();
  const slots: LiveBuffer[][] = [];
  for (const t of [...temps].sort((a, b) => a.firstUse - b.firstUse || a.id - b.id)) {
    const source = inPlace.get(t.id);
    const chain = source === undefined ? undefined : chainOf.get(source);
    if (chain !== undefined && byId.has(t.id)) chain.push(t);
    else slots.push([t]);
    chainOf.set(t.id, chain ?? (slots[slots.length - 1] as LiveBuffer[]));
  }
  return slots;
}

/** The arena buffer of a slot: its largest temp (plus guard bytes) over the temps' joint lifetime. */
export function slotBuffer(chain: readonly LiveBuffer[], guardBytes: number): PlanBuffer {
  return {
    bytes: Math.max(...chain.map((t) => t.bytes)) + guardBytes,
    firstUse: Math.min(...chain.map((t) => t.firstUse)),
    lastUse: Math.max(...chain.map((t) => t.lastUse)),
  };
}

/** Places every live buffer in memory; `inPlace` pairs share arena bytes. */
export function planMemory(
  buffers: readonly LiveBuffer[],
  planner: PlannerKind,
  inPlace: ReadonlyMap<number, number> = new Map(),
  /** Extra bytes after every arena slot (debug guard gaps). */
  guardBytes = 0,
): PlannedMemory {
  const addresses = new Map<number, number>();
  const placed: PlannedBuffer[] = [];
  let top = 0;
  for (const kind of REGION_ORDER) {
    for (const buf of buffers) {
      if (buf.kind !== kind) continue;
      addresses.set(buf.id, top);
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
  const slots = slotsOf(temps, inPlace);
  const slotBuffers = slots.map((chain) => slotBuffer(chain, guardBytes));
  const arena =
    planner === 'bump'
      ? planBump(slotBuffers, ARENA_ALIGN_BYTES)
      : planArena(slotBuffers, { align: ARENA_ALIGN_BYTES });
  slots.forEach((chain, i) => {
    const offset = arenaStart + (arena.offsets[i] ?? 0);
    for (const buf of chain) {
      addresses.set(buf.id, offset);
      placed.push({
        name: buf.name,
        kind: 'temp',
        offset,
        bytes: buf.bytes,
        firstUse: buf.firstUse,
        lastUse: buf.lastUse,
      });
    }
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
  return { plan, addresses, temps, slots, arena, arenaStart, inPlace, guardBytes };
}
