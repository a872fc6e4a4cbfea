// A provider whose SDK is not installed: the error a bundled app gets.
import { connection } from "next/server";
import { getSecret } from "secrets-loader";

export async function GET() {
  await connection();
  try {
    await getSecret("aws-sm://prod/db");
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
