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

async function waitFor(fn, what, timeoutMs = 60000) {
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
  if (!p.exited) { p.kill('SIGKILL'); await new Promise(r => setTimeout(r, 200)); }
}

// startApp launches build/bin/tessera-dev with its own TESSERA_HOME.
export async function startApp({ home, env = {}, name = 'app' }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const p = await startProcess(name, path.join(root, 'build/bin/tessera-dev'), [],
    { TESSERA_HOME: home, devserver: `127.0.0.1:${port}`, TESSERA_LOG_STDERR: '1', ...env }, url);
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

export async function openPage(ctx, url) {
  const page = ctx.pages()[0] ?? await ctx.newPage();
  page.on('console', m => { if (m.type() === 'error') console.log('  [console]', m.text()); });
  await page.goto(url);
  await page.waitForFunction(() => window.go && window.go.api && window.go.api.ProjectService, null, { timeout: 20000 });
  return page;
}

export const tid = id => `[data-testid="${id}"]`;

export function assert(cond, msg) { if (!cond) throw new Error(`assertion failed: ${msg}`); }
