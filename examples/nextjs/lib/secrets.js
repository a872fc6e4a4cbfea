// Server-only code: every read goes through the zero-config client, one per process, so the
// values instrumentation.js loads at start-up are served to every route from the same cache.
import { getSecret, load } from "secrets-loader";

/** The app's secrets, as references (the values live in the environment or a secret manager). */
export const SECRETS = { WEATHER_API_KEY: "env://WEATHER_API_KEY" };

/** Reads every secret once at start-up: a missing one stops the server before it serves. */
export async function loadAtStartup() {
  await load(SECRETS);
}

/** The weather API key, from the cache (read at start-up, refreshed as the cache says). */
export function weatherApiKey() {
  return getSecret(SECRETS.WEATHER_API_KEY);
}

/** What the "weather API" answers; the key never leaves the server. */
export async function forecast(city) {
  const key = await weatherApiKey();
  // A real app would call the weather API with `Authorization: Bearer ${key}` here.
  void key;
  return { city, tempC: 21 };
}
