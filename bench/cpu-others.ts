/**
 * The CPU the rest of the machine took while we measured: the machine's busy
 * time (/proc/stat, the hypervisor's steal included) less our own (this
 * process, every thread of it, and its child processes: Chromium's). The
 * load average cannot say it: it counts our own threads, so a 2-thread run
 * on 2 cores always looks loaded. Linux only; undefined elsewhere.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** A reading: wall time, the machine's busy CPU time and ours, all in milliseconds. */
export interface CpuMark {
  readonly wallMs: number;
  readonly busyMs: number;
  readonly selfMs: number;
}

/** Clock ticks per second of /proc's times (USER_HZ, 100 on every Linux port Node runs on). */
const TICKS_PER_SECOND = 100;
const TICK_MS = 1000 / TICKS_PER_SECOND;

/** The machine's busy ticks: user, nice, system, irq, softirq and steal of /proc/stat's `cpu` line. */
function busyTicks(): number | undefined {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  if (line.startsWith('cpu ') === false || f.length < 8) return undefined;
  const [user, nice, system, , , irq, softirq, steal] = f as [number, ...number[]];
  return user + nice! + system! + irq! + softirq! + steal!;
}

/**
 * pid -> [parent pid, CPU ticks] of every process /proc shows: its own
 * (utime + stime) and its reaped children's (cutime + cstime), so a child
 * that ended during the measurement (a page's renderer) still counts once its
 * parent has waited for it.
 */
function processTimes(): Map<number, readonly [number, number]> {
  const out = new Map<number, readonly [number, number]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // fields after the command (which may hold spaces) in parentheses: state ppid ... utime(14)
      // stime(15) cutime(16) cstime(17)
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      out.set(Number(name), [Number(f[1]), ticks]);
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** CPU ticks of the processes descending from `root` (not itself). */
function descendantTicks(root: number): number {
  const times = processTimes();
  const children = new Map<number, number[]>();
  for (const [pid, [parent]] of times) children.set(parent, [...(children.get(parent) ?? []), pid]);
  let ticks = 0;
  const stack = [...(children.get(root) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    ticks += times.get(pid)?.[1] ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return ticks;
}

/** A reading now; `withChildren` adds our child processes' CPU (a browser we drive). */
export function cpuMark(withChildren = false): CpuMark | undefined {
  try {
    const busy = busyTicks();
    if (busy === undefined) return undefined;
    const { user, system } = process.cpuUsage();
    const children = withChildren ? descendantTicks(process.pid) * TICK_MS : 0;
    return { wallMs: performance.now(), busyMs: busy * TICK_MS, selfMs: (user + system) / 1000 + children };
  } catch {
    return undefined;
  }
}

/** Cores' worth of CPU others used between two readings (at least 0; /proc/stat counts whole ticks). */
export function othersCores(from: CpuMark | undefined, to: CpuMark | undefined): number | undefined {
  if (from === undefined || to === undefined || to.wallMs <= from.wallMs) return undefined;
  const others = to.busyMs - from.busyMs - (to.selfMs - from.selfMs);
  return Math.max(0, others / (to.wallMs - from.wallMs));
}

/** measure.ts's OthersMeter on this machine: others' cores from start to stop (undefined off Linux). */
export function othersMeter(withChildren = false): () => () => number | undefined {
  return () => {
    const from = cpuMark(withChildren);
    return () => othersCores(from, cpuMark(withChildren));
  };
}
