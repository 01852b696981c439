import { Graph, compile } from '../src/index.js';
const g = new Graph();
g.output('y', g.input('x', [1024, 1024]).softmax(-1));
const m = await compile(g);
console.log(m.ir('fused'));
console.log(m.kernels.map((k) => `${k.name} ${k.vectorMode}`).join('\n'));
const x = m.view('x'); for (let i = 0; i < x.length; i++) x[i] = Math.sin(i);
for (let r = 0; r < 3; r++) { const t = performance.now(); for (let i = 0; i < 10; i++) m.execute(); console.log(((performance.now() - t) / 10).toFixed(2), 'ms'); }
const w = await m.wat(); console.log(w.length, 'chars'); console.log(w.split('\n').filter(l => l.includes('call') || l.includes('f32x4.')).length);
