// A plain Node HTTP server that mounts route handlers the way Next.js does
// (app/api/<path>/route.mjs exporting GET), plus the static client files.
// Next.js itself is not needed to show the pattern; the handler file is the
// same shape and moves into a Next.js app unchanged.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const TYPES = { ".html": "text/html", ".js": "text/javascript" };

export function createApp() {
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    try {
      if (url.pathname.startsWith("/api/")) {
        const route = normalize(url.pathname).replace(/^\/+/, "");
        const mod = await import(join(here, "app", route, "route.mjs"));
        const handler = mod[req.method ?? "GET"];
        if (!handler) return void res.writeHead(405).end();
        const response = await handler(new Request(url, { method: req.method }));
        res.writeHead(response.status, Object.fromEntries(response.headers));
        return void res.end(Buffer.from(await response.arrayBuffer()));
      }
      const file =
        url.pathname === "/" ? "index.html" : normalize(url.pathname).replace(/^\/+/, "");
      const body = await readFile(join(here, "public", file));
      res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch (err) {
      const missing = err?.code === "ENOENT" || err?.code === "ERR_MODULE_NOT_FOUND";
      res.writeHead(missing ? 404 : 500).end(missing ? "not found" : "server error");
    }
  });
}
