/**
 * Generates synthetic inputs for bench/scan.bench.ts: a source tree of N
 * files / M bytes that reads like a real code base (lots of `key`, `token`
 * and `password` words in ordinary code, base64 blobs, JSON, YAML, Markdown),
 * with a known number of planted fake keys, and a git history of K commits.
 *
 * The fake keys are assembled at run time from a prefix and random
 * characters, so this file itself contains no key.
 *
 * Usage: node scripts/bench/generate.ts tree <dir> [files] [megabytes]
 *        node scripts/bench/generate.ts history <dir> [commits]
 */

import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A small deterministic PRNG (mulberry32) so every run builds the same tree. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64 = `${ALNUM}+/`;

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)] as T;
}

function chars(rand: () => number, alphabet: string, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}

/** Fake keys of several kinds, each a fresh random value. */
export function fakeKey(rand: () => number, i: number): string {
  switch (i % 5) {
    case 0:
      return ["sk", "live", chars(rand, ALNUM, 24)].join("_");
    case 1:
      return ["gh", "p_", chars(rand, ALNUM, 36)].join("");
    case 2:
      return ["AI", "za", chars(rand, `${ALNUM}_-`, 35)].join("");
    case 3:
      return [
        "xo",
        "xb-",
        chars(rand, "0123456789", 11),
        "-",
        chars(rand, "0123456789", 12),
        "-",
        chars(rand, ALNUM, 24),
      ].join("");
    default:
      return ["sk-", "proj-", chars(rand, ALNUM, 48)].join("");
  }
}

// Ordinary code: most lines hold no keyword at all.
const PLAIN_LINES = [
  (r: () => number) =>
    `  const ${pick(r, ["items", "rows", "users", "orders"])} = await db.query("SELECT * FROM t WHERE id = $1", [id]);`,
  (r: () => number) =>
    `  logger.info({ requestId: "${chars(r, "0123456789abcdef", 32)}", durationMs: ${Math.floor(r() * 900)} });`,
  () => `import { createHash } from "node:crypto";`,
  (r: () => number) =>
    `  return { id: ${Math.floor(r() * 1e6)}, name: "${chars(r, ALNUM, 10)}", active: true };`,
  (r: () => number) => `const ICON = "data:image/png;base64,${chars(r, B64, 120)}";`,
  (r: () => number) => `  sha256: "${chars(r, "0123456789abcdef", 64)}",`,
  () => `export async function handler(event, context) {`,
  () => `  if (!event.body) throw new HttpError(400, "missing body");`,
  (r: () => number) =>
    `  const total = items.reduce((sum, it) => sum + it.price * ${Math.floor(r() * 10)}, 0);`,
  () => `  for (const row of rows) out.push(transform(row));`,
  () => `  res.status(200).json({ ok: true, data: out });`,
  (r: () => number) => `    // retry with backoff, attempt ${Math.floor(r() * 5)}`,
  () => `def parse_args(argv):`,
  () => `    return argparse.ArgumentParser(description=__doc__).parse_args(argv)`,
  () => `func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {`,
  () => `  },`,
  () => `}`,
  () => ``,
];

// Lines with words the secret-named rule keys on (key, token, password ...).
const KEYWORD_LINES = [
  (r: () => number) => `const cacheKey = buildKey(user.id, "${chars(r, ALNUM, 6)}");`,
  (r: () => number) =>
    `  if (!token || token.expiresAt < Date.now()) return refresh(${Math.floor(r() * 100)});`,
  () => `export function validatePassword(input: string): boolean { return input.length >= 12; }`,
  () => `  const apiKey = process.env.PAYMENT_API_KEY;`,
  () => `  for (const [key, value] of Object.entries(headers)) res.setHeader(key, value);`,
  () => `  password: z.string().min(12).max(128),`,
];

function nextLine(rand: () => number): string {
  return rand() < 0.1 ? pick(rand, KEYWORD_LINES)(rand) : pick(rand, PLAIN_LINES)(rand);
}

function codeFile(rand: () => number, targetBytes: number): string {
  const out: string[] = [];
  let n = 0;
  while (n < targetBytes) {
    const line = nextLine(rand);
    out.push(line);
    n += line.length + 1;
  }
  return out.join("\n");
}

/**
 * Writes a tree of `files` files totalling about `megabytes` MB, with
 * `leaks` planted keys (one per chosen file). Returns the number planted.
 *
 * @example
 * ```ts
 * generateTree("/tmp/tree", 2000, 24, 50);
 * ```
 */
export function generateTree(dir: string, files: number, megabytes: number, leaks = 50): number {
  const rand = prng(42);
  const perFile = Math.floor((megabytes * 1024 * 1024) / files);
  const exts = ["ts", "js", "py", "go", "md", "json", "yml"];
  let planted = 0;
  const every = Math.max(1, Math.floor(files / leaks));
  for (let i = 0; i < files; i++) {
    const sub = join(dir, `pkg${i % 40}`, `mod${i % 7}`);
    if (i < 280) mkdirSync(sub, { recursive: true });
    let body = codeFile(rand, perFile);
    if (i % every === 0 && planted < leaks) {
      body += `\nconst STRIPE_CLIENT = "${fakeKey(rand, planted)}";\n`;
      planted++;
    }
    writeFileSync(join(sub, `file${i}.${exts[i % exts.length]}`), body);
  }
  writeFileSync(join(dir, ".gitignore"), "node_modules/\ndist/\n");
  return planted;
}

/**
 * Creates a git repository with `commits` commits, each editing three files;
 * every 100th commit adds a key (files are trimmed as they grow, so many of
 * the keys later disappear from the tree while staying in history).
 *
 * @example
 * ```ts
 * generateHistory("/tmp/repo", 5000);
 * ```
 */
export function generateHistory(dir: string, commits: number): number {
  const rand = prng(7);
  mkdirSync(dir, { recursive: true });
  const git = (args: string[], input?: string) =>
    execFileSync("git", args, { cwd: dir, input, stdio: ["pipe", "ignore", "inherit"] });
  git(["init", "-q", "-b", "main"]);
  // fast-import writes thousands of commits in one process instead of one
  // `git commit` per commit.
  const stream: string[] = [];
  const files = new Map<string, string>();
  let planted = 0;
  let mark = 0;
  const time = 1_700_000_000;
  for (let c = 0; c < commits; c++) {
    const changes: string[] = [];
    for (let k = 0; k < 3; k++) {
      const name = `src/pkg${Math.floor(rand() * 50)}/file${Math.floor(rand() * 20)}.ts`;
      let body = (files.get(name) ?? "") + codeFile(rand, 600);
      if (body.length > 12_000) body = body.slice(-6000);
      if (c % 100 === 0 && k === 0) {
        body += `\nconst LEGACY = "${fakeKey(rand, planted)}";\n`;
        planted++;
      }
      files.set(name, body);
      changes.push(`M 100644 inline ${name}\ndata ${Buffer.byteLength(body)}\n${body}\n`);
    }
    mark++;
    const msg = `change ${c}`;
    stream.push(
      `commit refs/heads/main\nmark :${mark}\ncommitter Bench <bench@example.test> ${time + c * 60} +0000\ndata ${msg.length}\n${msg}\n${changes.join("")}`,
    );
  }
  git(["fast-import", "--quiet"], stream.join(""));
  git(["checkout", "-q", "-f", "main"]);
  return planted;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [kind, dir, a, b] = process.argv.slice(2);
  if (kind === "tree" && dir) {
    const n = generateTree(dir, Number(a ?? 2000), Number(b ?? 24));
    console.log(`tree ${dir}: planted ${n} keys`);
  } else if (kind === "history" && dir) {
    const n = generateHistory(dir, Number(a ?? 5000));
    console.log(`history ${dir}: planted ${n} keys`);
  } else {
    console.error("usage: node scripts/bench/generate.ts tree|history <dir> [count] [megabytes]");
    process.exit(2);
  }
}
