// The service worker: after the first visit, survcalc works with the
// network unplugged. It keeps every file of one build (pkg/build.js, written
// by .ci/stamp-site.mjs) in a cache named after that build's version,
// fetched fresh and checked against the build's SHA-256 of each file before
// the cache is used; a file that does not match (a deployment half served,
// a stale CDN copy) fails the installation, and the previous build keeps
// serving until a complete new one is in place. A new build waits until no
// tab uses the old one, so a page never mixes the JS of one build with the
// wasm of another. It answers only this site's own files, from the cache,
// and sends nothing anywhere.
importScripts("pkg/build.js");

const { version, files } = self.SURVCALC_BUILD;
const CACHE = `survcalc-${version}`;
const scope = new URL(self.registration.scope);

async function digest(response) {
  const hash = await crypto.subtle.digest("SHA-256", await response.clone().arrayBuffer());
  return btoa(String.fromCharCode(...new Uint8Array(hash)));
}

async function fetchChecked(path, sha256) {
  const response = await fetch(new Request(new URL(path, scope), { cache: "reload" }));
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  if ((await digest(response)) !== sha256) throw new Error(`${path} is not the file of build ${version}`);
  return response;
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    // Everything is fetched and checked before anything is stored: a
    // half-written cache is never used.
    const entries = await Promise.all(Object.entries(files)
      .map(async ([path, sha256]) => [path, await fetchChecked(path, sha256)]));
    // The stamp itself (it cannot list its own hash): the one naming this version.
    const stamp = await fetch(new Request(new URL("pkg/build.js", scope), { cache: "reload" }));
    const text = stamp.ok ? await stamp.text() : "";
    if (!text.includes(`"version": ${JSON.stringify(version)}`)) throw new Error(`pkg/build.js is not the stamp of build ${version}`);
    entries.push(["pkg/build.js", new Response(text, { headers: { "content-type": "text/javascript; charset=utf-8" } })]);
    const cache = await caches.open(CACHE);
    await Promise.all(entries.map(([path, response]) => cache.put(new URL(path, scope), response)));
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("survcalc-") && name !== CACHE) await caches.delete(name);
    }
    // The first visit's tab (and its worker) fetch the examples and the
    // later modules through the cache from now on.
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    // The page's address itself ("…/survcalc/") is its index.html; the
    // build's version in a query (?v=…) names the same file.
    const path = url.pathname === scope.pathname ? new URL("index.html", scope) : new URL(url.pathname, scope);
    return (await cache.match(path)) ?? fetch(event.request);
  })());
});

// The page asks which build is kept for offline use.
self.addEventListener("message", (event) => {
  if (event.data === "version") event.source?.postMessage({ offlineVersion: version });
});
