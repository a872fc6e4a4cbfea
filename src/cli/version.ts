/**
 * The package version, read from the nearest `package.json` named
 * `secrets-loader` above this module (the same code runs from src/ in tests
 * and from dist/ when installed).
 */

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/**
 * The installed secrets-loader version, or "0.0.0" when it cannot be found.
 */
export function packageVersion(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
        if (pkg.name === "secrets-loader" && pkg.version) {
          cached = pkg.version;
          return cached;
        }
      } catch {
        // Keep looking upwards.
      }
    }
    dir = dirname(dir);
  }
  cached = "0.0.0";
  return cached;
}
