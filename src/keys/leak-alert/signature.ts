/**
 * The alerts' signature: ECDSA over P-256 with SHA-256, of the raw body bytes, sent as base64
 * of the DER encoding. node:crypto does it all; this module only refuses anything else (another
 * curve or key type in a published list, a signature that is not base64).
 */
import { createPublicKey, type KeyObject, verify } from "node:crypto";

/** A DER ECDSA P-256 signature is at most 72 bytes: 96 base64 characters. */
const MAX_SIGNATURE_CHARS = 200;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Parses a PEM public key, or says why it is not an ECDSA P-256 key. */
export function parsePublicKey(pem: string): KeyObject | string {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return "not a PEM public key";
  }
  if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    return "not an ECDSA P-256 key";
  }
  return key;
}

/** True when `signature` (base64 DER) signs exactly `body` under `key`. */
export function verifySignature(key: KeyObject, body: Uint8Array, signature: string): boolean {
  if (signature.length > MAX_SIGNATURE_CHARS || !BASE64.test(signature)) return false;
  try {
    return verify("sha256", body, { key, dsaEncoding: "der" }, Buffer.from(signature, "base64"));
  } catch {
    // A DER structure that does not parse is a bad signature, not an error.
    return false;
  }
}
