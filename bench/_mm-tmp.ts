import { loadMiniMalloc } from '../bench/planner-lib.js';
import { makeProblem } from '../src/planner/conflicts.js';
import { searchFit } from '../src/planner/search-exact.js';
import { lowerBound } from '../src/planner/lower-bound.js';
import { independentGroups } from '../src/planner/optimize.js';
const only = process.argv[2];
const limitMs = Number(process.argv[3] ?? 10000);
for (const inst of loadMiniMalloc('/work/shared/data/minimalloc')) {
  if (only && !inst.name.endsWith(only)) continue;
  const p = makeProblem(inst.buffers, 16);
  const lb = lowerBound(inst.buffers, 16);
  const groups = independentGroups(p);
  const t0 = performance.now();
  const deadline = t0 + limitMs;
  let status = 'found'; let nodes = 0;
  for (const cap of [lb]) {
    for (const g of groups) {
      let res;
      outer: for (let nl = 2 * g.length; performance.now() < deadline; nl *= 2) {
        for (const h of ['WAT', 'TAW', 'TWA'] as const) {
          res = searchFit(p, g, cap, { heuristic: h, nodeLimit: nl, deadline });
          nodes += res.nodes;
          if (res.status !== 'timeout') break outer;
        }
      }
      if (!res || res.status !== 'found') { status = res?.status ?? 'timeout'; break; }
    }
  }
  console.log(inst.name, inst.buffers.length, 'groups', groups.length, lb, status, nodes, (performance.now() - t0).toFixed(0), 'ms');
}
