// Compact JWS (RFC 7515) signing and checking with node:crypto: enough for the stand-in's
// access tokens (RS256, like Entra's) and for federated tokens (ES256 or RS256).
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";

export type JwtAlg = "RS256" | "ES256";
export type Claims = Record<string, unknown>;

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

/** Signs `claims` with `key` (a private KeyObject or PEM). */
export function signJwt(
  claims: Claims,
  key: KeyObject | string,
  alg: JwtAlg,
  kid?: string,
): string {
  const input = `${b64({ alg, typ: "JWT", ...(kid ? { kid } : {}) })}.${b64(claims)}`;
  const sig = sign("sha256", Buffer.from(input), {
    key: typeof key === "string" ? createPrivateKey(key) : key,
    ...(alg === "ES256" ? { dsaEncoding: "ieee-p1363" as const } : {}),
  });
  return `${input}.${sig.toString("base64url")}`;
}

/** Why a token is refused, or its claims. Never echoes the token itself. */
export type JwtCheck = { ok: true; claims: Claims } | { ok: false; reason: string };

/**
 * Verifies signature, `iss`, `aud` (string or array) and `exp`/`nbf` (60 s leeway, as Entra
 * allows a few minutes of clock skew).
 */
export function verifyJwt(
  token: string,
  key: KeyObject | string,
  expect: { issuer: string; audience: string | readonly string[] },
): JwtCheck {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "not a JWS compact token" };
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: string };
  let claims: Claims;
  try {
    header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed token" };
  }
  if (header.alg !== "RS256" && header.alg !== "ES256") {
    return { ok: false, reason: `unsupported alg ${String(header.alg)}` };
  }
  const pub = typeof key === "string" ? createPublicKey(key) : key;
  const good = verify(
    "sha256",
    Buffer.from(`${h}.${p}`),
    { key: pub, ...(header.alg === "ES256" ? { dsaEncoding: "ieee-p1363" as const } : {}) },
    Buffer.from(s, "base64url"),
  );
  if (!good) return { ok: false, reason: "signature verification failed" };
  if (claims.iss !== expect.issuer) return { ok: false, reason: "invalid issuer" };
  const audiences = typeof expect.audience === "string" ? [expect.audience] : expect.audience;
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.some((a) => audiences.includes(a as string))) {
    return { ok: false, reason: "invalid audience" };
  }
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== "number" || claims.exp + 60 < now) {
    return { ok: false, reason: "token is expired" };
  }
  if (typeof claims.nbf === "number" && claims.nbf - 60 > now) {
    return { ok: false, reason: "token is not yet valid" };
  }
  return { ok: true, claims };
}
