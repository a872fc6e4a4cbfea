import { withSecretsLoader } from "secrets-loader";

// withSecretsLoader: secrets-loader loads the SDKs by name at run time, out of the file tracer's
// sight; with `output: "standalone"`, this ships the ones installed here (none is by default).
/** @type {import("next").NextConfig} */
const nextConfig = {
  output: process.env.NEXT_OUTPUT === "standalone" ? "standalone" : undefined,
};

export default withSecretsLoader(nextConfig);
