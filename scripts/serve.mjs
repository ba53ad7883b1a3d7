// A small static server for the demo and the page tests: the repository root on 127.0.0.1,
// with the right MIME type for .wasm and the strict Content-Security-Policy the library supports.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

const root = resolve(process.argv[2] || '.');
const port = Number(process.argv[3] || process.env.PORT || 8080);
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
};
const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:";
// A page named *.sandboxed.html is meant for a sandboxed iframe without allow-same-origin (an opaque origin, where
// localStorage throws SecurityError). WebKit matches 'self' against that opaque origin, so nothing would load; its
// policy names this server's origin beside 'self' (Chromium and Firefox match 'self' against the URL's origin anyway).
const sandboxedCsp = (host) => {
  const self = /^[\w.-]+(:\d+)?$/.test(host || '') ? `'self' http://${host}` : "'self'";
  return `default-src ${self}; script-src ${self} 'wasm-unsafe-eval'; style-src ${self}; img-src ${self} data:`;
};

// A page named *.frames.*.html (e.g. policy.frames.test.html) embeds pages of this server under another host name (localhost instead of 127.0.0.1:
// another origin), to test frames without a Permissions Policy; its policy lets it frame them, and nothing else
// changes (scripts and styles stay 'self').
const framesCsp = (host) => {
  const port = /:(\d+)$/.exec(host || '')?.[1];
  return port ? `${csp}; frame-src 'self' http://localhost:${port}` : csp;
};

// A page named *.ancestors.html (e.g. elements-frame-child.ancestors.html) has a frame-ancestors directive that lets
// this server's pages, under either host name, frame it: the capability elements take it in a cross-origin frame.
const ancestorsCsp = (host) => {
  const port = /:(\d+)$/.exec(host || '')?.[1];
  return port ? `${csp}; frame-ancestors 'self' http://127.0.0.1:${port} http://localhost:${port}` : csp;
};

// A page named *.inline.*html lets inline scripts and event handler attributes run ('unsafe-inline'): how the
// capability elements' on… attributes behave where the site's policy allows them.
const inlineCsp = csp.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'");

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://x');
    let path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!path.startsWith(root)) { res.writeHead(403).end(); return; }
    if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
    const body = await readFile(path);
    res.writeHead(200, {
      'content-type': types[extname(path)] || 'application/octet-stream',
      'content-security-policy': path.endsWith('.sandboxed.html') ? sandboxedCsp(req.headers.host)
        : path.includes('.frames.') ? framesCsp(req.headers.host) : path.endsWith('.ancestors.html') ? ancestorsCsp(req.headers.host)
          : path.includes('.inline.') ? inlineCsp : csp,
      // A page named *.bfcache.html may be kept in the back/forward cache (tests/e2e/bfcache.test.mjs); every other
      // response is never stored, so a page test's step back loads its page anew.
      'cache-control': path.endsWith('.bfcache.html') ? 'no-cache' : 'no-store',
      // Scripts and the wasm of a document with an opaque origin (a sandboxed iframe) are CORS requests.
      'access-control-allow-origin': '*',
    });
    res.end(body);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
});
server.listen(port, '127.0.0.1', () => {
  console.log(`serving ${root} at http://127.0.0.1:${server.address().port}/`);
});
