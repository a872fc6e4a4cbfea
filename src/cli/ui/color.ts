/**
 * Colours for one output stream, following the NO_COLOR and FORCE_COLOR
 * conventions: FORCE_COLOR (other than "0"/"false") turns colour on,
 * NO_COLOR (any non-empty value) turns it off, otherwise colour is used only
 * when the stream is a terminal.
 */

import pc from "picocolors";

/**
 * The picocolors palette type.
 */
export type Colors = ReturnType<typeof pc.createColors>;

/**
 * Whether colour should be used on `stream` given `env`.
 */
export function colorEnabled(
  stream: { isTTY?: boolean },
  env: Record<string, string | undefined> = process.env,
): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "0" && force.toLowerCase() !== "false") return true;
  if (force !== undefined) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

/**
 * A palette for `stream`: real colours or identity functions.
 */
export function colorsFor(stream: { isTTY?: boolean }): Colors {
  return pc.createColors(colorEnabled(stream));
}
