// A server component: it runs on the server only, so it may read a secret. `connection()`
// makes the page render at request time; without it `next build` prerenders the page and
// whatever it read is frozen into the build output.
import { connection } from "next/server";
import { forecast } from "../lib/secrets.js";
import Forecast from "./forecast.jsx";

export default async function Page() {
  await connection();
  const paris = await forecast("Paris");
  return (
    <main>
      <h1>Weather</h1>
      <p id="server">
        {paris.city}: {paris.tempC} °C
      </p>
      <Forecast />
    </main>
  );
}
