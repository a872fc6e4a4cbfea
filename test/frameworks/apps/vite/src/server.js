// Server code (Vite SSR entry and esbuild node bundle): reads env:// at run time, and reports
// what a provider whose SDK is not installed (aws-sm://) fails with.
import { getSecret } from "secrets-loader";

export async function render() {
  const value = await getSecret("env://SL_FW_SECRET");
  const missing = await getSecret("aws-sm://prod/db").then(
    () => null,
    (e) => ({ name: e.name, code: e.code, packageName: e.packageName, message: e.message }),
  );
  const notFound = await getSecret("env://SL_FW_UNSET_VARIABLE").then(
    () => null,
    (e) => ({ name: e.name, code: e.code }),
  );
  return { value, missing, notFound };
}
