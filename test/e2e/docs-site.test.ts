/**
 * Builds the typedoc site (the guides as pages, the API by import path) into a
 * temp dir and reads it as a visitor would: every internal link opens a page
 * that exists and lands on an anchor that exists, no heading or "On This Page"
 * entry is blank, no guide is a raw Markdown copy under media/, and modules
 * are named by the import path a user writes.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
let out = "";
let pages: Map<string, string>;

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return htmlFiles(path);
    return entry.name.endsWith(".html") ? [path] : [];
  });
}

/** Decodes the few entities typedoc writes in attributes. */
const decode = (value: string) =>
  value
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), "secrets-loader-docs-site-"));
  const typedoc = join(root, "node_modules/typedoc/bin/typedoc");
  const r = spawnSync(process.execPath, [typedoc, "--out", out], {
    cwd: root,
    encoding: "utf8",
    timeout: 110_000,
  });
  expect(r.status, `typedoc failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
  pages = new Map(htmlFiles(out).map((file) => [file, readFileSync(file, "utf8")]));
}, 120_000);

afterAll(() => {
  if (out !== "") rmSync(out, { recursive: true, force: true });
});

describe("the typedoc site", () => {
  it("has every guide of docs/ and every example as a page, with no Markdown copied raw", () => {
    const documents = readdirSync(join(out, "documents")).sort();
    for (const guide of [
      "docs_references.html",
      "docs_clients.html",
      "docs_credentials.html",
      "docs_caching.html",
      "docs_errors-and-events.html",
      "docs_frameworks.html",
      "docs_cli.html",
      "docs_api-keys.html",
      "docs_writing-a-provider.html",
      "docs_contributing.html",
      "docs_providers_env.html",
      "docs_providers_aws.html",
      "docs_providers_gcp.html",
      "docs_providers_azure.html",
      "docs_providers_vault.html",
      "examples_basic-env.html",
    ]) {
      expect(documents).toContain(guide);
    }
    const media = existsSync(join(out, "media")) ? readdirSync(join(out, "media")) : [];
    expect(media.filter((name) => name.endsWith(".md"))).toEqual([]);
  });

  it("names modules by import path", () => {
    const modules = readdirSync(join(out, "modules")).sort();
    expect(modules).toContain("secrets-loader.html");
    expect(modules).toContain("secrets-loader_keys.html");
    expect(modules).toContain("secrets-loader_providers_aws.html");
    expect(modules).toContain("secrets-loader_provider_testing.html");
    expect(modules.filter((name) => /^(src|providers)[._]/.test(name))).toEqual([]);
    const index = pages.get(join(out, "index.html")) ?? "";
    // The project's name is the title once; the README's own H1 is not repeated under it.
    expect(index.match(/<h1[^>]*>[^<]*secrets-loader/g) ?? []).toHaveLength(1);
  });

  it("has no blank heading and no blank 'On This Page' entry", () => {
    const blanks: string[] = [];
    for (const [file, html] of pages) {
      for (const match of html.matchAll(/<h([1-6])[^>]*>([\s\S]*?)<\/h\1>/g)) {
        const text = (match[2] ?? "").replace(/<[^>]*>/g, "").trim();
        if (text === "") blanks.push(`${relative(out, file)}: empty <h${match[1]}>`);
      }
      for (const match of html.matchAll(/<a href="#[^"]*"><span>([\s\S]*?)<\/span><\/a>/g)) {
        const text = (match[1] ?? "").replace(/<[^>]*>/g, "").trim();
        if (text === "" || /\(\s*\)|:\s+and\b/.test(text)) {
          blanks.push(`${relative(out, file)}: TOC entry "${text}"`);
        }
      }
    }
    expect(blanks).toEqual([]);
  });

  it("keeps code spans in guide headings", () => {
    const cli = pages.get(join(out, "documents/docs_cli.html")) ?? "";
    expect(cli).toMatch(/<h2[^>]*><code>secrets get &lt;ref&gt;<\/code>/);
    expect(cli).toMatch(/<a href="#secrets-get-ref"><span>secrets get &lt;ref&gt;<\/span>/);
  });

  it("resolves every internal link to a page and an anchor that exist", () => {
    const ids = new Map<string, Set<string>>();
    for (const [file, html] of pages) {
      ids.set(file, new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => decode(m[1] ?? ""))));
    }
    const broken: string[] = [];
    let checked = 0;
    for (const [file, html] of pages) {
      for (const match of html.matchAll(/<a\s[^>]*href="([^"]*)"/g)) {
        const href = decode(match[1] ?? "");
        if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("//")) continue;
        const [path = "", anchor] = href.split("#");
        const target = path === "" ? file : join(dirname(file), decodeURIComponent(path));
        checked++;
        if (!existsSync(target)) {
          broken.push(`${relative(out, file)} -> ${href}: no such page`);
          continue;
        }
        if (anchor === undefined || anchor === "" || !target.endsWith(".html")) continue;
        if (!ids.get(target)?.has(decodeURIComponent(anchor))) {
          broken.push(`${relative(out, file)} -> ${href}: no such anchor`);
        }
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(1000);
  });
});
