import { describe, expect, it } from "vitest";
import { doctorSarif } from "../../../src/cli/commands/doctor.js";
import type { ItemReport } from "../../../src/cli/doctor/run.js";

const items = (latency: number, age: number): ItemReport[] => [
  {
    id: "references-resolve",
    item: 11,
    title: "Every configured reference resolves",
    status: "warn",
    results: [
      { status: "pass", evidence: `A (env://A) resolved in ${latency} ms` },
      { status: "warn", evidence: `B (env://B) resolved in ${latency + 3} ms, slow`, fix: "x" },
    ],
  },
  {
    id: "rotation",
    item: 6,
    title: "Rotation",
    status: "manual",
    results: [{ status: "manual", evidence: `C last changed ${age} days ago`, fix: "y" }],
  },
];

type Result = {
  level: string;
  locations?: unknown[];
  partialFingerprints: Record<string, string>;
};
const results = (doc: Record<string, unknown>) =>
  (doc.runs as Array<{ results: Result[] }>)[0]?.results ?? [];

describe("doctor SARIF", () => {
  it("leaves passes out, makes manual a note, and has no location without a file", () => {
    const r = results(doctorSarif(items(12, 40), {}));
    expect(r.map((x) => x.level)).toEqual(["warning", "note"]);
    expect(r.every((x) => x.locations === undefined)).toBe(true);
    const withConfig = results(doctorSarif(items(12, 40), { configFile: "secrets.config.json" }));
    expect(withConfig[0]?.locations).toEqual([
      { physicalLocation: { artifactLocation: { uri: "secrets.config.json" } } },
    ]);
    expect(results(doctorSarif(items(12, 40), { strict: true }))[0]?.level).toBe("error");
  });

  it("keeps fingerprints stable when latency and ages change between runs", () => {
    const prints = (doc: Record<string, unknown>) =>
      results(doc).map((x) => x.partialFingerprints["secretsLoader/v1"]);
    const a = prints(doctorSarif(items(12, 40), {}));
    expect(prints(doctorSarif(items(250, 41), {}))).toEqual(a);
    expect(new Set(a).size).toBe(2);
    expect(a[0]).toMatch(/^references-resolve:[0-9a-f]{24}$/);
  });
});
