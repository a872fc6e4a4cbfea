/**
 * `secrets doctor --fix-hooks`: installs a git pre-commit hook that runs
 * `secrets scan --staged`, in husky's folder when the project uses husky,
 * otherwise in git's hooks path (which honours core.hooksPath).
 */

import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative } from "node:path";
import { UsageError } from "../errors.js";

const COMMAND = "npx --no-install secrets scan --staged";
const BLOCK = `# Added by \`secrets doctor --fix-hooks\`: refuse commits that add keys.\n${COMMAND}\n`;

/**
 * The directory git runs hooks from, as `git rev-parse --git-path hooks`
 * gives it (core.hooksPath, worktrees and subfolders included), or undefined
 * outside a repository. The doctor reads hooks and `--fix-hooks` writes them
 * through this one function, so both look at the same place.
 */
export function gitHooksDir(dir: string): string | undefined {
  const r = spawnSync("git", ["-C", dir, "rev-parse", "--git-path", "hooks"], {
    encoding: "utf8",
  });
  if (r.status !== 0) return undefined;
  const hooks = r.stdout.trim();
  return isAbsolute(hooks) ? hooks : join(dir, hooks);
}

/**
 * What {@link installPreCommitHook} did.
 */
export interface HookResult {
  /** The hook file, relative to the project directory. */
  file: string;
  action: "created" | "appended" | "unchanged";
}

/**
 * Installs (or completes) the pre-commit hook.
 *
 * @throws {UsageError} outside a git repository
 */
export function installPreCommitHook(dir: string): HookResult {
  let file: string;
  if (existsSync(join(dir, ".husky"))) file = join(dir, ".husky", "pre-commit");
  else {
    const hooks = gitHooksDir(dir);
    if (!hooks) throw new UsageError(`--fix-hooks needs a git repository (${dir} is not one)`);
    file = join(hooks, "pre-commit");
  }
  const shown = relative(dir, file) || file;
  mkdirSync(dirname(file), { recursive: true });
  if (existsSync(file)) {
    const current = readFileSync(file, "utf8");
    if (current.includes("secrets scan --staged")) return { file: shown, action: "unchanged" };
    writeFileSync(file, `${current.replace(/\n*$/, "\n")}\n${BLOCK}`);
    chmodSync(file, 0o755);
    return { file: shown, action: "appended" };
  }
  writeFileSync(file, `#!/bin/sh\n${BLOCK}`);
  chmodSync(file, 0o755);
  return { file: shown, action: "created" };
}
