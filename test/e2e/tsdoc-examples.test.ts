/**
 * Every TSDoc `@example` of the published code type-checks.
 *
 * Each example becomes its own module, compiled against the sources under the
 * import paths users write (`secrets-loader`, `secrets-loader/providers/aws`,
 * ...). Examples are fragments, so names they use but do not declare are
 * supplied: an export of the package is imported from its entry; a few names
 * the fragments share get real types (`secrets` is a `Secrets` client,
 * `roleArn` a string, `ctx` a `ProviderContext`, ...); any other free name is
 * declared `any` (their count is logged).
 * What is checked is then what an example states: calls, generics, options,
 * result types. One tsc program for all examples keeps this to seconds.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  name: string;
  exports: Record<string, { types?: string } | string>;
};

/** Import path -> source entry, from package.json's exports (the `types` target, mapped back to .ts). */
function entries(): Map<string, string> {
  const map = new Map<string, string>();
  for (const [key, target] of Object.entries(pkg.exports)) {
    const types = typeof target === "string" ? undefined : target.types;
    if (types === undefined) continue;
    const source = types.replace(/^\.\/dist\//, "").replace(/\.d\.ts$/, ".ts");
    const name = key === "." ? pkg.name : `${pkg.name}/${key.slice(2)}`;
    if (name.includes("*")) {
      for (const provider of ["env", "aws", "gcp", "azure", "vault"]) {
        map.set(name.replace("*", provider), source.replace("*", provider));
      }
    } else {
      map.set(name, source);
    }
  }
  return map;
}

interface Example {
  file: string;
  line: number;
  code: string;
}

/** Every ```ts block after an `@example` tag in the doc comments of `files`. */
function examples(files: string[]): Example[] {
  const found: Example[] = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), "utf8");
    for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
      const lines = comment[0].split("\n").map((l) => l.replace(/^\s*\/?\*+\/?\s?/, ""));
      const start = text.slice(0, comment.index).split("\n").length;
      let inExample = false;
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] ?? "";
        if (/^@example\b/.test(line)) inExample = true;
        else if (/^@\w/.test(line)) inExample = false;
        if (!inExample || !/^```(ts|typescript)\s*$/.test(line.trim())) continue;
        const code: string[] = [];
        for (i++; i < lines.length && !/^```/.test((lines[i] ?? "").trim()); i++) {
          code.push(lines[i] ?? "");
        }
        found.push({ file, line: start + i - code.length, code: code.join("\n") });
      }
    }
  }
  return found;
}

/** Whether `code` has a `return` that no function encloses. */
function returnsAtTopLevel(code: string): boolean {
  const visit = (node: ts.Node): boolean =>
    ts.isReturnStatement(node) ||
    (!ts.isFunctionLike(node) && !ts.isClassLike(node) && (ts.forEachChild(node, visit) ?? false));
  return visit(ts.createSourceFile("example.ts", code, ts.ScriptTarget.Latest));
}

/** Names the fragments share, with the types they stand for. */
const CONTEXT: Record<string, string> = {
  secrets: 'import("secrets-loader").Secrets',
  roleArn: "string",
  ctx: 'import("secrets-loader/provider").ProviderContext',
  call: 'import("secrets-loader/provider").CallContext',
  parsed: 'import("secrets-loader/provider").ParsedRef',
};

/** Diagnostics that mean "this fragment uses a name it does not declare". */
const FREE_NAME = new Set([2304, 2552, 2580, 2582, 2593, 18004, 2749]);

const outDir = join(root, "node_modules/.cache/secrets-loader-tests/tsdoc-examples");
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("TSDoc examples", () => {
  it("type-check against the package's own entries", () => {
    const map = entries();
    const program = ts.createProgram(
      [...map.values()].map((f) => join(root, f)),
      {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2023,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        allowImportingTsExtensions: true,
      },
    );
    const checker = program.getTypeChecker();
    // Export name -> the first import path (root first) that exports it.
    const exportsOf = new Map<string, string>();
    for (const [path, file] of map) {
      const source = program.getSourceFile(join(root, file));
      const symbol = source && checker.getSymbolAtLocation(source);
      for (const exported of symbol ? checker.getExportsOfModule(symbol) : []) {
        if (!exportsOf.has(exported.name)) exportsOf.set(exported.name, path);
      }
    }
    const files = program
      .getSourceFiles()
      .map((s) => relative(root, s.fileName))
      .filter((f) => !f.startsWith("node_modules") && !f.startsWith(".."));
    const all = examples(files);
    expect(all.length).toBeGreaterThan(100);

    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    const written = new Map<string, Example>();
    all.forEach((example, n) => {
      const declared = new Set(
        [
          ...example.code.matchAll(
            /(?:import\s+(?:type\s+)?\{([^}]*)\})|(?:import\s+(?:\*\s+as\s+)?(\w+))|(?:(?:const|let|var|function|class|interface|type|enum)\s+(\w+))|(?:(?:const|let|var)\s+\{([^}=]*)\})/g,
          ),
        ]
          .flatMap((m) => (m[1] ?? m[2] ?? m[3] ?? m[4] ?? "").split(","))
          .map((s) =>
            s
              .replace(/^\s*type\s+/, "")
              .replace(/.*\s+as\s+/, "")
              .replace(/:.*/, "")
              .trim(),
          )
          .filter(Boolean),
      );
      const used = new Set(
        example.code.replace(/(["'`]).*?\1/g, "").match(/\b[A-Za-z_$][\w$]*\b/g),
      );
      const preamble: string[] = [];
      for (const name of used) {
        if (declared.has(name)) continue;
        const from = exportsOf.get(name);
        if (from !== undefined) preamble.push(`import { ${name} } from "${from}";`);
        else if (Object.hasOwn(CONTEXT, name))
          preamble.push(`declare const ${name}: ${CONTEXT[name]};`);
      }
      // Imports of the example's own sibling modules ("./runtime.js") stand for code not shown.
      let code = example.code.replace(/from\s+"(\.[^"]*)"/g, 'from "example-local:$1"');
      code = code.replace(/import\(\s*"(\.[^"]*)"\s*\)/g, 'import("example-local:$1")');
      // A fragment with a `return` outside any function is a function body: wrap it.
      if (returnsAtTopLevel(code)) {
        const lines = code.split("\n");
        const imports = lines.filter((l) => /^import\s/.test(l)).join("\n");
        const body = lines.filter((l) => !/^import\s/.test(l)).join("\n");
        code = `${imports}\nexport async function example(): Promise<unknown> {\n${body}\n}`;
      }
      const file = join(outDir, `example-${n}.mts`);
      writeFileSync(file, `${preamble.join("\n")}\n${code}\nexport {};\n`);
      written.set(file, example);
    });

    // Modules an example names that this repository does not install or show.
    const ambient = join(outDir, "ambient.d.ts");
    writeFileSync(
      ambient,
      'declare module "example-local:*";\ndeclare module "@google-cloud/storage";\n',
    );
    const paths: Record<string, string[]> = {};
    for (const [path, file] of map) paths[path] = [join(root, file)];
    const options: ts.CompilerOptions = {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2023,
      lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
      types: ["node"],
      strict: true,
      // Fragments' callbacks leave parameters untyped, as the real call site would type them.
      noImplicitAny: false,
      noEmit: true,
      skipLibCheck: true,
      allowImportingTsExtensions: true,
      baseUrl: root,
      paths,
    };
    // Each pass reuses the previous program: only the rewritten examples are parsed again.
    let previous: ts.Program | undefined;
    const check = (): ts.Diagnostic[] => {
      previous = ts.createProgram([...written.keys(), ambient], options, undefined, previous);
      return ts
        .getPreEmitDiagnostics(previous)
        .filter((d) => d.file && written.has(d.file.fileName));
    };
    // Free names no export and no context type covers: declared `any`, once.
    const free = new Map<string, Set<string>>();
    for (const d of check()) {
      if (!FREE_NAME.has(d.code)) continue;
      const name = /'([^']+)'/.exec(ts.flattenDiagnosticMessageText(d.messageText, "\n"))?.[1];
      if (d.file && name)
        free.set(d.file.fileName, (free.get(d.file.fileName) ?? new Set()).add(name));
    }
    for (const [file, names] of free) {
      const text = readFileSync(file, "utf8");
      // Both a value and a type: a fragment may use the name either way.
      const declarations = [...names].map((n) => `declare const ${n}: any; type ${n} = any;`);
      writeFileSync(file, `${declarations.join("\n")}\n${text}`);
    }
    console.log(
      `${all.length} examples; ${[...free.values()].reduce((n, s) => n + s.size, 0)} free names declared any`,
    );
    const errors = check().map((d) => {
      const example = d.file ? written.get(d.file.fileName) : undefined;
      const at =
        d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const line =
        (example?.line ?? 0) +
        (at
          ? at.line -
            (d.file?.text
              .split("\n")
              .findIndex((l) => !l.startsWith("import ") && !l.startsWith("declare ")) ?? 0)
          : 0);
      return `${example?.file}:${line}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
    });
    expect(errors).toEqual([]);
  }, 120_000);
});
