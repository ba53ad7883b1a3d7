// Every dependency in a Cargo.toml is used by the code of the section it is declared in (issue 23): a normal
// dependency by src/ (or the crate's own src/ for an example), a dev-dependency by tests/. `cargo machete` (run beside
// this in scripts/test.sh) finds a dependency no code uses; this finds one declared in the wrong section, such as a
// normal dependency only the tests use. Usage: node scripts/check-deps.mjs [path/to/Cargo.toml ...]
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

function rustFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? rustFiles(p) : p.endsWith('.rs') ? [p] : [];
  });
}

let failed = false;
for (const manifest of process.argv.slice(2).length ? process.argv.slice(2) : ['Cargo.toml']) {
  const root = dirname(manifest);
  const code = {
    normal: rustFiles(join(root, 'src')).map((f) => readFileSync(f, 'utf8')).join('\n'),
    dev: rustFiles(join(root, 'tests')).map((f) => readFileSync(f, 'utf8')).join('\n'),
  };
  let section = null; // 'normal' | 'dev' | null (not a dependency table)
  for (const line of readFileSync(manifest, 'utf8').split('\n')) {
    const header = line.match(/^\s*\[(.+)\]\s*$/);
    if (header) {
      const h = header[1];
      // [dependencies], [dependencies.x], [target.'cfg(..)'.dependencies(.x)], the same with dev-dependencies.
      const m = h.match(/(?:^|\.)(dev-)?dependencies(?:\.([A-Za-z0-9_-]+))?$/);
      section = m ? (m[1] ? 'dev' : 'normal') : null;
      if (m && m[2]) check(m[2], section, manifest, code);
      if (m && m[2]) section = null; // the keys below are the dependency's own (version, features)
      continue;
    }
    const dep = section && line.match(/^\s*([A-Za-z0-9_-]+)\s*=/);
    if (dep) check(dep[1], section, manifest, code);
  }
}

function check(name, section, manifest, code) {
  const ident = name.replace(/-/g, '_');
  if (new RegExp(`\\b${ident}\\b`).test(code[section])) return;
  failed = true;
  const where = section === 'dev' ? 'tests/' : 'src/';
  console.error(`${manifest}: the ${section === 'dev' ? 'dev-' : ''}dependency '${name}' is not used by ${where}`);
}

if (failed) process.exit(1);
console.log('ok: every dependency is used by the code of its section');
