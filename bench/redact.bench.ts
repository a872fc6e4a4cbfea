/**
 * `secrets run --redact` throughput: a child writes 16 MB of log lines (one in
 * 50 holds a loaded value, JSON-escaped, URL-encoded or in base64), and the
 * wall time is compared with the same child run bare and under `secrets run`
 * without --redact. Every stream is matched in five views (as is, and with
 * backslash, URL, HTML and quoted-printable escapes decoded), on its own and
 * with the other stream. Median of 3 rounds.
 * Run with `npm run bench redact` (builds first) or `node bench/redact.bench.ts`.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median, table } from "./support.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const BIN = join(root, "dist/src/cli/main.js");
const MB = 16;
const values = {
  A: `postgres://svc:Pw-${randomBytes(12).toString("base64url")}@db.internal.test:5432/app`,
  B: ["sk", "live", randomBytes(16).toString("hex")].join("_"),
  C: randomBytes(24).toString("base64"),
};
const child = `
const vs = [process.env.A, process.env.B, process.env.C].filter(Boolean);
const line = (i) => i % 50 === 0 && vs.length
  ? [JSON.stringify({ level: "info", i, v: vs[i % 3] }), "url=" + encodeURIComponent(vs[i % 3]), "b64 " + Buffer.from(vs[i % 3]).toString("base64")][i % 3] + "\\n"
  : '{"level":"info","msg":"request handled","path":"/api/v1/items?page=' + i + '&sort=asc","ms":' + (i % 97) + ',"user":"u-' + (i % 1000) + '"}\\n';
let out = [], size = 0, i = 0;
while (size < ${MB} * 1024 * 1024) { const l = line(i++); out.push(l); size += l.length; if (out.length === 2000) { process.stdout.write(out.join("")); out = []; } }
process.stdout.write(out.join(""));
`;

function run(args: string[]): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, {
    env: {
      PATH: process.env.PATH,
      LEAK_A: values.A,
      LEAK_B: values.B,
      LEAK_C: values.C,
      ...values,
    },
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (r.status !== 0) throw new Error(`exit ${r.status}`);
  return performance.now() - started;
}

const env = ["--env", "A=env://LEAK_A", "--env", "B=env://LEAK_B", "--env", "C=env://LEAK_C"];
const modes: Array<[string, string[]]> = [
  ["node child alone", ["-e", child]],
  ["secrets run", [BIN, "run", ...env, "--", process.execPath, "-e", child]],
  ["secrets run --redact", [BIN, "run", "--redact", ...env, "--", process.execPath, "-e", child]],
];
const rows = modes.map(([name, args]) => {
  const ms = median([run(args), run(args), run(args)]);
  return {
    mode: name,
    "median ms": Math.round(ms),
    "MB/s": Math.round((MB / ms) * 1000 * 10) / 10,
  };
});
table(rows);
