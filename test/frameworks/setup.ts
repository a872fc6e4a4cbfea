/**
 * Vitest global setup of the frameworks project: packs the built package (`npm pack`) and
 * installs it, once per run, into each app (its committed lockfile pins the framework), in a
 * cache folder kept between runs (see cache.ts). No cloud SDK is installed.
 */
import { execFile } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { apps, CLOUD_SDKS, cacheDir, root } from "./cache.ts";

const run = promisify(execFile);
const KEEP = new Set(["node_modules"]);

async function install(app: { source: string; dir: string }, tarball: string): Promise<void> {
  mkdirSync(app.dir, { recursive: true });
  // Fresh sources every run; node_modules stays (npm install then only updates the tarball).
  for (const name of readdirSync(app.dir))
    if (!KEEP.has(name)) rmSync(join(app.dir, name), { recursive: true, force: true });
  cpSync(app.source, app.dir, {
    recursive: true,
    filter: (src) => !/\/(node_modules|\.next[^/]*|dist[^/]*|counter-example)$/.test(src),
  });
  const pkgFile = join(app.dir, "package.json");
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
  pkg.dependencies["secrets-loader"] = `file:${tarball}`;
  writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
  // The committed lockfile links secrets-loader to the repository; here it is the tarball.
  const lockFile = join(app.dir, "package-lock.json");
  const lock = JSON.parse(readFileSync(lockFile, "utf8"));
  for (const key of Object.keys(lock.packages))
    if (key === "node_modules/secrets-loader" || /^(\.\.\/)+\.\.$/.test(key))
      delete lock.packages[key];
  lock.packages[""].dependencies["secrets-loader"] = pkg.dependencies["secrets-loader"];
  writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
  const started = Date.now();
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], {
    cwd: app.dir,
    timeout: 300_000,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  process.stderr.write(`frameworks: installed ${app.dir} in ${Date.now() - started} ms\n`);
  const require = createRequire(join(app.dir, "package.json"));
  const found = CLOUD_SDKS.filter((name) => {
    try {
      require.resolve(`${name}/package.json`);
      return true;
    } catch {
      return false;
    }
  });
  if (found.length > 0)
    throw new Error(`${app.dir} can resolve cloud SDKs it must not: ${found.join(", ")}`);
}

export default async function setup(): Promise<void> {
  if (!existsSync(join(root, "dist/src/index.js")))
    throw new Error("dist/ is missing: run `npm run build` first (npm test does).");
  mkdirSync(cacheDir, { recursive: true });
  const { stdout } = await run(
    "npm",
    ["pack", "--ignore-scripts", "--json", "--pack-destination", cacheDir],
    { cwd: root, timeout: 120_000 },
  );
  const filename = (JSON.parse(stdout) as Array<{ filename: string }>)[0]?.filename;
  if (typeof filename !== "string") throw new Error(`npm pack printed no file name:\n${stdout}`);
  const tarball = join(cacheDir, "secrets-loader.tgz");
  rmSync(tarball, { force: true });
  cpSync(join(cacheDir, filename), tarball);
  rmSync(join(cacheDir, filename));
  await Promise.all([install(apps.next, tarball), install(apps.vite, tarball)]);
}
