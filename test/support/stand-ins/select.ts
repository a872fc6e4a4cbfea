// Which stand-ins a test file needs. Rules (documented in test/support/stand-ins.ts):
//   test/integration/<name>/**            -> <name>
//   test/integration/smoke/<name>.test.ts -> <name>
//   a comment line "// @stand-ins: aws, vault" in the file's first 40 lines -> those
import { readFileSync } from "node:fs";
import { relative, sep } from "node:path";
import type { StandInName } from "../../../scripts/emulators/start.mjs";

export const NAMES: readonly StandInName[] = [
  "aws",
  "vault",
  "gcp",
  "azure",
  "toxiproxy",
  "redis",
  "postgres",
];
const isName = (s: string | undefined): s is StandInName =>
  s !== undefined && (NAMES as readonly string[]).includes(s);

export function standInsForFile(file: string, integrationDir: string): StandInName[] {
  const found = new Set<StandInName>();
  const parts = relative(integrationDir, file).split(sep);
  if (isName(parts[0])) found.add(parts[0]);
  if (parts[0] === "smoke" && parts.length === 2) {
    const base = parts[1]?.split(".")[0];
    if (isName(base)) found.add(base);
  }
  let head = "";
  try {
    head = readFileSync(file, "utf8").split("\n").slice(0, 40).join("\n");
  } catch {
    // unreadable file: vitest reports it
  }
  // Only a comment line of its own counts: `// @stand-ins: aws, vault` (or inside a /** */ block).
  for (const m of head.matchAll(
    /^\s*(?:\/\/|\/?\*+)\s*@stand-ins:\s*([a-z][a-z0-9 ,_-]*?)\s*(?:\*\/)?$/gm,
  )) {
    for (const n of (m[1] ?? "").split(/[\s,]+/)) {
      if (isName(n)) found.add(n);
      else if (n)
        throw new Error(
          `${file}: unknown stand-in "${n}" in @stand-ins (known: ${NAMES.join(", ")})`,
        );
    }
  }
  return [...found];
}

/** SECRETS_LOADER_STAND_INS=all | aws,vault forces a set regardless of the files. */
export function forcedStandIns(value: string | undefined): StandInName[] | undefined {
  if (!value) return undefined;
  if (value === "all") return [...NAMES];
  const list = value.split(/[\s,]+/).filter(Boolean);
  for (const n of list) {
    if (!isName(n))
      throw new Error(
        `SECRETS_LOADER_STAND_INS: unknown stand-in "${n}" (known: ${NAMES.join(", ")}, all)`,
      );
  }
  return list as StandInName[];
}
