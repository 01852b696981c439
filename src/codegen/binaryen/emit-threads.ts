/**
 * What a threaded build adds to the module: the per-instance `thread_id`
 * global, a barrier over the shared control block (common/thread-control.ts),
 * and `run_thread(count, canBlock, timeoutMs)`, which runs this thread's part
 * of every split kernel (passes/thread-split.ts: the same threadUnits
 * formula; a claimed kernel's last chunks taken from the control block's
 * claim counter), the kernels that run whole on thread 0 only, and a barrier
 * around each split kernel or run of joined split kernels (barrierAfter).
 * Every thread makes this one call per run. A thread that waits at a
 * barrier longer than the timeout, or sees another give up, leaves the run
 * (returns 1) instead of hanging.
 */
import type Binaryen from 'binaryen';
import {
  AbortReason,
  ControlWord,
  RUN_THREAD_EXPORT,
  THREAD_ID_EXPORT,
} from '../../common/thread-control.js';
import type { Kernel } from '../../passes/kernel.js';
import { claimLayout, packsWholeOf } from '../../passes/thread-claims.js';
import { barrierAfter, type ThreadPlan } from '../../passes/thread-split.js';
import { emitKernelCalls, type KernelCalls } from './emit-run.js';
import type { BinaryenApi } from './load-binaryen.js';

type Expr = Binaryen.ExpressionRef;

/** The thread number global (0 on the calling thread; each worker's instance sets its own). */
export const THREAD_ID_GLOBAL = 'thread_id';

/**
 * Set by run_thread on each thread between its calls of a split kernel
 * whose threads pack all of B once per run (passes/thread-claims.ts
 * packsWholeOf): after the first call, the rest read what it packed.
 */
export const PACK_SKIP_GLOBAL = 'pack_skip';

/** Spins at a barrier before a blocking wait (tens of microseconds: most barriers end sooner). */
const SPIN_ROUND = 1 << 13;
/** A blocking wait's timeout (ns): the timeout is counted in these. */
const WAIT_NS = 1_000_000;
/**
 * Spin rounds counted as one millisecond where the thread may not block (a
 * browser's main thread): a round is ~4K iterations of two atomic loads, a
 * few microseconds, so the timeout there is approximate and longer.
 */
const SPIN_ROUNDS_PER_MS = 64;

const BARRIER = 'thread_barrier';

/** Adds the thread_id global (exported) to `m`. */
export function emitThreadGlobal(b: BinaryenApi, m: Binaryen.Module): void {
  m.addGlobal(THREAD_ID_GLOBAL, b.i32, true, m.i32.const(0));
  m.addGlobal(PACK_SKIP_GLOBAL, b.i32, true, m.i32.const(0));
  m.addGlobalExport(THREAD_ID_GLOBAL, THREAD_ID_EXPORT);
}

/** A control block word's address (ControlWord), and an atomic load of it. */
function controlWords(
  m: Binaryen.Module,
  control: number,
): { word: (w: number) => Expr; load: (w: number) => Expr } {
  const word = (w: number): Expr => m.i32.const(control + 4 * w);
  return { word, load: (w) => m.i32.atomic.load(0, word(w)) };
}

/**
 * thread_barrier(canBlock, timeoutMs) -> aborted: waits until `count`
 * threads arrived (a counter and a phase: the last to arrive resets the
 * counter, bumps the phase and wakes the waiters that sleep). A waiter spins
 * first, then blocks in memory.atomic.wait32, counted in `sleepers`.
 */
function emitBarrier(b: BinaryenApi, m: Binaryen.Module, control: number): void {
  const i32 = b.i32;
  const { word, load } = controlWords(m, control);
  const [canBlock, limit, phase, spins, waited, result] = [0, 1, 2, 3, 4, 5];
  const get = (l: number): Expr => m.local.get(l, i32);
  const giveUp = (): Expr =>
    m.block(null, [
      m.drop(
        m.i32.atomic.rmw.cmpxchg(
          0,
          word(ControlWord.abort),
          m.i32.const(0),
          m.i32.const(AbortReason.timeout),
        ),
      ),
      m.drop(m.memory.atomic.notify(word(ControlWord.phase), m.i32.const(0x7fffffff))),
      m.return(m.i32.const(1)),
    ]);
  const body = m.block(
    null,
    [
      m.if(load(ControlWord.abort), m.return(m.i32.const(1))),
      m.local.set(phase, load(ControlWord.phase)),
      m.if(
        m.i32.eq(
          m.i32.add(m.i32.atomic.rmw.add(0, word(ControlWord.arrive), m.i32.const(1)), m.i32.const(1)),
          load(ControlWord.count),
        ),
        m.block(null, [
          m.i32.atomic.store(0, word(ControlWord.arrive), m.i32.const(0)),
          // every thread is here, so none is claiming: the next claimed kernel starts at chunk 0
          m.i32.atomic.store(0, word(ControlWord.claim), m.i32.const(0)),
          m.drop(m.i32.atomic.rmw.add(0, word(ControlWord.phase), m.i32.const(1))),
          // wake only threads that sleep (a notify is a call into the engine, even with no waiter):
          // a waiter counts itself in sleepers before its wait32 compares the phase, and atomics are
          // sequentially consistent, so either this load sees it or its wait32 sees the new phase
          m.if(
            load(ControlWord.sleepers),
            m.drop(m.memory.atomic.notify(word(ControlWord.phase), m.i32.const(0x7fffffff))),
          ),
          m.return(m.i32.const(0)),
        ]),
      ),
      m.loop(
        'wait',
        m.block(null, [
          m.if(m.i32.ne(load(ControlWord.phase), get(phase)), m.return(m.i32.const(0))),
          m.if(load(ControlWord.abort), m.return(m.i32.const(1))),
          m.local.set(spins, m.i32.add(get(spins), m.i32.const(1))),
          m.if(
            m.i32.ge_u(get(spins), m.i32.const(SPIN_ROUND)),
            m.block(null, [
              m.local.set(spins, m.i32.const(0)),
              m.if(
                get(canBlock),
                m.block(null, [
                  m.drop(m.i32.atomic.rmw.add(0, word(ControlWord.sleepers), m.i32.const(1))),
                  // 2: timed out (0: woken, 1: the phase already changed)
                  m.local.set(
                    result,
                    m.memory.atomic.wait32(word(ControlWord.phase), get(phase), m.i64.const(BigInt(WAIT_NS))),
                  ),
                  m.drop(m.i32.atomic.rmw.sub(0, word(ControlWord.sleepers), m.i32.const(1))),
                  m.if(
                    m.i32.eq(get(result), m.i32.const(2)),
                    m.local.set(waited, m.i32.add(get(waited), m.i32.const(SPIN_ROUNDS_PER_MS))),
                  ),
                ]),
                m.local.set(waited, m.i32.add(get(waited), m.i32.const(1))),
              ),
              m.if(m.i32.gt_u(get(waited), m.i32.mul(get(limit), m.i32.const(SPIN_ROUNDS_PER_MS))), giveUp()),
            ]),
          ),
          m.br('wait'),
        ]),
      ),
      m.i32.const(0),
    ],
    i32,
  );
  m.addFunction(BARRIER, b.createType([i32, i32]), i32, [i32, i32, i32, i32], body);
}

/**
 * Adds the barrier and run_thread: for each kernel, this thread's part of a
 * split kernel (in chunks of the kernel's call size) or, on thread 0, the
 * whole of one that is not split; then the barrier.
 */
export function emitRunThread(
  b: BinaryenApi,
  m: Binaryen.Module,
  kernels: readonly Kernel[],
  calls: readonly KernelCalls[],
  plan: ThreadPlan,
  control: number,
): void {
  emitBarrier(b, m, control);
  const i32 = b.i32;
  // params: count, canBlock, timeoutMs; locals: tid, per, start, end, call end, claimed chunk
  const [count, canBlock, limit, tid, per, s, e, ce, chunk] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const get = (l: number): Expr => m.local.get(l, i32);
  const min = (a: () => Expr, x: () => Expr): Expr => m.select(m.i32.lt_u(a(), x()), a(), x());
  const barrier = (): Expr =>
    m.if(m.call(BARRIER, [get(canBlock), get(limit)], i32), m.return(m.i32.const(1)));
  const body: Expr[] = [
    m.global.set('err_site', m.i32.const(0)),
    // cleared after each kernel, and here after a run a trap abandoned mid-kernel
    m.global.set(PACK_SKIP_GLOBAL, m.i32.const(0)),
    m.local.set(tid, m.global.get(THREAD_ID_GLOBAL, i32)),
  ];
  // every claimed kernel but a first one starts after a barrier, whose last arriver sets the claim
  // counter to 0. For a first one the calling thread sets it to 0 as it starts and opens the gate
  // (ControlWord.gate = this run's generation), and a worker claims only once the gate is open, so
  // no counter left behind after an abandoned run can skip chunks; the calling thread does not wait
  // for a worker still waking up (a barrier here did: 0.1-0.2 ms from Atomics.wait)
  const { word, load } = controlWords(m, control);
  const firstClaimed = plan.claimed?.[0] === true;
  if (firstClaimed)
    body.push(
      m.if(
        m.i32.eqz(get(tid)),
        m.block(null, [
          m.i32.atomic.store(0, word(ControlWord.claim), m.i32.const(0)),
          m.i32.atomic.store(0, word(ControlWord.gate), load(ControlWord.generation)),
        ]),
      ),
    );
  // a worker's wait for the gate (the calling thread opens it first thing: a short spin)
  const awaitGate = (): Expr =>
    m.loop(
      'gate',
      m.if(
        m.i32.ne(load(ControlWord.gate), load(ControlWord.generation)),
        m.block(null, [m.if(load(ControlWord.abort), m.return(m.i32.const(1))), m.br('gate')]),
      ),
    );
  for (const kernel of kernels) {
    const c = calls[kernel.index] as KernelCalls;
    const units = (): Expr => m.i32.const(c.units);
    if (plan.split[kernel.index] === true) {
      // after its first call here, a kernel whose threads pack all of B reads what that call packed
      const whole = packsWholeOf(kernel);
      // a matmul's part in one call: each call reads (or packs) all of B again, and the chunks
      // for the first run's sake (emit-run.ts) matter less here: every thread has warmed the module
      const size = kernel.kind === 'matmul' ? c.units : c.size;
      // units [s, e) in calls of the kernel's call size: while (s < e) { ce = min(s + size, e); k(s, ce); s = ce }
      const partCalls = (label: string): Expr =>
        m.loop(
          label,
          m.if(
            m.i32.lt_u(get(s), get(e)),
            m.block(null, [
              m.local.set(ce, m.i32.add(get(s), m.i32.const(size))),
              m.local.set(
                ce,
                min(
                  () => get(ce),
                  () => get(e),
                ),
              ),
              m.call(kernel.name, [get(s), get(ce)], b.none),
              ...(whole ? [m.global.set(PACK_SKIP_GLOBAL, m.i32.const(1))] : []),
              m.local.set(s, get(ce)),
              m.br(label),
            ]),
          ),
        );
      // a claimed kernel splits its leading units up front and leaves the chunks after them
      const layout = plan.claimed?.[kernel.index] === true ? claimLayout(c.units) : undefined;
      const fixed = (): Expr => m.i32.const(layout?.fixed ?? c.units);
      body.push(
        // per = ceil(fixed / count); s = min(tid · per, fixed); e = min(s + per, fixed)
        m.local.set(per, m.i32.div_u(m.i32.add(fixed(), m.i32.sub(get(count), m.i32.const(1))), get(count))),
        m.local.set(s, m.i32.mul(get(tid), get(per))),
        m.local.set(
          s,
          min(() => get(s), fixed),
        ),
        m.local.set(e, m.i32.add(get(s), get(per))),
        m.local.set(
          e,
          min(() => get(e), fixed),
        ),
        partCalls(`${kernel.name}_part`),
      );
      if (layout !== undefined && layout.chunks > 0) {
        // while ((chunk = claim++) < chunks) { s = fixed + chunk · size; e = min(s + size, units); calls }
        const claim = `${kernel.name}_claim`;
        if (kernel.index === 0 && firstClaimed) body.push(awaitGate());
        body.push(
          m.loop(
            claim,
            m.block(null, [
              m.local.set(chunk, m.i32.atomic.rmw.add(0, word(ControlWord.claim), m.i32.const(1))),
              m.if(
                m.i32.lt_u(get(chunk), m.i32.const(layout.chunks)),
                m.block(null, [
                  m.local.set(s, m.i32.add(fixed(), m.i32.mul(get(chunk), m.i32.const(layout.chunk)))),
                  m.local.set(e, m.i32.add(get(s), m.i32.const(layout.chunk))),
                  m.local.set(
                    e,
                    min(() => get(e), units),
                  ),
                  partCalls(`${kernel.name}_claimed`),
                  m.br(claim),
                ]),
              ),
            ]),
          ),
        );
      }
      if (whole) body.push(m.global.set(PACK_SKIP_GLOBAL, m.i32.const(0)));
    } else {
      body.push(m.if(m.i32.eqz(get(tid)), m.block(null, emitKernelCalls(b, m, kernel.name, c, s, e))));
    }
    if (barrierAfter(plan, kernel.index)) body.push(barrier());
  }
  body.push(m.i32.const(0));
  m.addFunction(
    RUN_THREAD_EXPORT,
    b.createType([i32, i32, i32]),
    i32,
    [i32, i32, i32, i32, i32, i32],
    m.block(null, body, i32),
  );
  m.addFunctionExport(RUN_THREAD_EXPORT, RUN_THREAD_EXPORT);
}
