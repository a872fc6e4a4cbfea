/**
 * The scanner's work grows linearly with its input, whatever the shape: a
 * one-line CloudTrail log of access key ids with no secret near them, many
 * tokens on one line, a minified bundle. Work is counted, never timed: every
 * regex execution, string search and array search is wrapped and the
 * characters (or elements) it read are summed (from
 * where it started to the end of its match, or to the end of its input when
 * it found none), so a search that re-reads the line for each match shows up
 * as quadratic whatever the machine's speed.
 */

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cloudTrailLine, minifiedBundle, tokensLine } from "../../../scripts/bench/shapes.ts";
import { Scanner } from "../../../src/cli/scan/engine.js";

const realExec = RegExp.prototype.exec;
const realIndexOf = String.prototype.indexOf;
const realLastIndexOf = String.prototype.lastIndexOf;
const realFind = Array.prototype.find;
const realSome = Array.prototype.some;
let offered = 0;

beforeEach(() => {
  offered = 0;
  RegExp.prototype.exec = function (this: RegExp, s: string) {
    const from = this.global || this.sticky ? this.lastIndex : 0;
    const m = realExec.call(this, s);
    const to = m ? m.index + m[0].length : String(s).length;
    offered += Math.max(1, to - from);
    return m;
  };
  // String searches: the characters passed over. Array searches: the elements.
  String.prototype.indexOf = function (this: string, search: string, from = 0) {
    const r = realIndexOf.call(this, search, from);
    offered += Math.max(1, (r === -1 ? this.length : r) - from);
    return r;
  };
  String.prototype.lastIndexOf = function (this: string, search: string, from = Infinity) {
    const r = realLastIndexOf.call(this, search, from);
    offered += Math.max(1, Math.min(from, this.length) - r);
    return r;
  };
  Array.prototype.find = function (this: unknown[], ...args: unknown[]) {
    offered += this.length;
    return (realFind as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof realFind;
  Array.prototype.some = function (this: unknown[], ...args: unknown[]) {
    offered += this.length;
    return (realSome as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof realSome;
});
afterEach(() => {
  RegExp.prototype.exec = realExec;
  String.prototype.indexOf = realIndexOf;
  String.prototype.lastIndexOf = realLastIndexOf;
  Array.prototype.find = realFind;
  Array.prototype.some = realSome;
});

function work(text: string): { chars: number; findings: number } {
  offered = 0;
  const findings = new Scanner().scanText(text, { file: "logs/trail.json" }).length;
  return { chars: offered, findings };
}

/** Work per input character at size n and 4n: linear means about the same. */
function growth(make: (n: number) => string, n: number): { ratio: number; findings: number[] } {
  const small = make(n);
  const large = make(4 * n);
  const a = work(small);
  const b = work(large);
  const ratio = b.chars / large.length / (a.chars / small.length);
  return { ratio, findings: [a.findings, b.findings] };
}

describe("scanner work is linear in the input", () => {
  it("a one-line CloudTrail log: each ASIA id's pair search does not re-read the line", () => {
    const g = growth((n) => cloudTrailLine(n), 150);
    expect(g.findings).toEqual([0, 0]);
    expect(g.ratio).toBeLessThan(1.5);
  });

  it("many findings on one line", () => {
    const g = growth((n) => tokensLine(n), 500);
    expect(g.findings).toEqual([500, 2000]);
    expect(g.ratio).toBeLessThan(1.5);
  });

  it("a minified bundle with secret-like words in code", () => {
    const g = growth((n) => minifiedBundle(n), 100_000);
    expect(g.ratio).toBeLessThan(1.5);
  });
});
