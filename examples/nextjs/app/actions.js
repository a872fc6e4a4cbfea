"use server";
// A server action: the client component calls it like a function, Next runs it on the server.
// It returns data, never the key.
import { forecast } from "../lib/secrets.js";

export async function getForecast(city) {
  if (typeof city !== "string" || city.length === 0 || city.length > 100)
    throw new Error("getForecast(city): city must be a non-empty string");
  const { tempC } = await forecast(city);
  return { city, tempC };
}
