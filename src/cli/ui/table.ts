/**
 * A plain text table whose column widths ignore ANSI colour codes.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Visible width of a string (without colour codes).
 */
export function visibleWidth(s: string): number {
  return s.replace(ANSI, "").length;
}

/**
 * Renders rows as aligned columns separated by two spaces. The last column is
 * not padded, so long text does not create trailing spaces.
 */
export function renderTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visibleWidth(cell));
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          i === row.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - visibleWidth(cell)),
        )
        .join("  "),
    )
    .join("\n");
}
