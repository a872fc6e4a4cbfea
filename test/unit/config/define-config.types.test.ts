/** The loaded object's types, from Zod, Valibot and ArkType schemas (checked by tsc and vitest). */
import { type } from "arktype";
import * as v from "valibot";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { defineConfig } from "../../../src/config/index.js";
import type { JsonValue } from "../../../src/index.js";

const config = defineConfig({
  ZOD_URL: { ref: "aws-sm://prod/db#url", schema: z.string().url() },
  ZOD_PORT: { ref: "env://PORT", schema: z.coerce.number().int(), default: 8080 },
  ZOD_OBJ: {
    ref: "env://OBJ",
    type: "json",
    schema: z.object({ host: z.string(), port: z.number() }),
  },
  VALI_PORT: { ref: "env://VP", schema: v.pipe(v.string(), v.transform(Number), v.number()) },
  VALI_OPT: { ref: "env://VO", schema: v.picklist(["a", "b"]), optional: true },
  ARK_BOOL: { ref: "env://AB", schema: type("'true' | 'false'").pipe((s) => s === "true") },
  ARK_NUM: { ref: "env://AN", schema: type("string.numeric.parse") },
  PLAIN: "PLAIN_NAME",
  JSON_RAW: { ref: "env://J", type: "json" },
  BYTES: { ref: "env://B", type: "binary", optional: true },
  LIVE: { ref: "vault://database/creds/ro#password", live: true },
});

// Types only: nothing is loaded here.
type Values = Awaited<ReturnType<typeof config.load>>;
const values = {} as Values;

describe.concurrent("defineConfig types (checked by tsc: npm run typecheck)", () => {
  it("infers each entry's type from its schema's output", () => {
    expectTypeOf(values.ZOD_URL).toEqualTypeOf<string>();
    expectTypeOf(values.ZOD_PORT).toEqualTypeOf<number>();
    expectTypeOf(values.ZOD_OBJ).toEqualTypeOf<{ host: string; port: number }>();
    expectTypeOf(values.VALI_PORT).toEqualTypeOf<number>();
    expectTypeOf(values.VALI_OPT).toEqualTypeOf<"a" | "b" | undefined>();
    expectTypeOf(values.ARK_BOOL).toEqualTypeOf<boolean>();
    expectTypeOf(values.ARK_NUM).toEqualTypeOf<number>();
    expectTypeOf(values.PLAIN).toEqualTypeOf<string>();
    expectTypeOf(values.JSON_RAW).toEqualTypeOf<JsonValue>();
    expectTypeOf(values.BYTES).toEqualTypeOf<Uint8Array | undefined>();
    expectTypeOf(values.LIVE).toEqualTypeOf<() => Promise<string>>();
    expectTypeOf(() => config.get("ZOD_PORT")).returns.toEqualTypeOf<number>();
    expectTypeOf(() => config.get()).returns.toEqualTypeOf<Values>();
  });

  it("a misspelt entry name is a type error", () => {
    const typo = () => {
      // @ts-expect-error ZOD_URl is not declared
      values.ZOD_URl;
      // @ts-expect-error PORT is not declared (ZOD_PORT is)
      config.get("PORT");
      // @ts-expect-error the object is read-only
      values.PLAIN = "x";
    };
    expectTypeOf(typo).toBeFunction();
  });
});
