/**
 * Reference rules for `vault://`, checked before any I/O; shared by the
 * provider's declaration (its schemes).
 */

import type { ReferenceRule } from "../../src/provider/index.js";

const VAULT_SEGMENT = /^[A-Za-z0-9_.@+=-]+$/;
const POSITIVE_INT = /^[1-9]\d{0,9}$/;

const ok = (path: string, options: Record<string, string>) => ({ path, options });

export const vault: ReferenceRule = {
  example: "vault://secret/app/db?version=2#password",
  options: {
    version: POSITIVE_INT,
    kv: ["1", "2"],
    namespace: /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/,
    // Response wrapping: the value is a single-use wrapping token, valid this long.
    wrapTTL: /^[1-9]\d{0,6}[smh]?$/,
  },
  path(path, options) {
    if (path.startsWith("/") || path.endsWith("/")) {
      const trimmed = path.replace(/^\/+|\/+$/g, "");
      return {
        problem: "a Vault path has no leading or trailing '/'",
        part: path,
        example: `vault://${trimmed || "secret/app"}`,
      };
    }
    const segments = path.split("/");
    if (segments.length < 2) {
      return {
        problem: "give the mount and the secret's path",
        part: path,
        example: `vault://secret/${path}`,
      };
    }
    for (const s of segments) {
      if (s === "" || s === "." || s === ".." || !VAULT_SEGMENT.test(s)) {
        return {
          problem: "each path segment is non-empty and uses letters, digits and _.@+=- only",
          part: s || "//",
        };
      }
    }
    return ok(path, options);
  },
  combine(options) {
    if (options.version && options.kv === "1") {
      return {
        problem: "KV version 1 has no versions",
        part: "version",
        example: "vault://kv1/app#password",
      };
    }
    return undefined;
  },
};
