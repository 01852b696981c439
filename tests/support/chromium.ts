/**
 * Debian's headless Chromium for the browser tests, driven by playwright-core
 * (.ci/run installs it; a test without it skips with a warning).
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Why a browser test cannot run here ('' when Chromium is installed). */
export function chromiumMissing(): string {
  return existsSync(CHROMIUM) ? '' : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
}

/** Launches the headless browser (playwright-core is imported only here, on first use). */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
