#!/bin/bash
# Fresh processes of bench/probes/w3-ab.ts, alternating engines, one JSON line each, then the
# medians and ranges of each module set's CPU ms and ratios per engine.
#   bench/probes/w3-ab.sh "/usr/bin/node /work/engines/22.23.5/package/bin/node" /tmp/base,/tmp/new [processes] [rounds]
engines=$1; dirs=$2; procs=${3:-5}; rounds=${4:-25}
for i in $(seq "$procs"); do
  for n in $engines; do "$n" scripts/run-ts.mjs bench/probes/w3-ab.ts "$dirs" "$rounds"; done
done | node -e '
const lines = require("fs").readFileSync(0, "utf8").trim().split("\n").map((l) => JSON.parse(l));
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
const by = {};
for (const l of lines) (by[l.node] ??= []).push(l);
for (const [node, ls] of Object.entries(by)) {
  const loads = ls.flatMap((l) => l.load);
  console.log(`node ${node}: ${ls.length} processes, load ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`);
  for (const key of Object.keys(ls[0]).filter((k) => k !== "node" && k !== "load")) {
    const f = (k) => { const v = ls.map((l) => l[key][k]); return `${med(v).toFixed(3)} [${Math.min(...v).toFixed(3)}-${Math.max(...v).toFixed(3)}]`; };
    console.log(`  ${key.padEnd(24)} cpu ${f("cpu")}  tfjs/this ${f("tfjsOver")}  this/first ${f("overFirst")}`);
  }
}'
