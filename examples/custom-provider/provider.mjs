// A provider of your own: secrets kept in a JSON file, read as `file://<key>`.
// It is a plain object made by a factory; the client adds the cache, single
// flight, #field selection, deadlines, events and redaction around it.
import { readFile } from "node:fs/promises";
import { NotFoundError, ProviderError } from "secrets-loader/provider";

/** Secrets from a JSON file: `file://<key>` reads `data[key]`. */
export function jsonFileProvider(path) {
  return {
    name: "json-file",
    scheme: "file",
    // Checked by the parser before any I/O: a bad key never reaches getSecret.
    rules: {
      file: {
        example: "file://stripe",
        path: (key, options) =>
          /^[a-z0-9_-]+$/i.test(key)
            ? { path: key, options }
            : { problem: "a key uses letters, digits, '_' and '-' only", part: key },
      },
    },
    async getSecret(ref, call) {
      let data;
      try {
        // call.signal fires on the call's deadline or when the client closes.
        data = JSON.parse(await readFile(path, { encoding: "utf8", signal: call.signal }));
      } catch (cause) {
        // Keep the cause; never put file contents in a message.
        throw new ProviderError({
          provider: "json-file",
          reference: ref.raw,
          message: `json-file: cannot read ${path}`,
          cause,
        });
      }
      const value = Object.hasOwn(data, ref.path) ? data[ref.path] : undefined;
      if (value === undefined) {
        throw new NotFoundError({
          provider: "json-file",
          reference: ref.raw,
          message: `json-file: ${ref.path} is not in ${path}`,
        });
      }
      return { value: typeof value === "string" ? value : JSON.stringify(value) };
    },
  };
}
