/**
 * The Node builtins this entry uses, loaded on first use rather than at import: together
 * node:crypto, node:zlib and node:net take about 15 ms to load, which would by itself use up
 * the entry's import budget, and a service that imports the keyring at start-up may not
 * need them until it issues or verifies its first key (often after its HTTP server, which
 * loads most of them anyway, is up). `process.getBuiltinModule` is synchronous, so the hot
 * path stays free of awaits.
 */
import type * as Crypto from "node:crypto";
import type * as Net from "node:net";
import type * as Zlib from "node:zlib";

let crypto: typeof Crypto | undefined;
let net: typeof Net | undefined;
let zlib: typeof Zlib | undefined;

/** node:crypto, loaded on first call. */
export function nodeCrypto(): typeof Crypto {
  crypto ??= process.getBuiltinModule("node:crypto");
  return crypto;
}

/** node:net, loaded on first call (only keys with an IP allowlist need it). */
export function nodeNet(): typeof Net {
  net ??= process.getBuiltinModule("node:net");
  return net;
}

/** node:zlib, loaded on first call (for its CRC-32). */
export function nodeZlib(): typeof Zlib {
  zlib ??= process.getBuiltinModule("node:zlib");
  return zlib;
}
