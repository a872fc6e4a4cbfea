// Next 16's proxy (the former middleware) runs on Node.js: it may read secrets.
import { createHash } from "node:crypto";
import { getSecret } from "secrets-loader";

export async function proxy() {
  const key = await getSecret("env://WEATHER_API_KEY");
  return Response.json({ sha256: createHash("sha256").update(key).digest("hex") });
}

export const config = { matcher: "/fw-proxied" };
