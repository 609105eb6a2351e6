// A static file server for www/ on loopback, for `make serve` and the browser
// tests. Any static host (GitHub Pages, nginx) serves the page the same way;
// `application/wasm` for .wasm files lets the browser compile the wasm while
// it downloads (the page falls back to compiling it afterwards). `base`
// serves the site under a sub-path, as GitHub Pages does a project
// (https://user.github.io/survcalc/). Starting stamps the site
// (.ci/stamp-site.mjs), so that edited page files get a new version.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { resolve, dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { stampSite } from "./stamp-site.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "www");
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".csv": "text/csv; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".ico": "image/x-icon",
};

/**
 * Starts the server; resolves to {server, url}. port 0 picks a free port;
 * `base` ("/survcalc/") is the path the site is served under (anything
 * else is not found); `onRequest(url)` hears every request served;
 * `types` overrides content types by extension (to imitate other hosts).
 */
export function startServer(port = 8080, host = "127.0.0.1", { base = "/", onRequest, types: overrides = {} } = {}) {
  stampSite();
  const server = createServer(async (req, res) => {
    try {
      onRequest?.(req.url);
      const full = decodeURIComponent(new URL(req.url, "http://x").pathname);
      if (!full.startsWith(base)) throw new Error("outside the site");
      const path = `/${full.slice(base.length)}`;
      let file = normalize(join(root, path));
      if (!file.startsWith(root + sep) && file !== root) throw new Error("outside");
      if (path.endsWith("/")) file = join(file, "index.html");
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": overrides[extname(file)] ?? types[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-cache",
      });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => ok({ server, url: `http://${host}:${server.address().port}${base}` }));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8080);
  const { url } = await startServer(port);
  console.log(`survcalc is served at ${url}  (Ctrl-C to stop)`);
}
