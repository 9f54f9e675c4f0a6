// Shared helpers for Tessera's end-to-end tests: start the real app (dev
// build, which serves the page and bridges bound calls and events over a
// websocket), drive it with headless Debian Chromium, stop it.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const artifacts = path.join(root, 'build', 'artifacts');
fs.mkdirSync(artifacts, { recursive: true });

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

export async function waitFor(fn, what, timeoutMs = 60000) {
  const t0 = Date.now();
  for (;;) {
    try { if (await fn()) return; } catch { /* not yet */ }
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

// startProcess runs a helper (fake server) and waits for it to answer.
export async function startProcess(name, cmd, args, env, readyURL) {
  const log = fs.openSync(path.join(artifacts, `${name}.log`), 'a');
  const p = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
  p.on('exit', code => { p.exited = true; p.code = code; });
  await waitFor(async () => {
    if (p.exited) throw new Error(`${name} exited with ${p.code}; see build/artifacts/${name}.log`);
    const r = await fetch(readyURL); return r.status < 500;
  }, name);
  return p;
}

export async function stopProcess(p, signal = 'SIGINT', timeoutMs = 20000) {
  if (!p || p.exited) return;
  p.kill(signal);
  const t0 = Date.now();
  while (!p.exited && Date.now() - t0 < timeoutMs) await new Promise(r => setTimeout(r, 100));
  if (!p.exited) {
    // Until it is gone (its data folder's lock with it), not a fixed
    // pause: the next app on that folder must find the lock free.
    p.kill('SIGKILL');
    await waitFor(() => p.exited, `${p.spawnfile} to end after SIGKILL`, 30000);
  }
}

// startApp launches build/bin/tessera-dev with its own TESSERA_HOME.
export async function startApp({ home, env = {}, name = 'app' }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const p = await startProcess(name, path.join(root, 'build/bin/tessera-dev'), [],
    { TESSERA_HOME: home, devserver: `127.0.0.1:${port}`, TESSERA_LOG_STDERR: '1', TESSERA_UPDATE_FEED: 'off', ...env }, url);
  await waitFor(async () => (await (await fetch(url)).text()).includes('id="root"'), 'the app page');
  return { proc: p, url };
}

export async function browser(extraArgs = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-pw-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 820 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
  ctx.cleanupDir = dir;
  return ctx;
}

export async function closeBrowser(ctx) {
  await ctx.close();
  fs.rmSync(ctx.cleanupDir, { recursive: true, force: true });
}

export async function openPage(ctx, url, service = 'ProjectService') {
  const page = ctx.pages()[0] ?? await ctx.newPage();
  page.on('console', m => { if (m.type() === 'error') console.log('  [console]', m.text()); });
  await page.goto(url);
  await page.waitForFunction(s => window.go && window.go.api && window.go.api[s], service, { timeout: 20000 });
  return page;
}

export const tid = id => `[data-testid="${id}"]`;

export function assert(cond, msg) { if (!cond) throw new Error(`assertion failed: ${msg}`); }

// startFakeE2B starts the fake E2B and waits for its address file.
export async function startFakeE2B(name, work) {
  const addrFile = path.join(work, `${name}-e2b.json`);
  fs.rmSync(addrFile, { force: true });
  const python = fs.existsSync('/usr/bin/python3') ? ['-python', '/usr/bin/python3'] : [];
  const log = fs.openSync(path.join(artifacts, `${name}-fakee2b.log`), 'a');
  const proc = spawn(path.join(root, 'build/bin/fakee2b'), ['-key', 'e2b_test_key', '-addr-file', addrFile, ...python],
    { cwd: root, stdio: ['ignore', log, log] });
  proc.on('exit', c => { proc.exited = true; proc.code = c; });
  // Until the fake has written its whole address file (what it reports
  // when it listens); the ceiling only ends a hung start on a busy machine.
  const t0 = Date.now();
  let info;
  for (;;) {
    if (proc.exited) throw new Error(`the fake E2B exited with ${proc.code}; see build/artifacts/${name}-fakee2b.log`);
    try { info = JSON.parse(fs.readFileSync(addrFile, 'utf8')); break; } catch { /* not written yet */ }
    if (Date.now() - t0 > 60000) throw new Error('the fake E2B did not start within 60 s');
    await new Promise(r => setTimeout(r, 50));
  }
  return { proc, ...info };
}

// pyFragment is a Python fragment as the fake LLM serves it.
export const pyFragment = (title, code) => ({
  commentary: `Here is ${title}.`, template: 'code-interpreter-v1', title, description: title,
  additional_dependencies: [], has_additional_dependencies: false, install_dependencies_command: '',
  port: null, file_path: 'script.py', code,
});

export async function startFakeLLM(name, work, fragments, { pace = '4ms', chunk = 6, port = 0, args = [] } = {}) {
  const fragFile = path.join(work, `${name}-fragments.json`);
  fs.writeFileSync(fragFile, JSON.stringify(fragments));
  port = port || await freePort();
  const proc = await startProcess(`${name}-fakellm`, path.join(root, 'build/bin/fakellm'),
    ['-addr', `127.0.0.1:${port}`, '-fragments', fragFile, '-chunk', String(chunk), '-pace', pace, ...args], {},
    `http://127.0.0.1:${port}/v1/models`);
  return { proc, url: `http://127.0.0.1:${port}/v1`, debug: `http://127.0.0.1:${port}/debug/requests` };
}

export const admin = async (e2b, what) => (await fetch(`http://${e2b.admin}/${what}`)).json();

export function appEnv(e2b) {
  return { TESSERA_E2B_CONNECT: `http://${e2b.addr}`, E2B_DOMAIN: e2b.domain };
}

// configure saves the E2B key through the Settings form and points a custom
// provider at the fake LLM through the bound call (settings.e2e.mjs drives
// the server form itself).
export async function configure(page, llmURL) {
  await page.click(tid('settings-open'));
  await page.fill(tid('key-input-e2b'), 'e2b_test_key');
  await page.click(tid('settings-save'));
  await page.waitForFunction(() => document.querySelector('[data-testid="key-status-e2b"]')?.textContent?.includes('Saved'));
  await page.evaluate(async (url) => {
    const s = await window.go.api.SettingsService.Get();
    s.customProviders = { providers: [{ id: 'custom', base_url: url, models: [{ id: 'fake-model', name: 'Fake model' }] }] };
    s.defaultProvider = 'custom';
    s.defaultModel = 'fake-model';
    s.onboarded = true;
    // A key for this account may be in the keychain from an earlier test
    // (one keyring serves the whole run): then the new address is held
    // until confirmed, as the person would in the dialog.
    const r = await window.go.api.SettingsService.Save(s);
    if (r.confirm) await window.go.api.SettingsService.ConfirmSave(r.confirm.token);
  }, llmURL);
  await page.reload();
  await page.waitForFunction(() => window.go && window.go.api);
}

export async function createProject(page, name) {
  await page.click(tid('project-selector'));
  await page.click(tid('project-new'));
  await page.fill(tid('project-name-input'), name);
  await page.click(tid('project-create-submit'));
  await page.waitForFunction(n => document.querySelector('[data-testid="current-project-name"]')?.textContent?.includes(n), name);
}

export async function send(page, text) {
  await page.waitForSelector(`${tid('model-select')}`);
  await page.fill(tid('chat-input'), text);
  await page.click(tid('chat-send'));
}


// staticPage is a fragment serving one static HTML page from the sandbox
// (the Next.js template's public folder, port 3000), as the fake LLM serves it.
export const staticPage = (html, { title = 'Hello page', commentary = 'A static page.', description = 'hello' } = {}) => ({
  commentary, template: 'nextjs-developer', title, description,
  additional_dependencies: [], has_additional_dependencies: false, install_dependencies_command: '',
  port: 3000, file_path: 'public/index.html', code: html,
});

// webScenario is the static web page scenario the specs share: the fake E2B
// and LLM (serving fragments), the app, Chromium resolving the sandbox host
// names to the fake (as DNS would), a project made and one prompt sent, up
// to the preview's iframe. firstRun(page) runs on the first-run page, before
// the app is configured. The result's stop() ends everything (call it in a
// finally); a failure on the way stops what was started.
export async function webScenario({ name, work, home, fragments, env = {}, project = 'Web', prompt = 'A hello page', firstRun }) {
  const s = { async stop() {
    if (s.ctx) await closeBrowser(s.ctx);
    if (s.app) await stopProcess(s.app.proc);
    if (s.llm) await stopProcess(s.llm.proc);
    if (s.e2b) await stopProcess(s.e2b.proc);
  } };
  try {
    s.e2b = await startFakeE2B(name, work);
    s.llm = await startFakeLLM(name, work, fragments);
    s.app = await startApp({ home, env: { ...appEnv(s.e2b), ...env }, name: `app-${name}` });
    s.ctx = await browser([`--host-resolver-rules=MAP *.${s.e2b.domain} ${s.e2b.addr}`]);
    s.page = await openPage(s.ctx, s.app.url);
    if (firstRun) await firstRun(s.page);
    await configure(s.page, s.llm.url);
    await createProject(s.page, project);
    await send(s.page, prompt);
    s.frameEl = await s.page.waitForSelector(tid('preview-iframe'), { timeout: 60000 });
    return s;
  } catch (e) {
    await s.stop();
    throw e;
  }
}
