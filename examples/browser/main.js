// Loads a saved tensorwasm module with the runtime alone (dist/tensorwasm-runtime.js,
// built by `npm run build:browser-runtime`), runs it once and shows its outputs.
// ?model=NAME picks dist/NAME.wasm (default "model"); dist/NAME.inputs.json, when
// present, holds the inputs as { name: number[] }, else a fixed pattern fills them.
// ?threads=N|auto (default auto) runs on worker threads where the page is
// cross-origin isolated (serve.ts sends the COOP/COEP headers), else on one.
import { load } from './dist/tensorwasm-runtime.js';

const query = new URLSearchParams(location.search);
const name = query.get('model') ?? 'model';
const threads =
  query.get('threads') === null || query.get('threads') === 'auto' ? 'auto' : Number(query.get('threads'));
const status = document.getElementById('status');
const table = document.getElementById('outputs');

function pattern(info) {
  const size = info.shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: size }, (_, i) =>
    info.dtype === 'f32' ? Math.sin(i) : info.dtype === 'i32' ? i % 2 : i % 2,
  );
}

async function main() {
  const bytes = await (await fetch(`dist/${name}.wasm`)).arrayBuffer();
  const model = await load(bytes, { threads });
  const given = await fetch(`dist/${name}.inputs.json`);
  const values = given.ok ? await given.json() : {};
  const feeds = Object.fromEntries(model.inputs.map((i) => [i.name, values[i.name] ?? pattern(i)]));
  const start = performance.now();
  const outputs = model.run(feeds);
  const ms = performance.now() - start;
  for (const info of model.outputs) {
    const row = table.insertRow();
    row.insertCell().textContent = `${info.name} ${info.dtype}[${info.shape.join(',')}]`;
    const data = Array.from(outputs[info.name].slice(0, 8), (v) => +v.toPrecision(5));
    row.insertCell().textContent = data.join(', ') + (outputs[info.name].length > 8 ? ', …' : '');
  }
  const on = `${model.threads} thread${model.threads === 1 ? '' : 's'}`;
  status.textContent = `${name}.wasm: ${bytes.byteLength} bytes, run in ${ms.toFixed(2)} ms on ${on}`;
  window.tensorwasmResult = outputs;
  document.body.dataset.status = 'done';
}

main().catch((error) => {
  status.textContent = `error: ${error.message}`;
  // the stable code: a minified bundle renames the error classes
  window.tensorwasmError = `${error.code ?? error.name}: ${error.message}`;
  document.body.dataset.status = 'error';
});
