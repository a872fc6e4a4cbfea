/**
 * Context and counting of findings. A keyword or entropy finding in a test
 * folder, a README or an example is almost always a stand-in (`password1`,
 * an axios README's `s00pers3cret`): it is listed, but neither fails the
 * scan nor is told to "revoke at issuer now". A key whose format proves it
 * is one (a fixed prefix, a checksum, an AWS id with its secret) counts
 * wherever it is: a folder name never hides a live key.
 */

import type { Confidence, FindingContext } from "./types.js";

// Folders whose files are tests or their data.
const TEST_DIR =
  /(?:^|\/)(?:tests?|specs?|__tests__|__mocks__|__fixtures__|fixtures?|testdata|test-?data|e2e|cypress|mocks?)\//i;
// Test files by name: a.test.ts, a.spec.js, a_test.go, test_a.py, a_spec.rb, ATest.java.
const TEST_FILE =
  /(?:\.(?:test|spec|e2e)\.[a-z0-9]+|_(?:test|spec)\.[a-z0-9]+|(?:^|\/)test_[^/]+\.py|(?:^|\/)[A-Z]\w*Tests?\.(?:java|kt|cs|scala))$/;
// Documentation and examples; also TypeScript declaration files, which hold
// types and doc comments (their @example values), never a value that runs.
const DOCS_DIR = /(?:^|\/)(?:docs?|documentation|examples?|samples?|demos?|tutorials?|guides?)\//i;
const DOCS_FILE =
  /(?:^|\/)(?:readme|changelog|contributing|history|usage)(?:\.[a-z0-9]+)?$|\.(?:md|mdx|markdown|rst|adoc|asciidoc|txt|ipynb)$|\.(?:example|sample|template|dist)$|(?:^|\/)\.env\.(?:example|sample|template|dist)$|\.d\.[cm]?ts$/i;

// Values written as obvious stand-ins in tests and tutorials: a word for a
// secret with a digit or two, or a word made "valid" with a prefix.
const DUMMY =
  /^(?:(?:wrong|bad|invalid|incorrect|new|old|other|another|test|my|fake|dummy|valid|correct|good|strong|weak|user|admin|default)[-_]?)?(?:pass(?:word)?|passwd|pwd|secret|token|key|hunter|letmein|qwerty|abc|s00pers3cret|rapunz3l)[-_]?\d{0,6}[!@#$]?$/i;

/**
 * The context class of `file` (path relative to the scanned root).
 *
 * @example
 * ```ts
 * pathContext("test/auth.test.ts"); // "test-fixture"
 * pathContext("README.md");         // "docs-example"
 * pathContext("src/db.ts");         // "source"
 * ```
 */
export function pathContext(file: string): FindingContext {
  const p = file.replace(/\\/g, "/");
  // node_modules: a package's own tests and README are still tests and docs.
  if (TEST_DIR.test(p) || TEST_FILE.test(p)) return "test-fixture";
  if (DOCS_DIR.test(p) || DOCS_FILE.test(p)) return "docs-example";
  return "source";
}

/**
 * True for a well-known dummy secret (`password1`, `wrongPassword1`, `secret123`).
 *
 * @example
 * ```ts
 * isDummyValue("wrongPassword1"); // true
 * isDummyValue("Xk9mQ2vL?7pRw4Tz"); // false
 * ```
 */
export function isDummyValue(value: string): boolean {
  return DUMMY.test(value);
}

/**
 * True when a finding counts: it fails the scan (exit 1) and is told to
 * rotate. A `local` file (not committed) never counts; a keyword finding
 * counts in `source` only; a format-proven key counts anywhere; a
 * lower-confidence finding (a lone AWS key id) never counts.
 *
 * @example
 * ```ts
 * counts({ confidence: "high", context: "test-fixture" }, false); // true: a key format
 * counts({ confidence: "high", context: "test-fixture" }, true);  // false: a keyword finding
 * ```
 */
export function counts(
  f: { confidence: Confidence; context: FindingContext },
  keywordRule: boolean,
): boolean {
  if (f.context === "local" || f.confidence !== "high") return false;
  return !keywordRule || f.context === "source";
}
