// The Rust example (examples/rust-demo/): built with its own build.sh (cargo for wasm32-unknown-unknown,
// then wasm-bindgen --target web), loaded under the strict CSP, and used: the camera's state from `query`,
// the pre-prompt from `request(Capability::Camera, PromptContent { .. })`, the change seen by `on_change`.
// A cold build takes about a minute (its cargo cache is target/examples); later runs take seconds.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  MEDIA_ARGS, assert, assertEqual, choice, launch, newPage, prePromptContent, until, waitPrePrompt, waitPrePromptClosed,
} from './lib.mjs';

function run(command, args, options) {
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let out = '';
    proc.stdout.on('data', (d) => { out += d; });
    proc.stderr.on('data', (d) => { out += d; });
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${out.slice(-1500)}`))));
  });
}

export async function before(env, shared) {
  shared.browser = await launch(MEDIA_ARGS);
}

export async function after(env, shared) {
  await shared.browser?.close();
}

export const tests = [
  {
    name: 'builds with cargo and wasm-bindgen, then queries, subscribes and requests the camera from Rust',
    timeout: 300000,
    async fn(env, shared) {
      const start = Date.now();
      await run('bash', [join(env.repoRoot, 'examples', 'rust-demo', 'build.sh')], { cwd: env.repoRoot });
      console.error(`[rust-example] built in ${((Date.now() - start) / 1000).toFixed(1)} s`);

      const { context, page } = await newPage(shared.browser);
      await page.goto(`${env.base}/examples/rust-demo/`);
      await page.waitForSelector('html[data-ready="true"]', { timeout: 15000 });
      // Issue 24, item 1: the app has its own #[global_allocator] and its own exported `Engine` (the build above
      // fails to link or to bind if the library sets an allocator or exports an `Engine` of its own), and runs.
      await page.waitForSelector('html[data-app-engine="rust-demo engine"]', { timeout: 5000 });
      assertEqual(await page.getAttribute('#camera-state', 'data-state'), 'prompt', 'camera state from query()');

      await page.click('#ask');
      await waitPrePrompt(page, 'camera');
      const content = await prePromptContent(page);
      assertEqual(content.title, 'Use your camera for a video check?', 'the title passed in PromptContent');
      assert(content.image && content.image.loaded, `the picture passed in PromptContent: ${JSON.stringify(content.image)}`);
      await page.click(choice('allow-once'));
      await waitPrePromptClosed(page);
      await page.waitForSelector('#camera-state[data-state="granted"]');
      assertEqual(await page.textContent('#camera-state'), 'granted (this time)', 'camera state after Allow this time');
      await until('the log lines', async () => {
        const log = await page.$$eval('#log li', (l) => l.map((x) => x.textContent));
        return log.includes('change: camera is now granted (this time)') && log.includes('request: granted (this time)')
          && log.includes('audit: pre-prompt shown for camera') && log.includes('audit: decision for camera: allow-once');
      });
      // The controls panel mounted from Rust shows the one-time grant.
      await page.waitForSelector('#controls div[data-jit-permissions="controls"] li[part~="row"][data-capability="camera"][data-state="granted"]');
      await env.shot(page, '17-rust-example-granted.png', { fullPage: true });
      // Issue 24, item 2: the npm package on the same page shares the Rust API's runtime (one runtime per page), so
      // its install() sees the one-time grant made from Rust (a runtime of its own would not).
      const fromJs = () => page.evaluate(async () => {
        const { install } = await import('/pkg/index.js');
        const status = await (await install()).query({ name: 'camera' });
        return `${status.state}/${status.grant}`;
      });
      assertEqual(await fromJs(), 'granted/one-time', "the npm package's view of the camera on the Rust app's page");

      await page.click('#revoke');
      await page.waitForSelector('#camera-state[data-state="prompt"]');
      await until('the change after revoke', async () => {
        const log = await page.$$eval('#log li', (l) => l.map((x) => x.textContent));
        return log.includes('change: camera is now prompt') && log.includes('audit: camera revoked');
      });
      await page.waitForSelector('#controls div[data-jit-permissions="controls"] li[part~="row"][data-capability="camera"][data-state="prompt"]');
      assertEqual(await fromJs(), 'prompt/null', "the npm package's view after the revoke from Rust");
      assert(page.problems.length === 0, `the page reported problems: ${page.problems.join(' | ')}`);
      await context.close();
    },
  },
];
