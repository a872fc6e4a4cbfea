// A provider of your own: secrets kept in a JSON file, read as `file://<key>`.
// Declared with defineProvider, like every built-in: the declaration says
// which scheme it serves and how its references are checked; create()
// returns the operations. The client adds the cache, single flight, #field
// selection, deadlines, events, redaction and the registered name around it.
import { readFile } from "node:fs/promises";
import { defineProvider, NotFoundError, ProviderError } from "secrets-loader/provider";

/** Secrets from a JSON file: `file://<key>` reads `data[key]`. Options: `{ path }`. */
export const jsonFileProvider = defineProvider({
  name: "json-file",
  schemes: {
    // Checked by the parser before any I/O: a bad key never reaches getSecret.
    file: {
      example: "file://stripe",
      path: (key, options) =>
        /^[a-z0-9_-]+$/i.test(key)
          ? { path: key, options }
          : { problem: "a key uses letters, digits, '_' and '-' only", part: key },
    },
  },
  suggestions: { json: "file" },
  // What `secrets doctor` checks in secrets.config.json's providers["json-file"].
  options: async () => (options) =>
    typeof options.path === "string" || options.path instanceof URL
      ? undefined
      : { path: ["path"], message: "must be the JSON file's path" },
  create: (_context, { path }) => ({
    async getSecret(ref, call) {
      let data;
      try {
        // call.signal fires on the call's deadline or when the client closes.
        data = JSON.parse(await readFile(path, { encoding: "utf8", signal: call.signal }));
      } catch (cause) {
        // Keep the cause; never put file contents in a message.
        throw new ProviderError({
          reference: ref.raw,
          message: `json-file: cannot read ${path}`,
          cause,
        });
      }
      const value = Object.hasOwn(data, ref.path) ? data[ref.path] : undefined;
      if (value === undefined) {
        throw new NotFoundError({
          reference: ref.raw,
          message: `json-file: ${ref.path} is not in ${path}`,
        });
      }
      return { value: typeof value === "string" ? value : JSON.stringify(value) };
    },
  }),
});
