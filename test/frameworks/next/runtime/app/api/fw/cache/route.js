// Whether a read here is served from the cache instrumentation.js filled at start-up: it is
// only if every bundle (instrumentation, this route) shares the one zero-config client.
import { connection } from "next/server";
import { defaultSecrets } from "secrets-loader";
import { weatherApiKey } from "../../../../lib/secrets.js";

export async function GET() {
  await connection();
  const seen = [];
  const off = defaultSecrets().on((e) => seen.push(e.type));
  await weatherApiKey();
  off();
  return Response.json({ events: seen });
}
