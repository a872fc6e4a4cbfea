"use client";
// A client component: it runs in the browser, so it must not import secrets-loader (the build
// would fail, naming the package). It gets data only through the server action.
import { useState } from "react";
import { getForecast } from "./actions.js";

export default function Forecast() {
  const [result, setResult] = useState(null);
  return (
    <section>
      <button type="button" onClick={async () => setResult(await getForecast("Oslo"))}>
        Forecast for Oslo
      </button>
      {result && (
        <p id="client">
          {result.city}: {result.tempC} °C
        </p>
      )}
    </section>
  );
}
