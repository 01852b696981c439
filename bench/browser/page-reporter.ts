/**
 * A benchmark page's Reporter: progress goes to console.debug (the driver
 * shows it as a status line), result lines to console.log.
 */
import type { Reporter } from '../measure.js';

/** A reporter that prints progress at most every 2 s unless forced. */
export function consoleReporter(): Reporter {
  let lastProgress = 0;
  return {
    progress: (text, force = false) => {
      if (force || performance.now() - lastProgress > 2000) {
        console.debug(text);
        lastProgress = performance.now();
      }
    },
    print: (line) => console.log(line),
  };
}
