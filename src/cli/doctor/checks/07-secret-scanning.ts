/**
 * Item 7: secret scanning enabled. Looks for a scanner's config, a git hook
 * that runs one, or a CI workflow that runs one.
 */

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { gitHooksDir } from "../hooks.js";
import { type Check, type CheckResult, pass, warn } from "../types.js";

// An actual scanner invocation (a command, a hook id, an action), not a
// mention: "secrets doctor" is not a scanner, and comments are removed first.
const SCANNER =
  /(?:^|[\s"'`/=:@(])(?:gitleaks|trufflehog|detect-secrets(?:-hook)?|ggshield|secretlint|git-secrets)\b|\bsecrets(?:-loader)?\s+scan\b/m;

/** `text` without shell/YAML/TOML comments (whole-line and trailing " # ..."). */
function withoutComments(text: string): string {
  return text
    .split("\n")
    .filter((l) => !/^\s*#/.test(l))
    .map((l) => l.replace(/\s+#.*$/, ""))
    .join("\n");
}

function runsScanner(text: string | undefined): boolean {
  return text !== undefined && SCANNER.test(withoutComments(text));
}

const CONFIG_FILES: ReadonlyArray<[string, string]> = [
  [".gitleaks.toml", "gitleaks config"],
  ["gitleaks.toml", "gitleaks config"],
  [".gitleaksignore", "gitleaks ignore file"],
  [".secrets.baseline", "detect-secrets baseline"],
  [".gitguardian.yaml", "ggshield config"],
  [".gitguardian.yml", "ggshield config"],
  [".trufflehog.yml", "trufflehog config"],
  [".trufflehog.yaml", "trufflehog config"],
  [".secretlintrc.json", "secretlint config"],
];

const HOOK_FILES = [
  ".pre-commit-config.yaml",
  ".husky/pre-commit",
  ".husky/pre-push",
  "lefthook.yml",
  "lefthook.yaml",
  ".lefthook.yml",
];

const GIT_HOOKS = ["pre-commit", "pre-push"];

function read(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * Scanner configs, and the hook or workflow files that run a secret scanner, relative to `dir`.
 */
export function findScanners(dir: string): { configs: string[]; hooks: string[]; ci: string[] } {
  const configs = CONFIG_FILES.filter(([f]) => existsSync(join(dir, f))).map(
    ([f, what]) => `${f} (${what})`,
  );
  const hooks = HOOK_FILES.filter((f) => runsScanner(read(join(dir, f))));
  // Git's own hooks, wherever git runs them from (the same place --fix-hooks writes).
  const hooksDir = gitHooksDir(dir);
  if (hooksDir) {
    for (const h of GIT_HOOKS) {
      const file = join(hooksDir, h);
      if (runsScanner(read(file))) hooks.push(relative(dir, file) || file);
    }
  }
  const ci: string[] = [];
  const ciFiles: string[] = [
    ".gitlab-ci.yml",
    "azure-pipelines.yml",
    "bitbucket-pipelines.yml",
    ".circleci/config.yml",
  ];
  for (const d of [".github/workflows"]) {
    try {
      for (const f of readdirSync(join(dir, d))) if (/\.ya?ml$/.test(f)) ciFiles.push(`${d}/${f}`);
    } catch {
      // No workflows folder.
    }
  }
  for (const f of ciFiles) if (runsScanner(read(join(dir, f)))) ci.push(f);
  return { configs, hooks, ci };
}

/**
 * The check.
 */
export const secretScanning: Check = {
  id: "secret-scanning",
  item: 7,
  title: "Secret scanning enabled on the repository",
  async run(ctx) {
    const { configs, hooks, ci } = findScanners(ctx.dir);
    const results: CheckResult[] = [];
    for (const h of hooks) results.push(pass(`git hook runs a secret scanner: ${h}`, { file: h }));
    for (const c of ci) results.push(pass(`CI runs a secret scanner: ${c}`, { file: c }));
    if (hooks.length === 0 && ci.length === 0) {
      results.push(
        warn(
          configs.length
            ? `scanner config found (${configs.join(", ")}) but no hook or CI step runs it`
            : "no secret scanner found in hooks, CI workflows or scanner configs",
          "Run `secrets doctor --fix-hooks` to install a pre-commit hook running `secrets scan --staged`, add `secrets scan --history --sarif` to CI, and turn on GitHub secret scanning with push protection (it cannot be seen from a checkout).",
        ),
      );
    } else if (configs.length) {
      results.push(pass(`scanner config: ${configs.join(", ")}`));
    }
    return results;
  },
};
