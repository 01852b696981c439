import { loadMiniMalloc } from './planner-lib.js';
import { makeProblem } from '../src/planner/conflicts.js';
import { sweepSections } from '../src/planner/sections.js';
for (const inst of loadMiniMalloc('/work/shared/data/minimalloc')) {
  const p = makeProblem(inst.buffers, 16);
  const members = Array.from({ length: p.n }, (_, i) => i);
  const sec = sweepSections(p, members);
  let span = 0; for (let k = 0; k < p.n; k++) span += sec.end[k]! - sec.start[k]!;
  console.log(inst.name, p.n, 'sections', sec.count, 'avg span', (span / p.n).toFixed(1), 'avg deg', (p.adj!.length / p.n).toFixed(1), 'avg members', (span / sec.count).toFixed(1));
}
