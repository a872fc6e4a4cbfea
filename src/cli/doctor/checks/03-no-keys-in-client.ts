/**
 * Item 3: no keys in client-side code. Three places: public-prefixed
 * variables (.env* files and the environment), built client output, and
 * client modules that import secrets-loader.
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse as parseDotenv } from "dotenv";
import { publicPrefixOf } from "../../../provider/index.js";
import type { ResolvedValues } from "../../scan/resolve-values.js";
import { scanTree } from "../../scan/tree.js";
import { walkFiles } from "../../scan/walk.js";
import type { DoctorContext } from "../context.js";
import { type Check, type CheckResult, fail, manual, pass, warn } from "../types.js";
import { valuesNotChecked, valuesNote } from "./known-values.js";

const PROXY_FIX =
  "Keep the key on the server: proxy browser calls through your own backend route that reads it with getSecret() (see node_modules/secrets-loader/docs/frameworks.md#never-in-a-browser).";

/**
 * Build output directories of the usual frameworks (Next.js, Vite, CRA, Astro, static exports).
 */
export const BUILD_DIRS = [".next/static", "dist", "build", "out", "public"] as const;

const SECRET_NAME = /SECRET|PRIVATE|PASSWORD|PASSWD|TOKEN|CREDENTIAL|SERVICE_ROLE/i;
const KEY_NAME = /KEY/i;
// Keys that providers design to be public (Stripe publishable, Supabase anon, reCAPTCHA site keys ...).
const PUBLIC_BY_DESIGN = /PUBLISHABLE|ANON_KEY|SITE_KEY|PUBLIC_KEY|MEASUREMENT_ID|_PK$|_PK_/i;

const CLIENT_DIR = /(^|\/)(client|components|frontend|browser|web\/src|src\/app\/\(client\))\//;
const CLIENT_FILE = /\.client\.[cm]?[jt]sx?$/;
const SOURCE_EXT = /\.(?:[cm]?[jt]sx?|vue|svelte|astro)$/;
const IMPORTS_SDK =
  /(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)["']secrets-loader(?:\/[^"']*)?["']/;
const USE_CLIENT = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*["']use client["']/;

function envFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f === ".env" || f.startsWith(".env."))
      .filter((f) => statSync(join(dir, f)).isFile())
      .sort();
  } catch {
    return [];
  }
}

/** Public-prefixed variables (inlined into client bundles) in .env* files and the environment. */
function publicPrefixedVariables(ctx: DoctorContext): CheckResult[] {
  const results: CheckResult[] = [];
  const { scanner } = ctx.setup;
  const sources: Array<{ where: string; vars: Record<string, string> }> = envFiles(ctx.dir).map(
    (f) => {
      try {
        return { where: f, vars: parseDotenv(readFileSync(join(ctx.dir, f))) };
      } catch {
        return { where: f, vars: {} };
      }
    },
  );
  sources.push({
    where: "the environment",
    vars: Object.fromEntries(
      Object.entries(ctx.env).filter((e): e is [string, string] => typeof e[1] === "string"),
    ),
  });
  let publicVars = 0;
  for (const { where, vars } of sources) {
    const isExample = /example|sample|template/i.test(where);
    for (const [name, value] of Object.entries(vars)) {
      const prefix = publicPrefixOf(name);
      if (!prefix) continue;
      publicVars++;
      const file = where === "the environment" ? undefined : where;
      const detected = scanner.scanText(`${name}=${value}`, { file: where });
      const byValue = detected[0];
      const rename = `Rename it without ${prefix} and read it on the server only. ${PROXY_FIX}`;
      if (byValue && !isExample) {
        results.push(
          fail(
            `${name} in ${where}: its value is a ${byValue.rule} (${byValue.match}) and ${prefix} variables are inlined into the client bundle`,
            `Rotate the key. ${rename}`,
            file ? { file } : {},
          ),
        );
      } else if (SECRET_NAME.test(name.slice(prefix.length)) && !PUBLIC_BY_DESIGN.test(name)) {
        results.push(
          fail(
            `${name} in ${where}: the name says secret, but ${prefix} variables are public`,
            rename,
            file ? { file } : {},
          ),
        );
      } else if (KEY_NAME.test(name.slice(prefix.length)) && !PUBLIC_BY_DESIGN.test(name)) {
        results.push(
          warn(
            `${name} in ${where}: a key in a public variable`,
            `Make sure it is a key meant for browsers (restricted by HTTP referrer and API), or move it server-side. ${PROXY_FIX}`,
            file ? { file } : {},
          ),
        );
      }
    }
  }
  if (results.length === 0) {
    results.push(
      pass(
        `${publicVars} public-prefixed variable(s) in ${sources.length - 1} .env file(s) and the environment; none looks secret`,
      ),
    );
  }
  return results;
}

/** Built client output, scanned with the same detectors (ignoring .gitignore: it is usually ignored). */
function builtClientOutput(ctx: DoctorContext, values: ResolvedValues | undefined): CheckResult[] {
  const results: CheckResult[] = [];
  const built = BUILD_DIRS.filter((d) => ctx.exists(d));
  for (const d of built) {
    ctx.progress(`scanning build output ${d}`);
    const r = scanTree([join(ctx.dir, d)], ctx.setup.scanner, {
      gitignore: false,
      maxFileSize: ctx.setup.maxFileSize,
      exclude: ctx.setup.excluded,
    });
    const prefix = `${ctx.dir.replace(/\/+$/, "")}/`;
    const found = r.findings.filter(ctx.setup.keep);
    for (const f of found) {
      const file = f.file.startsWith(prefix) ? f.file.slice(prefix.length) : f.file;
      results.push(
        fail(
          `${file}:${f.line} ${f.rule} ${f.match} in built client output`,
          `Rotate the key, remove it from client code and rebuild. ${PROXY_FIX}`,
          { file, line: f.line },
        ),
      );
    }
    if (found.length === 0) {
      results.push(
        pass(`build output ${d}: ${r.files} files scanned${valuesNote(values)}, no keys`),
      );
    }
    // Files the scan left out (large bundles, source maps over the limit,
    // unreadable files) were not checked: say which, never a silent pass.
    const skipped = r.skipped.filter((k) => k.reason !== "symlink");
    if (skipped.length > 0) {
      const names = skipped.map((k) => {
        const file = k.file.startsWith(prefix) ? k.file.slice(prefix.length) : k.file;
        return `${file} (${k.reason}${k.detail ? `, ${k.detail}` : ""})`;
      });
      const more = names.length > 5 ? `, and ${names.length - 5} more` : "";
      results.push(
        manual(
          `build output ${d}: ${skipped.length} file(s) not scanned: ${names.slice(0, 5).join(", ")}${more}`,
          "Check these files by hand, or raise scan.maxFileSize in secrets.config.json (or fix their permissions) and run the doctor again.",
        ),
      );
    }
  }
  if (built.length > 0) {
    const references = ctx.references().length;
    results.push(...valuesNotChecked(values, ctx.options.offline, "the build output", references));
  } else {
    results.push(
      manual(
        `no build output found (${BUILD_DIRS.join(", ")})`,
        "Build the app and run the doctor again: the bundle is what browsers download.",
      ),
    );
  }
  return results;
}

// Next.js server output: prerendered pages and route bodies are sent to browsers as they are;
// everything else there (server chunks) stays on the server but was frozen at build time.
const NEXT_SERVER = ".next/server";
const PRERENDERED = /^\.next\/server\/(?:app\/.*\.(?:html|rsc|body)|pages\/.*\.html)$/;
// Keys Next generates for each build (preview mode, server action encryption): not the app's.
const NEXT_OWN_KEYS =
  /^\.next\/server\/(?:preview-props\.json|server-reference-manifest\.js(?:on)?)$/;

/** `.next/server`: values baked in by `next build` (prerendering reads secrets at build time). */
function nextServerOutput(ctx: DoctorContext): CheckResult[] {
  if (!ctx.exists(NEXT_SERVER)) return [];
  ctx.progress(`scanning build output ${NEXT_SERVER}`);
  const r = scanTree([join(ctx.dir, NEXT_SERVER)], ctx.setup.scanner, {
    gitignore: false,
    maxFileSize: ctx.setup.maxFileSize,
    exclude: ctx.setup.excluded,
  });
  const prefix = `${ctx.dir.replace(/\/+$/, "")}/`;
  const relative = (file: string) => (file.startsWith(prefix) ? file.slice(prefix.length) : file);
  const found = r.findings
    .filter(ctx.setup.keep)
    .filter((f) => !NEXT_OWN_KEYS.test(relative(f.file)));
  const results = found.map((f) => {
    const file = relative(f.file);
    const read =
      "Read it at request time (`await connection()` from next/server before getSecret), rotate it, and rebuild; see node_modules/secrets-loader/docs/frameworks.md#nextjs.";
    return PRERENDERED.test(file)
      ? fail(
          `${file}:${f.line} ${f.rule} ${f.match} in prerendered output sent to browsers`,
          `Rotate the key. ${read}`,
          { file, line: f.line },
        )
      : warn(
          `${file}:${f.line} ${f.rule} ${f.match} in server build output: baked in at build: rotation ignored`,
          read,
          { file, line: f.line },
        );
  });
  if (results.length === 0)
    results.push(pass(`build output ${NEXT_SERVER}: ${r.files} files scanned, no keys`));
  return results;
}

/** Client modules ("use client", client folders and files) that import the SDK. */
function clientModulesImportingSdk(ctx: DoctorContext): CheckResult[] {
  const results: CheckResult[] = [];
  let clientModules = 0;
  for (const f of walkFiles(ctx.dir)) {
    if (!SOURCE_EXT.test(f.rel) || f.rel.startsWith("node_modules/")) continue;
    // An allowlisted path (scan.allowlist.paths) holds deliberate counter-examples.
    if (ctx.setup.excluded(String(f.abs))) continue;
    let text: string;
    try {
      if (statSync(f.abs).size > 1024 * 1024) continue;
      text = readFileSync(f.abs, "utf8");
    } catch {
      continue;
    }
    const isClient = USE_CLIENT.test(text) || CLIENT_DIR.test(f.rel) || CLIENT_FILE.test(f.rel);
    if (!isClient) continue;
    clientModules++;
    const m = IMPORTS_SDK.exec(text);
    if (m) {
      const line = text.slice(0, m.index).split("\n").length;
      results.push(
        fail(
          `${f.rel}:${line} is client code and imports secrets-loader`,
          `Move the secret access to a server route. ${PROXY_FIX}`,
          { file: f.rel, line },
        ),
      );
    }
  }
  if (results.length === 0) {
    results.push(
      pass(
        clientModules
          ? `${clientModules} client module(s) ("use client" or client folders): none imports secrets-loader`
          : 'no client modules ("use client" or client folders) found',
      ),
    );
  }
  return results;
}

/**
 * The check: its three parts, in this order.
 */
export const noKeysInClient: Check = {
  id: "no-keys-in-client",
  item: 3,
  title: "No keys in client-side code or public-prefixed variables",
  async run(ctx) {
    // The app's own values first: the build output is searched for them too.
    const values = await ctx.values();
    return [
      ...publicPrefixedVariables(ctx),
      ...builtClientOutput(ctx, values),
      ...nextServerOutput(ctx),
      ...clientModulesImportingSdk(ctx),
    ];
  },
};
