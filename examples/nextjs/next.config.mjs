/** @type {import("next").NextConfig} */
const nextConfig = {
  // Ships node_modules/secrets-loader with the server (file tracing follows its imports).
  output: process.env.NEXT_OUTPUT === "standalone" ? "standalone" : undefined,
};

export default nextConfig;
