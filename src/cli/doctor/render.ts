/**
 * The doctor's human-readable report: one block per checklist item, each
 * result with its evidence and fix.
 */

import type { Colors } from "../ui/color.js";
import type { ItemReport } from "./run.js";
import type { Status } from "./types.js";

const LABEL: Record<Status, string> = {
  pass: "PASS",
  warn: "WARN",
  fail: "FAIL",
  manual: "MANUAL",
};

function paint(c: Colors, s: Status, text: string): string {
  return s === "pass"
    ? c.green(text)
    : s === "warn"
      ? c.yellow(text)
      : s === "fail"
        ? c.red(text)
        : c.cyan(text);
}

function wrap(text: string, width: number, indent: string): string {
  const words = text.split(" ");
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join(`\n${indent}`);
}

/**
 * Renders the report.
 */
export function renderDoctor(
  items: readonly ItemReport[],
  o: { dir: string; config?: string; strict: boolean; colors: Colors; width?: number },
): string {
  const c = o.colors;
  const width = Math.max(60, Math.min(o.width ?? 100, 120));
  const out: string[] = [];
  out.push(
    `${c.bold("secrets doctor")} ${o.dir}  ${c.dim(`config: ${o.config ?? "none (defaults)"}`)}`,
  );
  out.push("");
  for (const item of items) {
    const num = String(item.item).padStart(2);
    out.push(`${c.bold(`${num}. ${item.title}`)}  ${paint(c, item.status, LABEL[item.status])}`);
    for (const r of item.results) {
      const tag = paint(c, r.status, LABEL[r.status].toLowerCase().padEnd(6));
      out.push(`    ${tag}  ${wrap(r.evidence, width - 12, " ".repeat(12))}`);
      if (r.fix && r.status !== "pass")
        out.push(`            ${c.dim(`fix: ${wrap(r.fix, width - 19, " ".repeat(17))}`)}`);
    }
  }
  const s = { pass: 0, warn: 0, fail: 0, manual: 0 };
  for (const i of items) s[i.status]++;
  const failing = s.fail > 0 || (o.strict && s.warn > 0);
  out.push("");
  out.push(
    `${c.bold("Summary")}: ${c.green(`${s.pass} pass`)}, ${c.yellow(`${s.warn} warn`)}, ${c.red(`${s.fail} fail`)}, ${c.cyan(`${s.manual} manual`)}${o.strict ? " (--strict: warnings fail)" : ""} -> ${failing ? c.red("exit 1") : c.green("exit 0")}`,
  );
  out.push(c.dim("manual = not verifiable from here: follow the fix to check it yourself."));
  return `${out.join("\n")}\n`;
}
