/**
 * Reads what the browser example page (examples/browser) computed: it loads a
 * module, runs it, and leaves its outputs (or its error) on `window`.
 */
import type { Page } from 'playwright-core';

/** Opens `url` and returns the page's outputs as bytes per name, or its error text. */
export async function openExamplePage(
  page: Page,
  url: string,
  timeoutMs: number,
): Promise<Record<string, number[]> | string> {
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.status !== 'loading', undefined, {
    timeout: timeoutMs,
  });
  return page.evaluate(() => {
    const w = window as unknown as {
      tensorwasmResult?: Record<string, ArrayBufferView>;
      tensorwasmError?: string;
    };
    if (w.tensorwasmError !== undefined) return w.tensorwasmError;
    return Object.fromEntries(
      Object.entries(w.tensorwasmResult ?? {}).map(([k, v]) => [
        k,
        Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)),
      ]),
    );
  });
}
