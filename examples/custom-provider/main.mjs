// Registers a custom provider (provider.mjs) with one line and uses it.
//
//   node examples/custom-provider/main.mjs
import { createSecrets } from "secrets-loader";
import { jsonFileProvider } from "./provider.mjs";

const secrets = createSecrets({
  providers: { file: jsonFileProvider({ path: new URL("./secrets.json", import.meta.url) }) },
  cache: { maxAge: "10m" },
  timeout: "2s",
});

const stripe = await secrets.getSecret("file://stripe");
const dbUser = await secrets.getSecret("file://database#user");
console.log(`stripe key: ${stripe.length} characters; database user: ${dbUser}`);

try {
  await secrets.getSecret("file://missing");
} catch (err) {
  console.log(`missing key -> ${err.code}: ${err.message}`);
}
try {
  await secrets.getSecret("file://bad key");
} catch (err) {
  console.log(`malformed reference -> ${err.code}`);
}
await secrets.close();
