/** Reads one row of a rendered markdown table, for the report renderers' tests. */

/** The table row starting with `| label |` in `text`, split into its trimmed cells. */
export function row(text: string, label: string): string[] {
  const line = text.split('\n').find((l) => l.startsWith(`| ${label} |`));
  if (line === undefined) throw new Error(`no row ${label} in\n${text}`);
  return line
    .slice(2, -2)
    .split(' | ')
    .map((c) => c.trim());
}
