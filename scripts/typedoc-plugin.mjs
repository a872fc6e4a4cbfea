/**
 * typedoc plugin, three fixes to the site typedoc makes from the code and the guides.
 *
 * 1. Names each module of the API reference by the import path a
 * user writes (`secrets-loader/keys`, `secrets-loader/providers/aws`), taken
 * from package.json's `exports`, instead of by its folder (`src/keys`,
 * `providers/aws`). Reading `exports` keeps the names right for any entry added
 * later; an entry point that no export maps to is an error, since users could
 * not import it.
 *
 * Why a plugin and not `@module` tags in each entry file: the names then have
 * one source (package.json), and the entry files stay free of site concerns.
 *
 * 2. Keeps code spans in Markdown headings: typedoc builds a heading's anchor
 * and its "On This Page" entry from the heading's text tokens only, so
 * "## `secrets get <ref>`" became a blank entry. Each code span of a heading is
 * turned into `<code>` + text + `</code>` tokens, which render the same.
 *
 * 3. Makes anchors GitHub's: the guides link to each other's headings with the
 * anchors GitHub renders (`vault--openbao`), which typedoc's slugger spells
 * differently (`vault-openbao`). One rule for both keeps every link working on
 * GitHub, on npm and on the site. (github-slugger's rule, in one regex: keep
 * letters, marks, numbers, connector punctuation, `-` and spaces; spaces
 * become `-`.)
 *
 * 4. Titles each guide and example page by its first heading (not its path,
 * "docs/providers/aws"), drops that heading from the page and from the README
 * (typedoc prints the title already: "secrets-loader" appeared twice), and
 * groups the pages as "Guides" and "Examples". Page URLs stay those of the
 * files ("documents/docs_providers_aws.html"), not of the titles.
 */
import { readFileSync } from "node:fs";
import { Converter, KindRouter, ReflectionKind, Renderer, Slugger } from "typedoc";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

/** Folder of an entry (as typedoc names it, relative to the repo) -> import path. */
function importPaths() {
  const exact = new Map();
  const patterns = [];
  for (const [key, target] of Object.entries(pkg.exports)) {
    const types = typeof target === "string" ? target : target.types;
    if (typeof types !== "string" || !types.endsWith("/index.d.ts")) continue;
    const folder = types.replace(/^\.\/dist\//, "").replace(/\/index\.d\.ts$/, "");
    const name = key === "." ? pkg.name : `${pkg.name}/${key.replace(/^\.\//, "")}`;
    if (folder.includes("*")) {
      const [before, after] = folder.split("*");
      patterns.push({ before, after, name });
    } else {
      exact.set(folder, name);
    }
  }
  return (folder) => {
    if (exact.has(folder)) return exact.get(folder);
    for (const { before, after, name } of patterns) {
      if (folder.startsWith(before) && folder.endsWith(after)) {
        const star = folder.slice(before.length, folder.length - after.length);
        if (star !== "" && !star.includes("/")) return name.replace("*", star);
      }
    }
    return undefined;
  };
}

/** GitHub's heading anchor for a heading's text. */
export function githubSlug(text) {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
    .replace(/ /g, "-");
}

/** A markdown-it core rule: code spans in headings become tokens typedoc's heading renderer reads. */
function keepCodeInHeadings(parser) {
  parser.core.ruler.push("secrets-loader-heading-code", (state) => {
    const { tokens } = state;
    for (let i = 0; i + 1 < tokens.length; i++) {
      if (tokens[i].type !== "heading_open" || tokens[i + 1].type !== "inline") continue;
      const inline = tokens[i + 1];
      inline.children = (inline.children ?? []).flatMap((child) => {
        if (child.type !== "code_inline") return [child];
        const open = new state.Token("html_inline", "", 0);
        open.content = "<code>";
        const text = new state.Token("text", "", 0);
        text.content = child.content;
        const close = new state.Token("html_inline", "", 0);
        close.content = "</code>";
        return [open, text, close];
      });
    }
  });
}

/**
 * Removes a leading `# Title` line from Markdown display parts (a title may span
 * several parts: text, then a code span, then text); returns the title, or undefined.
 */
function takeTitle(parts) {
  const first = parts[0];
  if (first === undefined || first.kind !== "text" || !/^\s*# /.test(first.text)) return undefined;
  let title = "";
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const end = part.kind === "text" ? part.text.indexOf("\n") : -1;
    if (end === -1) {
      title += part.text;
      continue;
    }
    title += part.text.slice(0, end);
    part.text = part.text.slice(end).replace(/^\n+/, "");
    parts.splice(0, i);
    return title
      .replace(/^\s*# /, "")
      .replace(/`/g, "")
      .trim();
  }
  return undefined;
}

/** @param {import("typedoc").Application} app */
export function load(app) {
  Slugger.prototype.serialize = (value) => githubSlug(value) || "_";
  // The renderer makes a new markdown-it parser at each render's start; add the rule after it.
  app.renderer.on(
    Renderer.EVENT_BEGIN,
    () => keepCodeInHeadings(app.renderer.markedPlugin.parser),
    -100,
  );
  const pathOf = new WeakMap();
  const idealBaseName = KindRouter.prototype.getIdealBaseName;
  KindRouter.prototype.getIdealBaseName = function (reflection) {
    const path = pathOf.get(reflection);
    if (path === undefined) return idealBaseName.call(this, reflection);
    return `documents/${path.replace(/\/README$/, "").replace(/[^\w-]+/g, "_")}`;
  };
  app.converter.on(Converter.EVENT_CREATE_DOCUMENT, (_context, document) => {
    pathOf.set(document, document.name);
    const group = document.name.startsWith("examples/") ? "Examples" : "Guides";
    const title = takeTitle(document.content);
    if (title !== undefined) document.name = title;
    document.frontmatter.group ??= group;
  });
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    if (context.project.readme !== undefined) takeTitle(context.project.readme);
  });
  const lookup = importPaths();
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.getChildrenByKind(ReflectionKind.Module)) {
      const name = lookup(module.name);
      if (name === undefined) {
        app.logger.error(
          `typedoc-plugin: no package.json "exports" entry maps to the entry point "${module.name}" ` +
            `(add one, or remove the entry point from typedoc.json)`,
        );
        continue;
      }
      module.name = name;
    }
  });
}
