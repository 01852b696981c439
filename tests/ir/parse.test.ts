/** The text IR parser: round trips (fixed and random graphs), hand-written text, and typed errors naming the line. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Graph, ParseError } from '../../src/index.js';
import { parseGraph } from '../../src/ir/parse.js';
import { verifyGraph } from '../../src/ir/verify.js';
import { expectError } from './helpers.js';
import { buildProgram, programArbitrary } from './random-graph.js';

const roundTrip = (g: Graph): void => {
  const text = g.toString();
  const again = parseGraph(text);
  expect(again.toString()).toBe(text);
  verifyGraph(again.outputs, again.leaves, 'parse');
};

describe('parseGraph round trips', () => {
  it('keeps unused inputs and params, outputs of leaves, and shared nodes', () => {
    const g = new Graph();
    const x = g.input('x', [3]);
    g.param('unused.w:1-b', [0, 2], 'bool');
    g.output('same', x);
    g.output('twice', x.add(1));
    g.output('again', x.add(1));
    roundTrip(g);
  });

  it('keeps constant bits: nan, inf, -0, f32 rounding, and base64 data of every dtype', () => {
    const g = new Graph();
    const big = new Float32Array(100).map((_, k) => (k % 7 === 0 ? NaN : Math.sin(k) * 1e6));
    g.output(
      'f',
      g
        .constant(big, [10, 10])
        .sum(0)
        .add(g.constant([NaN, -0, 0, Infinity, -Infinity, 0.1, 3e38, 1e-45, 1, 2])),
    );
    g.output('i', g.constant(new Int32Array(80).map((_, k) => (k - 40) * 53687091)).max());
    g.output('b', g.constant(new Uint8Array(90).map((_, k) => (k % 3) & 1)).or(g.constant(true)));
    g.output('s', g.constant(-2147483648, [], 'i32').add(g.constant(new Int32Array(0))));
    roundTrip(g);
    const parsed = parseGraph(g.toString()).nodes.find((n) => n.op === 'constant' && n.shape.length === 2);
    expect(parsed?.op === 'constant' && Array.from(parsed.attrs.data)).toEqual(Array.from(big));
  });

  it('reads hand-written text with blank lines, spaces and CRLF, and re-checks every node', () => {
    const text =
      '\n  %x = input( ) :  f32[ 2 , 3 ]\r\n\r\n%a = constant( [1,2,3] ) : f32[3]\n%b=add(%x,%a):f32[2,3]\n\toutput  y = %b\n';
    const g = parseGraph(text);
    expect(g.toString()).toBe(
      '%x = input() : f32[2,3]\n%0 = constant([1, 2, 3]) : f32[3]\n%1 = add(%x, %0) : f32[2,3]\noutput y = %1\n',
    );
    expect(parseGraph('').toString()).toBe('\n');
  });

  it('random graphs from random op sequences round-trip (fixed seed; fast-check prints the seed on failure)', () => {
    let built = 0;
    fc.assert(
      fc.property(programArbitrary, (program) => {
        const g = buildProgram(program);
        built += g.nodes.length;
        verifyGraph(g.outputs, g.leaves, 'build');
        roundTrip(g);
      }),
      { seed: 20250611, numRuns: 200 },
    );
    expect(built).toBeGreaterThan(200 * 4);
  });
});

describe('parseGraph errors name the line and what was expected', () => {
  const parseError = (text: string, message: string): ParseError =>
    expectError(() => parseGraph(text), ParseError, 'E_PARSE', message);
  const X = '%x = input() : f32[2,3]\n';

  it.each([
    [
      'hello',
      'parseGraph: line 1, column 1: expected "%name = op(…) : type" or "output name = %value" (got "hello")',
    ],
    [`${X}%0 = add(%x %x) : f32[2,3]`, 'parseGraph: line 2, column 13: expected ")" (got "%x) : f32[2,3]")'],
    [`${X}%0 = add(%x, %x)`, 'parseGraph: line 2, column 17: expected ":" (got end of line)'],
    [
      `${X}%0 = add(%x, %x) : f32[2,3] extra`,
      'parseGraph: line 2, column 29: expected end of line (got "extra")',
    ],
    [
      '%x = input() : f64[2]',
      'parseGraph: line 1, column 19: expected a dtype (f32, i32 or bool) (got "[2]")',
    ],
    ['%x = = input() : f32[2]', 'parseGraph: line 1, column 6: expected an op name such as add or matmul'],
    ['x = input() : f32[2]', 'parseGraph: line 1, column 1: expected "%name'],
    [
      `${X}%0 = sum(%x) {axes=[1], keepdims=} : f32[2]`,
      'parseGraph: line 2, column 34: expected an attribute value',
    ],
    [`${X}%0 = sum(%x) {axes=[1] keepdims=false} : f32[2]`, 'parseGraph: line 2, column 24: expected "}"'],
    [
      '%0 = constant([1, 2) : f32[2]',
      'parseGraph: line 1, column 20: expected "," or "]" (got ") : f32[2]")',
    ],
  ])('syntax: %j', (text, message) => {
    const err = parseError(text, message);
    expect(err.details.line).toBe(text.split('\n').length);
  });

  it.each([
    ['%x = inputs() : f32[2]', 'parseGraph: line 1: unknown op "inputs"'],
    [
      `${X}%0 = add(%x, %y) : f32[2,3]`,
      'parseGraph: line 2: unknown value %y (values must be defined before use)',
    ],
    [`${X}%x = input() : f32[2]`, 'parseGraph: line 2: %x is defined twice'],
    [`${X}%0 = add(%x, %x) : f32[3,2]`, 'parseGraph: line 2: add gives f32[2,3] but the text says f32[3,2]'],
    [`${X}%0 = add(%x, %x) : i32[2,3]`, 'parseGraph: line 2: add gives f32[2,3] but the text says i32[2,3]'],
    [`${X}output y = %z`, 'parseGraph: line 2: unknown value %z'],
    [`${X}%0 = sum(%x) {axes=[1]} : f32[2]`, 'parseGraph: line 2: sum: missing attribute keepdims'],
    [
      `${X}%0 = sum(%x) {axes=[1], keepdims=false, k=1} : f32[2]`,
      'parseGraph: line 2: sum: unexpected attribute k',
    ],
    [
      `${X}%0 = sum(%x) {axes=[1, 0], keepdims=false} : f32[]`,
      'parseGraph: line 2: sum: attribute axes must be sorted, distinct, non-negative axes (got [1,0])',
    ],
    [
      `${X}%0 = sum(%x) {axes=[1], axes=[1]} : f32[2]`,
      'parseGraph: line 2: sum: attribute axes is given twice',
    ],
    [
      `${X}%0 = cast(%x) {to=f64} : f32[2,3]`,
      'parseGraph: line 2: cast: attribute to must be a dtype (f32, i32 or bool) (got "f64")',
    ],
    [
      `${X}%0 = argmax(%x) {axis=0.5, keepdims=false} : i32[3]`,
      'parseGraph: line 2: argmax: attribute axis must be integers (got 0.5)',
    ],
    [
      `${X}%0 = slice(%x) {axes=[[0, 1]]} : f32[2,3]`,
      'parseGraph: line 2: slice: attribute axes must be a list of 3-element lists',
    ],
    [`${X}%0 = relu(%x) {alpha=1} : f32[2,3]`, 'parseGraph: line 2: relu: unexpected attribute alpha'],
    ['%0 = constant([1, 2]) : f32[3]', 'parseGraph: line 1: constant: 2 values for f32[3] (expected 3)'],
    [
      '%0 = constant([1, 2.5]) : i32[2]',
      'parseGraph: line 1: constant: element 1 (2.5) is not a valid i32 value',
    ],
    ['%0 = constant(2) : bool[]', 'parseGraph: line 1: constant: element 0 (2) is not a valid bool value'],
    [
      '%0 = constant(b64:AAAA) : f32[2]',
      'parseGraph: line 1: constant: 3 bytes of data for f32[2] (expected 8)',
    ],
    [
      '%0 = constant(b64:AgE=) : bool[2]',
      'parseGraph: line 1: constant: element 0 is not a valid bool (expected 0 or 1)',
    ],
    ['%0 = constant(b64:A===) : f32[1]', 'parseGraph: line 1: constant: invalid base64 data'],
  ])('structure: %j', (text, message) => {
    parseError(text, message);
  });

  it('wraps the rule an op breaks, keeping its code in details.causeCode', () => {
    const cases: [string, string, string][] = [
      [
        `${X}%0 = matmul(%x, %x) : f32[2,2]`,
        'parseGraph: line 2: matmul: inner dimensions differ: [2,3] @ [2,3] (3 != 2)',
        'E_SHAPE',
      ],
      [`${X}%0 = not(%x) : bool[2,3]`, 'parseGraph: line 2: not: operand must be bool (got f32)', 'E_DTYPE'],
      [`${X}output x = %x`, 'parseGraph: line 2: output: the name "x" is already used', 'E_GRAPH'],
      [
        '%x = input() : f32[2,-3]',
        'parseGraph: line 1: type: every dimension must be a non-negative integer (got -3 in [2,-3])',
        'E_SHAPE',
      ],
      [
        `${X}%0 = reshape(%x) {shape=[-1, -6]} : f32[6]`,
        'parseGraph: line 2: shape: every dimension must be a non-negative integer',
        'E_SHAPE',
      ],
      ['%2x = input() : f32[1]', 'parseGraph: line 1: input: invalid name "2x"', 'E_GRAPH'],
    ];
    for (const [text, message, cause] of cases)
      expect(parseError(text, message).details.causeCode).toBe(cause);
  });

  it('refuses a non-string', () => {
    parseError(42 as unknown as string, 'parseGraph: expected the text IR as a string (got number)');
  });
});
