/**
 * The HTML report's stylesheet, inlined into the page (the report loads no
 * external assets): a readable single column, tables with right-aligned
 * numbers, collapsible monospace blocks.
 */

/** CSS for render-report.ts's markup. */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #1d1f23; --muted: #5f6672; --line: #dde1e6; --bg: #ffffff; --panel: #f6f8fa; --accent: #4b3fa8; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 64px; }
header h1 { font-size: 22px; margin: 0 0 4px; }
header p { margin: 0 0 16px; color: var(--muted); }
nav { position: sticky; top: 0; background: rgba(255,255,255,0.95); border-bottom: 1px solid var(--line); padding: 8px 28px; z-index: 1; }
nav a { color: var(--accent); text-decoration: none; margin-right: 18px; font-weight: 500; }
h2 { font-size: 17px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 18px 0 6px; color: var(--muted); font-weight: 600; }
.facts { display: flex; flex-wrap: wrap; gap: 10px; margin: 0; padding: 0; list-style: none; }
.facts li { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 130px; }
.facts b { display: block; font-size: 17px; }
.facts span { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td code { font-size: 12px; }
td.nowrap { white-space: nowrap; }
.covers { color: var(--muted); font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; border: 1px solid; vertical-align: baseline; }
.bar { display: inline-block; height: 9px; background: #8f83d8; border-radius: 2px; vertical-align: middle; }
.chart { overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px; }
.chart svg { display: block; max-width: 100%; height: auto; }
details { margin: 8px 0; border: 1px solid var(--line); border-radius: 8px; background: var(--panel); }
summary { cursor: pointer; padding: 8px 12px; font-weight: 600; }
pre { margin: 0; padding: 10px 14px; overflow: auto; max-height: 560px; background: #fff; border-top: 1px solid var(--line); border-radius: 0 0 8px 8px; font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; }
.note { color: var(--muted); font-size: 12px; }
`;
