import { loadMiniMalloc } from './planner-lib.js';
import { makeProblem } from '../src/planner/conflicts.js';
import { searchFit } from '../src/planner/search-exact.js';
import type { SearchHeuristic } from '../src/planner/search-exact.js';
import { independentGroups } from '../src/planner/optimize.js';
const names = (process.argv[2] ?? 'H,I').split(',');
const limit = Number(process.argv[3] ?? 2e6);
const heur = (process.argv[4] ?? 'WAT,TAW,TWA').split(',') as SearchHeuristic[];
const cap = Number(process.argv[5] ?? 1048576);
for (const inst of loadMiniMalloc('/work/shared/data/minimalloc')) {
  const name = inst.name.replace('minimalloc-', '');
  if (!names.includes(name)) continue;
  const p = makeProblem(inst.buffers, 16);
  const groups = independentGroups(p);
  for (const h of heur) {
    const t0 = performance.now();
    let nodes = 0; let st = '';
    for (const g of groups) {
      const o = searchFit(p, g, cap, { heuristic: h, nodeLimit: limit, deadline: Infinity });
      nodes += o.nodes; st += o.status[0];
    }
    const ms = performance.now() - t0;
    console.log(name, h, 'groups', groups.length, st, nodes, ms.toFixed(0) + 'ms', (nodes / ms).toFixed(0) + ' n/ms');
  }
}
