// Registers a custom provider: secrets kept in a JSON file, as `file://` references.
// A provider is a plain object made by a factory; the client adds the cache,
// single flight, #field selection, events and redaction around it.
//
//   node examples/custom-provider/main.mjs
import { readFile } from "node:fs/promises";
import { createSecrets, NotFoundError, ProviderError } from "secrets-loader";

/** Secrets from a JSON file: `file://<key>` reads `data[key]`. */
function jsonFileProvider(path) {
  return {
    name: "json-file",
    scheme: "file",
    // The parser validates file:// references before any I/O.
    referenceSpec: {
      example: "file://stripe",
      validatePath: (p) =>
        /^[a-z0-9_-]+$/i.test(p) ? undefined : "a key uses letters, digits, '_' and '-' only",
    },
    async getSecret(ref) {
      let data;
      try {
        data = JSON.parse(await readFile(path, "utf8"));
      } catch (cause) {
        // Keep the cause; never put file contents in a message.
        throw new ProviderError({
          provider: "json-file",
          reference: ref.raw,
          message: `cannot read ${path}`,
          cause,
        });
      }
      const value = data[ref.path];
      if (value === undefined)
        throw new NotFoundError({
          provider: "json-file",
          reference: ref.raw,
          message: `${ref.path} is not in ${path}`,
        });
      return { value: typeof value === "string" ? value : JSON.stringify(value) };
    },
  };
}

const secrets = createSecrets({
  providers: { file: jsonFileProvider(new URL("./secrets.json", import.meta.url)) },
  cache: { maxAge: "10m" },
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
