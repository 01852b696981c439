/**
 * Cuts one function out of a module's WebAssembly text: the balanced
 * `(func $name …)` form, found by scanning parentheses while skipping strings
 * and comments, so data segments or names with parentheses cannot confuse it.
 */

/** Index just past the form that opens at `start` (a `(`), or -1 if it never closes. */
function formEnd(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    } else if (c === ';' && text[i + 1] === ';') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '(' && text[i + 1] === ';') {
      const close = text.indexOf(';)', i + 2);
      i = close < 0 ? text.length : close + 1;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

/**
 * The text of function `$name` in a module's WAT, or undefined when the
 * module has no such function.
 *
 * @example
 * extractFunction(await model.wat(), 'k0_add') // '(func $k0_add\n ...)'
 */
export function extractFunction(wat: string, name: string): string | undefined {
  const head = `(func $${name}`;
  let at = wat.indexOf(head);
  while (at >= 0) {
    const next = wat[at + head.length];
    const lineStart = wat.lastIndexOf('\n', at) + 1;
    const indent = wat.slice(lineStart, at);
    // a definition starts its line; `(export "k" (func $k))` does not
    if ((next === undefined || /[\s()]/.test(next)) && /^[ \t]*$/.test(indent)) {
      const end = formEnd(wat, at);
      if (end < 0) return undefined;
      // re-indent: Binaryen nests functions one space inside `(module`
      return wat.slice(at, end).split(`\n${indent}`).join('\n') + '\n';
    }
    at = wat.indexOf(head, at + 1);
  }
  return undefined;
}
