/**
 * Loads a user's graph file for `tensorwasm build` (a .onnx file is imported
 * with fromOnnx, see onnx-flags.ts): a .ts file is bundled with
 * esbuild (loaded only then) and run by plain Node — never under tsx, which
 * makes importing Binaryen take 11-27 s — with `tensorwasm` resolved to this
 * CLI's own copy, so the file's Graph is this compiler's Graph.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Graph } from '../ir/graph.js';
import { hasOnnxFlags, loadOnnx, type OnnxFlags } from './onnx-flags.js';
import { UsageError } from './usage-error.js';

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

/** This installation's entry points, which the user's `import 'tensorwasm'` must reach. */
const OWN_ENTRIES: Readonly<Record<string, string>> = {
  tensorwasm: fileURLToPath(new URL('../index.js', import.meta.url)),
  'tensorwasm/runtime': fileURLToPath(new URL('../runtime/index.js', import.meta.url)),
};

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const line = error.message.split('\n')[0] ?? '';
  return error.name === 'Error' ? line : `${error.name}: ${line}`;
}

/** Bundles a TypeScript graph file into a temporary .mjs and returns its path. */
async function bundleTs(file: string, outDir: string): Promise<string> {
  const esbuild = await import('esbuild');
  const outfile = join(outDir, 'graph.mjs');
  try {
    await esbuild.build({
      entryPoints: [file],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'inline',
      logLevel: 'silent',
      plugins: [
        {
          name: 'tensorwasm-self',
          setup(build) {
            build.onResolve({ filter: /^tensorwasm(\/runtime)?$/ }, (args) => ({
              path: pathToFileURL(OWN_ENTRIES[args.path] ?? '').href,
              external: true,
            }));
          },
        },
      ],
    });
  } catch (error) {
    const failure = error as {
      errors?: { text: string; location?: { file: string; line: number } | null }[];
    };
    const first = failure.errors?.[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : '';
    throw new UsageError(`build: cannot compile ${file}: ${first?.text ?? errorText(error)}${where}`);
  }
  return outfile;
}

/** What a graph file's default export gives: a Graph, or a (possibly async) function returning one. */
async function graphFrom(exported: unknown, file: string): Promise<Graph> {
  const value: unknown = typeof exported === 'function' ? await (exported as () => unknown)() : exported;
  if (value instanceof Graph) return value;
  const name =
    typeof value === 'object' && value !== null
      ? (value as { constructor?: { name?: string } }).constructor?.name
      : undefined;
  if (name === 'Graph') {
    throw new UsageError(
      `build: ${file} exports a Graph from another copy of tensorwasm; import 'tensorwasm' from the installation that runs the CLI`,
    );
  }
  throw new UsageError(
    `build: ${file} must default-export a Graph or a function returning one (got ${name ?? typeof value})`,
  );
}

/**
 * The Graph a file default-exports (or returns from its default-exported
 * function). Errors in the file are UsageErrors naming it.
 */
export async function loadGraph(path: string, onnx: OnnxFlags = {}, command = 'build'): Promise<Graph> {
  if (extname(path).toLowerCase() === '.onnx') return loadOnnx(command, path, onnx);
  if (hasOnnxFlags(onnx))
    throw new UsageError(`${command}: --shape, --value and --weights apply to .onnx files`);
  const file = resolve(path);
  if (!existsSync(file)) throw new UsageError(`build: no such file: ${path}`);
  const outDir = mkdtempSync(join(tmpdir(), 'tensorwasm-build-'));
  try {
    const entry = TS_EXTENSIONS.has(extname(file)) ? await bundleTs(file, outDir) : file;
    let module: { default?: unknown };
    try {
      module = (await import(pathToFileURL(entry).href)) as { default?: unknown };
    } catch (error) {
      throw new UsageError(`build: ${path} failed to load: ${errorText(error)}`);
    }
    try {
      return await graphFrom(module.default, path);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`build: ${path}: ${errorText(error)}`);
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
