/**
 * Values a kernel body uses more than once at one point, bound once: while a
 * body is lowered, each (node, index) is computed the first time it is asked
 * for and bound by a `let` in the innermost scope (the whole body, a guard's
 * branch, a gather's body), and every later request reads the binding (`get`).
 * Closing the body puts bindings used once back where they were used, so only
 * shared values stay bound — `x` in `x * sigmoid(x)`, `a + b` in gelu(a + b).
 * Invariant: a binding is evaluated exactly where its first use would have
 * been evaluated (same scope, before its uses), so binding never makes a
 * conditional value unconditional.
 */
import type { KExpr } from './kernel.js';

type Let = Extract<KExpr, { k: 'let' }>;
type Get = Extract<KExpr, { k: 'get' }>;

interface Scope {
  readonly lets: { readonly id: number; readonly value: KExpr }[];
  readonly keys: string[];
}

/** The bindings of one kernel body while it is lowered. */
export class SharedValues {
  private nextId = 0;
  private readonly scopes: Scope[] = [{ lets: [], keys: [] }];
  private readonly known = new Map<string, KExpr>();

  /**
   * The value named `key` (a node at an index): computed by `make` the first
   * time in scope, then read. A value `guarded` (read at an index that is in
   * range only under a guard) is bound only inside a scope: at the top it may
   * sit under a guard its lowering did not make (a conv's padding), which a
   * binding would escape.
   */
  value(key: string, make: () => KExpr, guarded = false): KExpr {
    if (guarded && this.scopes.length === 1) return make();
    const known = this.known.get(key);
    if (known !== undefined) return known;
    const value = make();
    // a value that is already a read of a binding (a view of a bound value) or a constant needs none
    const result: KExpr =
      value.k === 'get' || value.k === 'const' ? value : this.bind(value, this.scopes.length - 1);
    this.known.set(key, result);
    (this.scopes[this.scopes.length - 1] as Scope).keys.push(key);
    return result;
  }

  /**
   * `make`'s expression with the bindings it made wrapped around it: for a
   * part evaluated only sometimes (a guard's branch) or under a binding of
   * its own (a gather's body), whose values must not move out of it.
   */
  scoped(make: () => KExpr): KExpr {
    this.scopes.push({ lets: [], keys: [] });
    const body = make();
    const scope = this.scopes.pop() as Scope;
    for (const key of scope.keys) this.known.delete(key);
    return wrap(scope.lets, body);
  }

  /** The finished body: its bindings wrapped around it, those used once put back in place. */
  close(body: KExpr): KExpr {
    const root = this.scopes[0] as Scope;
    const wrapped = wrap(root.lets, body);
    root.lets.length = 0;
    root.keys.forEach((k) => this.known.delete(k));
    root.keys.length = 0;
    return inlineSingleUse(wrapped);
  }

  private bind(value: KExpr, scope: number): Get {
    const id = this.nextId++;
    (this.scopes[scope] as Scope).lets.push({ id, value });
    return { k: 'get', id, dtype: value.dtype };
  }
}

/** `let` each binding (in order: later ones may read earlier ones) around `body`. */
function wrap(lets: readonly { readonly id: number; readonly value: KExpr }[], body: KExpr): KExpr {
  return lets.reduceRight<KExpr>((inner, l) => ({ k: 'let', ...l, body: inner, dtype: inner.dtype }), body);
}

/** How many times each binding is read. */
function countGets(e: KExpr, counts: Map<number, number>): void {
  switch (e.k) {
    case 'get':
      counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
      return;
    case 'const':
    case 'ref':
    case 'load':
      return;
    case 'op':
      e.args.forEach((a) => countGets(a, counts));
      return;
    case 'cast':
      countGets(e.arg, counts);
      return;
    case 'guard':
      countGets(e.then, counts);
      countGets(e.otherwise, counts);
      return;
    case 'bind':
    case 'let':
      countGets(e.value, counts);
      countGets(e.body, counts);
      return;
  }
}

/**
 * `e` with every binding read at most once replaced by its value at its use,
 * and the bindings kept numbered t0, t1, … in order.
 */
export function inlineSingleUse(e: KExpr): KExpr {
  const counts = new Map<number, number>();
  countGets(e, counts);
  const inlined = new Map<number, KExpr>();
  let kept = 0;
  const go = (x: KExpr): KExpr => {
    switch (x.k) {
      case 'get':
        return inlined.get(x.id) ?? x;
      case 'const':
      case 'ref':
      case 'load':
        return x;
      case 'op':
        return { ...x, args: x.args.map(go) };
      case 'cast':
        return { ...x, arg: go(x.arg) };
      case 'guard':
        return { ...x, then: go(x.then), otherwise: go(x.otherwise) };
      case 'bind':
        return { ...x, value: go(x.value), body: go(x.body) };
      case 'let': {
        const value = go(x.value);
        if ((counts.get(x.id) ?? 0) <= 1) {
          inlined.set(x.id, value);
          return go(x.body);
        }
        const id = kept++;
        inlined.set(x.id, { k: 'get', id, dtype: value.dtype });
        return { ...x, id, value, body: go(x.body) } satisfies Let;
      }
    }
  };
  return go(e);
}
