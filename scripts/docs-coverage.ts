/**
 * Checks that no fact of an older README was lost when it was split into
 * guides: every paragraph, list item, table row and code block of the README
 * at a git revision must appear (whitespace and link targets ignored) in the
 * current README.md or a Markdown file under docs/.
 *
 * Usage: node scripts/docs-coverage.ts [rev]   (default: 158e46f, the last
 * commit with the single 2,182-line README). Prints each missing unit and
 * exits 1 if any. Headings are reported apart: a guide may retitle a section.
 *
 * Why a script and not a test: the guides keep changing after the move (each
 * is rewritten where it grows), so the check is meaningful once, at the move.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const rev = process.argv[2] ?? "158e46f";

/** The units of a Markdown text: fenced blocks whole, headings, list items, table rows, paragraphs. */
export function units(markdown: string): { kind: "heading" | "text"; text: string }[] {
  const out: { kind: "heading" | "text"; text: string }[] = [];
  const lines = markdown.split("\n");
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) out.push({ kind: "text", text: paragraph.join(" ") });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (/^\s*```/.test(line)) {
      flush();
      // A fenced block: each non-empty line is a unit (guides may split a block in two).
      for (i++; i < lines.length && !/^\s*```/.test(lines[i] ?? ""); i++) {
        if ((lines[i] ?? "").trim() !== "") out.push({ kind: "text", text: lines[i] ?? "" });
      }
    } else if (/^#{1,6} /.test(line)) {
      flush();
      out.push({ kind: "heading", text: line.replace(/^#+ /, "") });
    } else if (/^\s*\|/.test(line)) {
      flush();
      if (!/^\s*\|[\s|:-]+\|\s*$/.test(line)) out.push({ kind: "text", text: line });
    } else if (/^\s*([-*]|\d+\.) /.test(line)) {
      flush();
      paragraph.push(line.replace(/^\s*([-*]|\d+\.) /, ""));
    } else if (line.trim() === "") {
      flush();
    } else {
      paragraph.push(line);
    }
  }
  flush();
  return out;
}

/** Whitespace collapsed, link targets and emphasis dropped: a moved guide rewrites its links. */
export function normalise(text: string): string {
  return text
    .replace(/\]\([^)]*\)/g, "]")
    .replace(/[*_]{1,2}(?=\S)|(?<=\S)[*_]{1,2}/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith(".md") ? [path] : [];
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const old = execFileSync("git", ["show", `${rev}:README.md`], { cwd: root, encoding: "utf8" });
  const now = [join(root, "README.md"), ...markdownFiles(join(root, "docs"))]
    .map((file) => normalise(readFileSync(file, "utf8").split("\n").join(" ")))
    .join("\n");
  const nowUnits = new Set(
    [join(root, "README.md"), ...markdownFiles(join(root, "docs"))].flatMap((file) =>
      units(readFileSync(file, "utf8")).map((unit) => normalise(unit.text)),
    ),
  );
  let missing = 0;
  for (const unit of units(old)) {
    const text = normalise(unit.text);
    if (text === "" || nowUnits.has(text) || now.includes(text)) continue;
    if (unit.kind === "heading") {
      console.log(`heading not found (retitled?): ${unit.text}`);
      continue;
    }
    missing++;
    console.log(`MISSING: ${unit.text.slice(0, 200)}`);
  }
  console.log(`${missing} unit(s) of ${rev}:README.md missing from README.md + docs/`);
  process.exitCode = missing > 0 ? 1 : 0;
}
