/**
 * Builds dist/ (npm run build's tsc) at most once across concurrently running
 * test files: a directory lock serializes builders, and a stamp newer than
 * every file in src/ lets later callers skip the build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STAMP = join(ROOT, 'dist', '.build-stamp');
const LOCK = join(ROOT, 'node_modules', '.cache', 'tensorwasm-build.lock');
const STALE_LOCK_MS = 120_000;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function fresh(required: readonly string[]): boolean {
  if (!existsSync(STAMP) || !required.every((f) => existsSync(join(ROOT, f)))) return false;
  return statSync(STAMP).mtimeMs >= newestMtime(join(ROOT, 'src'));
}

async function acquireLock(): Promise<void> {
  mkdirSync(join(LOCK, '..'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch {
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS)
        rmSync(LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * Makes sure dist/ holds a build of the current src/ with the `required`
 * files (paths from the root). tsc's type errors elsewhere do not stop its
 * output; a missing required file does.
 */
export async function ensureBuilt(required: readonly string[]): Promise<void> {
  if (fresh(required)) return;
  await acquireLock();
  try {
    if (fresh(required)) return;
    const started = Date.now();
    let log = '';
    try {
      execFileSync(
        process.execPath,
        [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
        {
          cwd: ROOT,
          encoding: 'utf8',
        },
      );
    } catch (error) {
      log = String((error as { stdout?: string }).stdout ?? error);
    }
    const missing = required.filter(
      (f) => !existsSync(join(ROOT, f)) || statSync(join(ROOT, f)).mtimeMs < started - 1000,
    );
    if (missing.length > 0) throw new Error(`npm run build did not produce ${missing.join(', ')}:\n${log}`);
    writeFileSync(STAMP, new Date().toISOString());
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
