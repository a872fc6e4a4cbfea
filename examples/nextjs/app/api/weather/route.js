// A route handler: the browser calls /api/weather, never the weather API, so the key stays here.
// `connection()` keeps it dynamic: a GET handler is otherwise prerendered by `next build`.
import { connection } from "next/server";
import { forecast } from "../../../lib/secrets.js";

export async function GET(request) {
  await connection();
  const city = new URL(request.url).searchParams.get("city") ?? "Paris";
  const { tempC } = await forecast(city);
  return Response.json({ city, tempC });
}
