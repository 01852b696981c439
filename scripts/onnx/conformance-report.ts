/**
 * Runs every suite of ONNX's backend tests and writes the results into
 * docs/onnx.md between its generated markers: the supported ops with their
 * opsets, per suite the counts, and per op the tests that pass, are refused
 * (with the reason) or disagree.
 */
import { join } from 'node:path';
import { OPS } from '../../src/onnx/ops/index.js';
import { listCases, runCase, type Outcome, type TestResult } from './conformance-lib.js';

/** The suites in the order the report lists them. */
export const SUITES = ['node', 'pytorch-converted', 'pytorch-operator', 'simple', 'light'] as const;

/** The newest opset the test data uses (ONNX 1.23 in development). */
export const NEWEST_OPSET = 28;

export interface SuiteResults {
  readonly suite: string;
  readonly results: readonly TestResult[];
}

/** Runs one suite, reporting progress through `progress`. */
export async function runSuite(
  dataDir: string,
  suite: string,
  progress: (done: number, total: number) => void = () => {},
): Promise<SuiteResults> {
  const dir = join(dataDir, suite);
  const cases = listCases(dir);
  const results: TestResult[] = [];
  for (const entry of cases) {
    results.push(await runCase(dir, entry));
    progress(results.length, cases.length);
  }
  return { suite, results };
}

function snake(op: string): string {
  return op
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** The op a test is about: the longest op of its model whose snake_case name starts the test's name. */
export function opUnderTest(result: TestResult): string {
  const name = result.name.replace(/^test_/, '');
  const candidates = [...result.ops].sort((a, b) => snake(b).length - snake(a).length);
  return candidates.find((op) => name.startsWith(snake(op))) ?? result.ops[0] ?? '(none)';
}

function count(results: readonly TestResult[], outcome: Outcome): number {
  return results.filter((r) => r.outcome === outcome).length;
}

function short(detail: string): string {
  return detail
    .replace(/\. Fix it with.*$/, '')
    .replace(/\|/g, '\\|')
    .slice(0, 160);
}

function supportedOps(): string {
  const rows = Object.entries(OPS)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, entry]) => `| ${op} | ${entry.since}–${NEWEST_OPSET} |`);
  return ['| op | opsets |', '|---|---|', ...rows].join('\n');
}

function suiteTable(all: readonly SuiteResults[]): string {
  const rows = all.map(({ suite, results }) => {
    const viaValues = results.filter((r) => r.outcome === 'pass' && r.viaValues).length;
    return `| ${suite} | ${results.length} | ${count(results, 'pass')} (${viaValues} through \`values\`) | ${count(results, 'refused')} | ${count(results, 'wrong')} | ${count(results, 'error')} |`;
  });
  return [
    '| suite | tests | pass | refused | WRONG | failed |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

function perOp(results: readonly TestResult[]): string {
  const byOp = new Map<string, TestResult[]>();
  for (const r of results) {
    const op = opUnderTest(r);
    byOp.set(op, [...(byOp.get(op) ?? []), r]);
  }
  const ops = [...byOp.keys()].sort((a, b) => a.localeCompare(b));
  const table = [
    '| op | pass | refused | WRONG | failed |',
    '|---|---:|---:|---:|---:|',
    ...ops.map((op) => {
      const list = byOp.get(op) ?? [];
      return `| ${op} | ${count(list, 'pass')} | ${count(list, 'refused')} | ${count(list, 'wrong')} | ${count(list, 'error')} |`;
    }),
  ];
  const details = ops.map((op) => {
    const list = byOp.get(op) ?? [];
    const lines = [`#### ${op}`, ''];
    const passed = list.filter((r) => r.outcome === 'pass');
    if (passed.length > 0) {
      lines.push(`- pass: ${passed.map((r) => `${r.name}${r.viaValues ? ' (values)' : ''}`).join(', ')}`);
    }
    for (const outcome of ['wrong', 'error', 'refused'] as const) {
      for (const r of list.filter((x) => x.outcome === outcome)) {
        lines.push(`- ${outcome === 'wrong' ? 'WRONG' : outcome}: ${r.name}: ${short(r.detail)}`);
      }
    }
    return lines.join('\n');
  });
  return [...table, '', ...details].join('\n');
}

/** The generated part of docs/onnx.md. */
export function renderReport(all: readonly SuiteResults[]): string {
  const sections = [
    '### Supported ops',
    '',
    'Default domain (`ai.onnx`). Each entry imports nodes of the listed opsets; within them it follows',
    'the changes between opsets (attributes that became inputs, Softmax before 13, …).',
    '',
    supportedOps(),
    '',
    '### Results per suite',
    '',
    'pass: computes what ONNX says (rtol 1e-3, atol 1e-7, NaN == NaN, infinities, shapes and element',
    'types equal). refused: a typed `UnsupportedError` (or an `InputError` for a feed beyond int32).',
    'WRONG: a different answer. failed: any other error. "through `values`": refused at first because',
    'shape, axis or index values (or a float scales/roi input) are graph inputs, then run with those inputs given in `values`.',
    '',
    suiteTable(all),
  ];
  for (const { suite, results } of all) {
    sections.push('', `### ${suite}: per op`, '', perOp(results));
  }
  return sections.join('\n');
}

/** docs/onnx.md with the text between the markers replaced. */
export function spliceReport(doc: string, report: string): string {
  const start = '<!-- conformance:start -->';
  const end = '<!-- conformance:end -->';
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) return `${doc.trimEnd()}\n\n${start}\n${report}\n${end}\n`;
  return `${doc.slice(0, from + start.length)}\n${report}\n${doc.slice(to)}`;
}
