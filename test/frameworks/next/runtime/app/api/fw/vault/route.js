// A vault:// read: with node-vault shipped, any error but MISSING_DEPENDENCY (e.g. UNAVAILABLE
// against a closed port) proves the SDK loaded.
import { connection } from "next/server";
import { getSecret } from "secrets-loader";

export async function GET() {
  await connection();
  try {
    await getSecret("vault://secret/fw/app#key", { timeout: 5_000 });
    return Response.json({ read: true });
  } catch (e) {
    return Response.json({
      name: e.name,
      code: e.code,
      packageName: e.packageName,
      message: e.message,
    });
  }
}
