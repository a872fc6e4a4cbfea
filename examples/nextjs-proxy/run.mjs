// Runs the example end to end on 127.0.0.1:
//  1. a stand-in for the weather API that requires the bearer key;
//  2. the app (route handler + static client);
//  3. a browser-like request to /api/weather, and a check that the client
//     files never contain the key;
//  4. `secrets doctor` on this folder: item 3 (client-side code) passes.
//
//   node examples/nextjs-proxy/run.mjs      (after npm run build)
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
// A fresh fake key for this run; in production it comes from your secrets manager.
process.env.WEATHER_API_KEY = `wx-${randomBytes(16).toString("hex")}`;

const upstream = createServer((req, res) => {
  const ok = req.headers.authorization === `Bearer ${process.env.WEATHER_API_KEY}`;
  const city = new URL(req.url ?? "/", "http://x").searchParams.get("city");
  res.writeHead(ok ? 200 : 401, { "Content-Type": "application/json" });
  res.end(JSON.stringify(ok ? { city, tempC: 21 } : { error: "bad key" }));
});
await new Promise((r) => upstream.listen(0, "127.0.0.1", r));
process.env.WEATHER_API_URL = `http://127.0.0.1:${upstream.address().port}/v1/current`;

const { createApp } = await import("./server.mjs");
const app = createApp();
await new Promise((r) => app.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${app.address().port}`;

try {
  const weather = await (await fetch(`${base}/api/weather?city=Paris`)).json();
  console.log(`GET /api/weather?city=Paris -> ${JSON.stringify(weather)}`);
  const client = (await fetch(`${base}/app.js`)).text();
  const page = (await fetch(`${base}/`)).text();
  const leaked = [await client, await page].some((t) => t.includes(process.env.WEATHER_API_KEY));
  console.log(`client files contain the key: ${leaked ? "YES" : "no"}`);

  const doctor = spawnSync(
    process.execPath,
    [
      fileURLToPath(new URL("../../dist/src/cli/main.js", import.meta.url)),
      "doctor",
      here,
      "--json",
      "--offline",
    ],
    { encoding: "utf8", env: { PATH: process.env.PATH } },
  );
  const report = JSON.parse(doctor.stdout);
  const item3 = report.checks.find((c) => c.item === 3);
  console.log(`secrets doctor, item 3 (${item3.title}): ${item3.status.toUpperCase()}`);
  for (const r of item3.results) console.log(`  ${r.status}  ${r.evidence}`);
  if (weather.tempC !== 21 || leaked || item3.status !== "pass") process.exitCode = 1;
} finally {
  app.close();
  upstream.close();
}
