// The counter-example: the same page "built" the wrong way, with the key in a
// NEXT_PUBLIC_ variable that the bundler inlines into the client bundle.
// This script performs that build step (writing .env.local and
// out/static/app.js with a fresh fake key), then runs `secrets doctor`,
// which fails item 3 and exits 1.
//
//   node examples/nextjs/counter-example/run.mjs      (after npm run build)
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
// Shaped like a Stripe secret key so the detectors recognise it; random, never real.
const key = ["sk", "live", randomBytes(12).toString("hex")].join("_");

writeFileSync(join(here, ".env.local"), `NEXT_PUBLIC_WEATHER_API_KEY=${key}\n`);
mkdirSync(join(here, "out", "static"), { recursive: true });
// What `next build` emits for process.env.NEXT_PUBLIC_WEATHER_API_KEY: the value, inlined.
writeFileSync(
  join(here, "out", "static", "app.js"),
  `fetch("https://api.weather.com/v1/current?city=Paris",{headers:{Authorization:"Bearer ${key}"}});\n`,
);

const doctor = spawnSync(
  process.execPath,
  [
    fileURLToPath(new URL("../../../dist/src/cli/main.js", import.meta.url)),
    "doctor",
    here,
    "--offline",
  ],
  { encoding: "utf8", env: { PATH: process.env.PATH, NO_COLOR: "1" } },
);
const block = doctor.stdout.split(/\n(?= ?\d+\. )/).find((b) => b.startsWith(" 3. "));
console.log(block?.trimEnd());
console.log(`secrets doctor exit code: ${doctor.status}`);
process.exitCode = doctor.status === 1 ? 0 : 1;
