// Import cost of the package root in two built trees, alternating in one run
// (same machine, same moment), with the dist files and bytes each loads:
//
//   git archive main | tar -x -C /tmp/main && ln -s "$PWD/node_modules" /tmp/main/node_modules
//   (cd /tmp/main && npm run build) && npm run build
//   node bench/compare-root-import.mjs /tmp/main 100
import { spawnSync } from "node:child_process";

const trees = {
  main: process.argv[2],
  branch: new URL("..", import.meta.url).pathname.replace(/\/$/, ""),
};
if (!trees.main)
  throw new Error("usage: node bench/compare-root-import.mjs <other built tree> [runs]");
const body = (root) => `
import { registerHooks } from "node:module";
import { readFileSync } from "node:fs";
const seen = new Set();
registerHooks({ resolve(s, c, next) { const r = next(s, c); if (r.url.includes("/dist/")) seen.add(r.url); return r; } });
const t = performance.now();
await import(${JSON.stringify(`${root}/dist/src/index.js`)});
const ms = performance.now() - t;
let bytes = 0; for (const u of seen) bytes += readFileSync(new URL(u)).length;
process.stdout.write(JSON.stringify({ ms, files: seen.size, bytes }));
`;
const runs = Number(process.argv[3] ?? 40);
const out = { main: [], branch: [] };
const files = {},
  bytes = {};
for (let i = 0; i < runs; i++) {
  for (const name of i % 2 ? ["main", "branch"] : ["branch", "main"]) {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", body(trees[name])], {
      encoding: "utf8",
    });
    const j = JSON.parse(r.stdout);
    out[name].push(j.ms);
    files[name] = j.files;
    bytes[name] = j.bytes;
  }
}
const med = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};
const p90 = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length * 0.9)];
};
for (const name of ["main", "branch"])
  console.log(
    `${name}: median ${med(out[name]).toFixed(2)} ms, p90 ${p90(out[name]).toFixed(2)} ms, ${files[name]} dist files, ${bytes[name]} bytes (${runs} runs)`,
  );
