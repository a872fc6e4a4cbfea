// The value read at request time, as a fingerprint (the test compares it with its own).
import { createHash } from "node:crypto";
import { connection } from "next/server";
import { weatherApiKey } from "../../../../lib/secrets.js";

export async function GET() {
  await connection();
  const key = await weatherApiKey();
  return Response.json({ sha256: createHash("sha256").update(key).digest("hex") });
}
