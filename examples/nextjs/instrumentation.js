// Next.js calls register() once when the server starts. It compiles this file for the edge
// runtime too, where secrets-loader cannot run: import it only on Node.js, dynamically.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { loadAtStartup } = await import("./lib/secrets.js");
    await loadAtStartup();
  }
}
