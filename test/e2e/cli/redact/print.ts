/**
 * Child of the redaction tests: prints the values of $V1..$V3 spelled as
 * argv[2] names (see encodings.ts), whole, in small writes, in two writes far
 * apart in time, and split between stdout and stderr.
 */

import { ENCODINGS } from "./encodings.ts";

const encode = ENCODINGS[process.argv[2] ?? ""];
if (!encode) throw new Error(`unknown encoding ${process.argv[2]}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const out = (s: string) => process.stdout.write(s);
const err = (s: string) => process.stderr.write(s);

for (const name of ["V1", "V2", "V3"]) {
  const e = encode(process.env[name] ?? "");
  const half = Math.floor(e.length / 2);
  out(`whole ${e} end\n`);
  out("chunks ");
  for (let i = 0; i < e.length; i += 5) out(e.slice(i, i + 5));
  out(" end\n");
  out(`late ${e.slice(0, half)}`);
  await sleep(250);
  out(`${e.slice(half)} end\n`);
  out(`streams ${e.slice(0, half)}`);
  await sleep(20);
  err(`${e.slice(half)} end\n`);
  // Two pipes have no order between them: more stdout right away could reach
  // secrets run before this stderr part, which then cannot join the first.
  await sleep(150);
}
