// Deliberately wrong: no connection(), so `next build` prerenders this page and the value it
// reads is frozen into .next/server/app (secrets-loader warns; the doctor fails item 3).
import { weatherApiKey } from "../../lib/secrets.js";

export default async function Page() {
  return <p id="baked">{await weatherApiKey()}</p>;
}
