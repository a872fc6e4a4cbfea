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
  // Halves on a code point boundary (see the chunks below).
  const cut = [...e].slice(0, Math.floor([...e].length / 2)).join("").length;
  out(`whole ${e} end\n`);
  out("chunks ");
  // Five code points at a time: a lone half of a surrogate pair would be
  // written as U+FFFD, and the value would no longer be in the output.
  const points = [...e];
  for (let i = 0; i < points.length; i += 5) out(points.slice(i, i + 5).join(""));
  out(" end\n");
  out(`late ${e.slice(0, cut)}`);
  await sleep(250);
  out(`${e.slice(cut)} end\n`);
  out(`streams ${e.slice(0, cut)}`);
  await sleep(20);
  err(`${e.slice(cut)} end\n`);
  // Two pipes have no order between them: more stdout right away could reach
  // secrets run before this stderr part, which then cannot join the first.
  await sleep(150);
}
