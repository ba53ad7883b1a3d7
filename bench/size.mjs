// Size: the shipped bytes of pkg/ (raw and gzip -9) by part, the full package against the 35 KB gzipped budget, and
// what the wasm is made of: `twiggy top` on a wasm-bindgen output that keeps the names (pkg/ is stripped by
// wasm-opt). What a page really fetches at start and at its first prompt is measured from the network (network.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fmtBytes, log, runTmp, table } from './lib.mjs';

export const BUDGET_GZIP = 35_000; // "35 KB", read as 35,000 bytes (the stricter reading of KB)

const gz = (buf) => gzipSync(buf, { level: 9 }).length;

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** A group for a twiggy item: the module path that owns it, so that many small items add up visibly. */
function groupOf(name) {
  if (name.startsWith('data segment')) return 'data segments (.rodata: strings, CSS, tables)';
  if (name.startsWith('import ')) return 'imports (the JS functions the wasm calls: one per web-sys/js-sys binding)';
  let n = name.replace(/\[[0-9a-f]{16}\]/g, ''); // crate disambiguators: core[c5930c85a12de822]
  n = n.replace(/^(<|&|\*const |\*mut |dyn |impl )+/, '');
  if (!n.includes('::')) {
    if (/^(controller_|controls_|__wbg_|__wbindgen_|__externref|export |elem\[|table\[|type\[|import |global\[|memory\[|Closure\(|wasm_bindgen)/.test(n)) {
      return 'wasm-bindgen exports, shims, tables and types';
    }
    if (/^(memcpy|memset|memmove|memcmp|__multi|__ashl|__lshr|__udiv|__umod|__div|__mod|compiler_builtins)/.test(n)) {
      return 'compiler builtins (mem*, int ops)';
    }
    return 'other (unnamed items)';
  }
  const parts = n.split('::');
  const crate = parts[0];
  // The library itself by module (jit_permissions::web::panel); the async glue of js_sys by module.
  if (crate === 'jit_permissions') {
    const mod = parts.slice(0, 3).join('::');
    return /^[a-z_]+$/.test(parts[2] || '') ? mod : parts.slice(0, 2).join('::');
  }
  if (crate === 'js_sys' || crate === 'wasm_bindgen' || crate === 'core' || crate === 'alloc') {
    return parts.slice(0, 2).join('::').replace(/<.*$/, '');
  }
  return crate.replace(/<.*$/, '');
}

function twiggyReport(repoRoot) {
  const twiggy = which('twiggy');
  if (!twiggy) return { note: 'twiggy not installed: cargo install twiggy' };
  const input = join(repoRoot, 'target/jit_permissions.pkg.wasm'); // what scripts/build.sh made pkg/ from
  if (!existsSync(input)) return { note: `no ${input}: run bash scripts/build.sh first` };
  const dir = mkdtempSync(join(runTmp(), 'twiggy-'));
  const wb = spawnSync('wasm-bindgen', ['--target', 'web', '--keep-debug', '--out-dir', dir, '--out-name', 'jit_permissions', input],
    { encoding: 'utf8', timeout: 120000 });
  if (wb.status !== 0) return { note: `wasm-bindgen --keep-debug failed: ${(wb.stderr || wb.error || '').toString().trim()}` };
  const wasm = join(dir, 'jit_permissions_bg.wasm');
  const tw = spawnSync(twiggy, ['top', '-f', 'json', wasm], { encoding: 'utf8', timeout: 120000, maxBuffer: 64 << 20 });
  if (tw.status !== 0) return { note: `twiggy top failed: ${(tw.stderr || tw.error || '').toString().trim()}` };
  const rows = JSON.parse(tw.stdout);
  // Names and other custom sections are not shipped (wasm-opt strips them): leave them out of the ranking.
  const isShipped = (r) => !/subsection|custom section/.test(r.name);
  const unshipped = rows.filter((r) => !isShipped(r)).reduce((s, r) => s + r.shallow_size, 0);
  const shipped = rows.filter(isShipped);
  const shippedTotal = shipped.reduce((s, r) => s + r.shallow_size, 0);
  const pct = (n) => `${((100 * n) / shippedTotal).toFixed(1)}%`;
  const short = (s) => {
    const t = s.replace(/\[[0-9a-f]{16}\]/g, '').replace(/::h[0-9a-f]{16}$/, '');
    return t.length > 110 ? `${t.slice(0, 107)}...` : t;
  };
  const top = shipped.slice(0, 10).map((r, i) => [String(i + 1), fmtBytes(r.shallow_size), pct(r.shallow_size), short(r.name)]);
  const groups = new Map();
  for (const r of shipped) {
    const g = groupOf(r.name);
    const e = groups.get(g) || { bytes: 0, items: 0 };
    e.bytes += r.shallow_size;
    e.items += 1;
    groups.set(g, e);
  }
  const byGroup = [...groups.entries()].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 15)
    .map(([g, e], i) => [String(i + 1), fmtBytes(e.bytes), pct(e.bytes), String(e.items), g]);
  const preOpt = readFileSync(wasm).length;
  return {
    top: table(['#', 'shallow bytes', 'share', 'item (twiggy top)'], top),
    groups: table(['#', 'bytes', 'share', 'items', 'group (by crate / module)'], byGroup),
    preOpt,
    unshipped,
    shippedTotal,
  };
}

/** The text baked into the wasm: runs of at least 16 printable bytes (strings of all locales, CSS, messages). */
function textInWasm(wasm) {
  const runs = [];
  let start = 0;
  let len = 0;
  for (let i = 0; i <= wasm.length; i++) {
    const c = i < wasm.length ? wasm[i] : 0;
    if ((c >= 32 && c < 127) || c === 10 || c === 9 || c >= 0xc2) {
      if (len === 0) start = i;
      len++;
    } else {
      if (len >= 16) runs.push(wasm.subarray(start, start + len));
      len = 0;
    }
  }
  const text = Buffer.concat(runs);
  const css = runs.filter((r) => /[{};][\s]*[a-z-]+:[^:]/.test(r.toString('latin1')) && /[{}]/.test(r.toString('latin1')));
  return { bytes: text.length, gz: gz(text), css: css.reduce((n, r) => n + r.length, 0), runs: runs.length };
}

/** Every .js and .wasm file the npm package ships: its package.json `files`, directories expanded. */
function shippedFiles(pkg) {
  const files = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).files || [];
  const out = [];
  const walk = (rel) => {
    const abs = join(pkg, rel);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const f of readdirSync(abs).sort()) walk(join(rel, f));
    } else if (/\.(js|wasm)$/.test(rel)) {
      out.push(rel);
    }
  };
  for (const f of files) walk(f.replace(/\/$/, ''));
  return out;
}

/**
 * The part of the package a file is: loaded at start (the entry with the glue bundled in, the wasm), on first need,
 * by the pages that import `jit-permissions/elements` (counted: pages load it), or for tests
 * only (`jit-permissions/testing`, which no page loads unless a site's test build imports it: shown on its own and
 * not counted against the budget, which is about what pages load).
 */
const partOf = (f) => (/^(index\.js|jit_permissions_bg\.wasm)$/.test(f) ? 'first load'
  : f === 'testing.js' ? 'tests only' : f === 'elements.js' ? 'pages with the elements' : 'on first need');

export function measureSize(repoRoot) {
  const pkg = join(repoRoot, 'pkg');
  const read = (f) => readFileSync(join(pkg, f));
  const wasm = read('jit_permissions_bg.wasm');
  // Each file is fetched on its own, so each is compressed on its own.
  const all = shippedFiles(pkg).map((f) => {
    const buf = read(f);
    return { file: f, part: partOf(f), raw: buf.length, gz: gz(buf) };
  });
  const sum = (list, k) => list.reduce((n, p) => n + p[k], 0);
  const tests = all.filter((p) => p.part === 'tests only');
  const parts = all.filter((p) => p.part !== 'tests only');
  const start = parts.filter((p) => p.part === 'first load');
  const lazy = parts.filter((p) => p.part !== 'first load');
  const fullGz = sum(parts, 'gz');
  const ratio = (n) => `${(n / BUDGET_GZIP).toFixed(2)}x budget`;
  const rows = [
    ['Size: full package, every .js and .wasm in `files` (gzip -9 each)', fmtBytes(fullGz), '35 KB budget', ratio(fullGz),
      `<= ${fmtBytes(BUDGET_GZIP)}`, fullGz <= BUDGET_GZIP ? 'PASS' : `MISS by ${fmtBytes(fullGz - BUDGET_GZIP)}`],
    ['Size: of it, loaded at start (index.js with the glue, wasm)', fmtBytes(sum(start, 'gz')), '-', '-', '-', 'info'],
    ['Size: of it, loaded on first need (tasks.js with the pre-prompt; calls.js, recovery.js, panel.js, indicator.js, chip.js, patch.js, locales) or by pages with the elements (elements.js)', fmtBytes(sum(lazy, 'gz')), '-', '-', '-', 'info'],
    ['Size: besides, for tests only (jit-permissions/testing, not counted)', fmtBytes(sum(tests, 'gz')), '-', '-', '-', 'info'],
  ];
  const breakdown = table(['part', 'file', 'raw', 'gzip -9'],
    [...all.map((p) => [p.part, p.file, fmtBytes(p.raw), fmtBytes(p.gz)]),
      ['', 'total, tests only left out', fmtBytes(sum(parts, 'raw')), fmtBytes(fullGz)]]);
  const text = textInWasm(wasm);
  log('size: running wasm-bindgen --keep-debug and twiggy');
  const tw = twiggyReport(repoRoot);
  const notes = [];
  notes.push(`Size: pkg/ as built by scripts/build.sh. gzip is node zlib level 9, each file on its own.`);
  notes.push({ raw: `Size by part (pkg/, every .js and .wasm the package ships):\n\n${breakdown}` });
  notes.push(`Text baked into the shipped wasm (${text.runs} runs of >= 16 printable bytes: error and warning messages, ` +
    `import names, the string keys): ${fmtBytes(text.bytes)} raw, ${fmtBytes(text.gz)} gzipped on its own.`);
  if (tw.note) {
    notes.push(`Wasm contributors: ${tw.note}`);
  } else {
    notes.push(
      `Wasm contributors: twiggy top on the wasm-bindgen --keep-debug output of the wasm pkg/ was built from ` +
      `(target/jit_permissions.pkg.wasm, before wasm-opt): ${fmtBytes(tw.preOpt)}, of which ${fmtBytes(tw.unshipped)} are the ` +
      `names and other custom sections that pkg/ does not ship (left out below); shares are of the remaining ` +
      `${fmtBytes(tw.shippedTotal)} of code and data, which wasm-opt -Oz then shrinks to ${fmtBytes(wasm.length)}.`,
      { raw: `Wasm: top 10 items (twiggy top, shallow size):\n\n${tw.top}` },
      { raw: `Wasm: the same bytes by crate / module (a generic instantiated many times adds up here, not in the top 10):\n\n${tw.groups}` },
    );
  }
  return { rows, notes, totalGz: fullGz };
}

/**
 * The Rust example's first load (issue 24): what examples/rust-demo/ fetches before its `#[wasm_bindgen(start)]`
 * runs, read from its built files (bench/run.sh builds it): main.js, then every module reached by a static `import`
 * (the glue, the library's runtime and loader snippets), and the wasm; each file gzipped on its own, as in
 * measureSize. What the runtime imports on first need (tasks, UI, locales, elements) is dynamic: not counted. The
 * JS share is set beside the npm package's first-load JS (index.js).
 */
export function measureRustDemo(repoRoot) {
  const dir = join(repoRoot, 'examples', 'rust-demo');
  if (!existsSync(join(dir, 'pkg', 'rust_demo_bg.wasm'))) {
    throw new Error('examples/rust-demo/pkg/ is not built (bash examples/rust-demo/build.sh)');
  }
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    // Static imports only (`import x from '...'`, `import '...'`, `export ... from '...'`), not `import(...)`.
    for (const m of text.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[^'"();]*?from\s*)?["']([^"']+)["']/g)) {
      if (m[1].startsWith('.')) visit(join(file, '..', m[1]));
    }
  };
  visit(join(dir, 'main.js'));
  const js = [...seen].map((f) => ({ file: f.slice(dir.length + 1), gz: gz(readFileSync(f)) }));
  const wasm = gz(readFileSync(join(dir, 'pkg', 'rust_demo_bg.wasm')));
  const jsGz = js.reduce((n, f) => n + f.gz, 0);
  // The npm package's first load (index.js with the runtime and glue, and its wasm): the bound for the JS a
  // Rust app loads at start, which stands in for the npm package there.
  const npmJs = gz(readFileSync(join(repoRoot, 'pkg', 'index.js')));
  const npmFirst = npmJs + gz(readFileSync(join(repoRoot, 'pkg', 'jit_permissions_bg.wasm')));
  const rows = [
    ['Size: examples/rust-demo first load (its JS modules + wasm, gzip -9 each)', fmtBytes(jsGz + wasm), '-', '-', '-', 'info'],
    ['Size: of it, JS (the glue, the library\'s runtime and loader), against the npm first load', fmtBytes(jsGz),
      fmtBytes(npmFirst), `${((100 * jsGz) / npmFirst).toFixed(0)}%`, `<= ${fmtBytes(npmFirst)}`,
      jsGz <= npmFirst ? 'PASS' : `MISS by ${fmtBytes(jsGz - npmFirst)}`],
    ['Size: of it, wasm (the app, the library, std: no wasm-opt flags beyond -Oz)', fmtBytes(wasm), `npm index.js alone: ${fmtBytes(npmJs)}`, '-', '-', 'info'],
  ];
  const notes = [{ raw: `examples/rust-demo first load (static imports from main.js, gzip -9 each):\n\n${table(['file', 'gzip -9'],
    [...js.map((f) => [f.file, fmtBytes(f.gz)]), ['pkg/rust_demo_bg.wasm (the app, the library and std)', fmtBytes(wasm)]])}` }];
  return { rows, notes };
}
