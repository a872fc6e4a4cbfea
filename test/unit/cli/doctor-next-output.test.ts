/**
 * Doctor item 3 searches Next.js server output (`.next/server`) for the app's own values:
 * in prerendered output sent to browsers it fails; in server chunks it warns (baked in at
 * build: rotation ignored).
 */
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../../src/cli/config/validate.js";
import { DoctorContext } from "../../../src/cli/doctor/context.js";
import { runChecks } from "../../../src/cli/doctor/run.js";
import { FAKES } from "./support/fakes.js";
import { makeProject } from "./support/project.js";

describe("doctor item 3 and .next/server", () => {
  it("fails on a value in prerendered html/rsc/body, warns on one in server chunks", async () => {
    const name = `DOCTOR_NEXT_${Date.now()}`;
    const value = `v-${(FAKES.random32 as () => string)()}`;
    process.env[name] = value;
    try {
      const dir = makeProject({
        ".gitignore": ".next/\n",
        ".next/server/app/index.html": `<p>${value}</p>`,
        ".next/server/app/api/key.body": `{"key":"${value}"}`,
        ".next/server/app/about.rsc": `1:["${value}"]`,
        ".next/server/pages/legacy.html": `<p>${value}</p>`,
        ".next/server/chunks/ssr/route.js": `var k="${value}";`,
        ".next/server/app/clean.html": "<p>nothing here</p>",
        // Next's own per-build keys (preview mode, server actions): not the app's.
        ".next/server/preview-props.json": `{\n  "previewModeId": "${"a1".repeat(16)}",\n  "previewModeSigningKey": "${"b2c3".repeat(16)}"\n}`,
      });
      const ctx = new DoctorContext(
        dir,
        validateConfig({ references: { WEATHER_API_KEY: `env://${name}` } }, "test.json"),
        undefined,
        { env: {} },
      );
      let items: Awaited<ReturnType<typeof runChecks>>;
      try {
        items = await runChecks(ctx);
      } finally {
        await ctx.close();
      }
      const three = items.find((i) => i.item === 3);
      const text = (three?.results ?? []).map((r) => `${r.status} ${r.evidence}`).join("\n");
      expect(three?.status).toBe("fail");
      for (const f of ["app/index.html", "app/api/key.body", "app/about.rsc", "pages/legacy.html"])
        expect(text).toMatch(
          new RegExp(
            `^fail \\.next/server/${f.replace(".", "\\.")}:1 known-value .*prerendered output sent to browsers`,
            "m",
          ),
        );
      expect(text).toMatch(
        /^warn \.next\/server\/chunks\/ssr\/route\.js:1 known-value .*baked in at build: rotation ignored/m,
      );
      expect(text).not.toMatch(/clean\.html|preview-props/);
      expect(JSON.stringify(items)).not.toContain(value.slice(2, 12));
    } finally {
      delete process.env[name];
    }
  });
});
