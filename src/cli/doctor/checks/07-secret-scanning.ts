/**
 * Item 7: secret scanning enabled. Looks for a scanner's config, a git hook
 * that runs one, or a CI workflow that runs one.
 */

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Check, type CheckResult, pass, warn } from "../types.js";

const SCANNER =
  /gitleaks|trufflehog|detect-secrets|ggshield|secrets\s+scan|secrets\s+doctor|secretlint|git-secrets/;

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
  ".git/hooks/pre-commit",
  ".git/hooks/pre-push",
];

function read(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * Scanner configs, and the hook or workflow files that run a secret scanner, relative to `dir`.
 *
 * @example
 * ```ts
 * findScanners("."); // { configs: [".gitleaks.toml (gitleaks config)"], hooks: [".husky/pre-commit"], ci: [] }
 * ```
 */
export function findScanners(dir: string): { configs: string[]; hooks: string[]; ci: string[] } {
  const configs = CONFIG_FILES.filter(([f]) => existsSync(join(dir, f))).map(
    ([f, what]) => `${f} (${what})`,
  );
  const hooks = HOOK_FILES.filter((f) => SCANNER.test(read(join(dir, f)) ?? ""));
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
  for (const f of ciFiles) if (SCANNER.test(read(join(dir, f)) ?? "")) ci.push(f);
  return { configs, hooks, ci };
}

/**
 * The check.
 *
 * @example
 * ```ts
 * const results = await secretScanning.run(ctx);
 * ```
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
