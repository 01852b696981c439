/**
 * When a benchmark cell's median says more about the machine than the code:
 * shared by the per-engine tables (their † mark) and the goals table.
 */
import type { CellResult } from '../report.js';

/**
 * A median over this multiple of the cell's fastest sample marks the cell:
 * other work held the cores while it ran. Session 7's quiet run had Node 24's
 * W2, W3 and W5 at 1.5-1.8x their fastest samples for all three competitors
 * (on a quiet engine: 1.02-1.06x) and read as a 2x regression.
 */
export const NOISY_MEDIAN_OVER_MIN = 1.25;

/** Whether a measured cell's median is over NOISY_MEDIAN_OVER_MIN times its fastest sample. */
export function isNoisyCell(cell: CellResult): boolean {
  return cell.error === undefined && cell.medianMs > NOISY_MEDIAN_OVER_MIN * cell.minMs;
}
