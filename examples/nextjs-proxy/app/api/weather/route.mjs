// app/api/weather/route.mjs: a server-side weather proxy as a Next.js route
// handler (same export shape: GET(request) -> Response). The API key is read
// on the server with getSecret(); the browser only ever talks to /api/weather.
import { getSecret } from "secrets-loader";

const UPSTREAM = process.env.WEATHER_API_URL ?? "https://api.weather.com/v1/current";

export async function GET(request) {
  const { searchParams } = new URL(request.url);
  const city = searchParams.get("city");
  const key = await getSecret("env://WEATHER_API_KEY");
  const res = await fetch(`${UPSTREAM}?city=${encodeURIComponent(city ?? "")}`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  return new Response(await res.text(), {
    status: res.status,
    headers: { "Content-Type": "application/json" },
  });
}
