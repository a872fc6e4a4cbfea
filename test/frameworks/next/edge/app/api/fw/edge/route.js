// An edge route: secrets-loader refuses it, naming the edge runtime and the fix.
import { getSecret } from "secrets-loader";

export const runtime = "edge";

export async function GET() {
  return Response.json({ value: typeof getSecret });
}
