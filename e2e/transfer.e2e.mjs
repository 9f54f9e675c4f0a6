// Issue 14 (items 6-7): a project moves between computers as one zip. On
// computer A: two turns, Export… to a zip, Push to git… into a bare
// repository (the whole history arrives). Computer B (its own home, the same
// E2B account, started twice so its start-up tidying has run with the key)
// imports the zip: same chat, same versions, and its sandbox is found at E2B
// by its metadata and continues (the kernel still has A's variable; no new
// sandbox). A hostile zip (zip slip) is refused with a sentence, changing
// nothing.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  startApp, stopProcess, waitFor, browser, closeBrowser, openPage, tid, assert, artifacts, startFakeE2B, startFakeLLM, admin, appEnv,
  configure, createProject, send, pyFragment as py,
} from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');

const currentIs = (page, name) =>
  page.waitForFunction(n => document.querySelector('[data-testid="current-project-name"]')?.textContent?.includes(n), name, { timeout: 20000 });
const stdoutHas = (page, text) =>
  page.waitForFunction(t => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes(t), text, { timeout: 60000 });
const toastHas = (page, text) =>
  page.waitForFunction(t => [...document.querySelectorAll('[data-testid="toast"]')].some(e => e.textContent.includes(t)), text, { timeout: 30000 });

async function menu(page, item) {
  await page.click(tid('project-selector'));
  await page.click(tid(item));
}

// A zip with one entry named ../../escaped.txt, written with python's zipfile.
function slipZip(p) {
  execFileSync('python3', ['-c', `import zipfile,sys
with zipfile.ZipFile(sys.argv[1], "w") as z: z.writestr("../../escaped.txt", "gotcha")`, p]);
}

export const tests = {
  async 'export on A, push to a bare repository, import on B: same chat and versions, the sandbox continues'() {
    const e2b = await startFakeE2B('transfer', work);
    const llm = await startFakeLLM('transfer', work, [
      py('a greeting', 'moved = "from A"\nprint("hello from A")'),
      py('a second step', 'print("step two", moved)'),
      py('a step on B', 'print("still", moved)'),
    ]);
    const zip = path.join(work, 'Moving.zip');
    const bare = path.join(work, 'moving.git');
    execFileSync('git', ['init', '--bare', '-q', bare]);
    let app, ctx;
    try {
      app = await startApp({ home: path.join(work, 'transfer-a'), env: appEnv(e2b), name: 'app-transfer-a' });
      ctx = await browser();
      const page = await openPage(ctx, app.url);
      await configure(page, llm.url);
      await createProject(page, 'Moving');
      await send(page, 'Say hello');
      await stdoutHas(page, 'hello from A');
      await page.waitForSelector(`${tid('chat-send')}:not([disabled])`, { state: 'attached' }).catch(() => {});
      await send(page, 'Second step');
      await stdoutHas(page, 'step two from A');

      await menu(page, 'project-export');
      await page.fill(tid('export-path'), zip);
      await page.click(tid('export-submit'));
      await toastHas(page, `Exported to ${zip}`);
      assert(fs.statSync(zip).size > 0, 'the zip was written');

      await menu(page, 'project-push');
      await page.waitForSelector(`${tid('push-submit')}:not([disabled])`);
      await page.fill(tid('push-url'), bare);
      await page.click(tid('push-submit'));
      await toastHas(page, `Pushed main to ${bare} (main there)`);
      const log = execFileSync('git', ['--git-dir', bare, 'log', '--format=%s', 'main'], { encoding: 'utf8' }).trim().split('\n');
      assert(JSON.stringify(log) === JSON.stringify(['Second step', 'Say hello']), `the remote's history: ${JSON.stringify(log)}`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-transfer-push.png') });
      await page.click(tid('push-close'));
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc); // quitting pauses the sandbox
    }
    const before = await admin(e2b, 'sandboxes');
    assert(before.length === 1 && before[0].State === 'paused', `A's sandbox is paused: ${JSON.stringify(before.map(b => b.State))}`);
    const creates = (await admin(e2b, 'counts')).counts.Creates;

    const homeB = path.join(work, 'transfer-b');
    try {
      app = await startApp({ home: homeB, env: appEnv(e2b), name: 'app-transfer-b' });
      ctx = await browser();
      let page = await openPage(ctx, app.url);
      await configure(page, llm.url);
      await closeBrowser(ctx);
      await stopProcess(app.proc);
      // Started again with the key: its start-up tidying runs and must
      // leave A's sandbox (a project B does not know yet) alone.
      app = await startApp({ home: homeB, env: appEnv(e2b), name: 'app-transfer-b2' });
      ctx = await browser();
      page = await openPage(ctx, app.url);
      // Reconcile runs in the background at start; its log line says it ran.
      const logFile = path.join(artifacts, 'app-transfer-b2.log');
      await waitFor(() => fs.existsSync(logFile) && /"sandboxes reconciled".*"otherComputers":1/.test(fs.readFileSync(logFile, 'utf8')), 'B\'s start-up tidying', 30000);
      const mid = await admin(e2b, 'sandboxes');
      assert(mid.length === 1 && mid[0].State === 'paused', `B's start left A's sandbox: ${JSON.stringify(mid.map(b => b.State))}`);

      // A hostile zip first: refused, nothing changes.
      const slip = path.join(work, 'slip.zip');
      slipZip(slip);
      await menu(page, 'project-import');
      await page.fill(tid('import-path'), slip);
      await page.click(tid('import-submit'));
      await page.waitForFunction(() => document.querySelector('[data-testid="transfer-error"]')?.textContent?.includes('nothing was imported'));
      assert(!fs.existsSync(path.join(work, '..', 'escaped.txt')) && !fs.existsSync(path.join(homeB, 'escaped.txt')), 'nothing escaped');
      const folders = fs.existsSync(path.join(homeB, 'workspaces')) ? fs.readdirSync(path.join(homeB, 'workspaces')) : [];
      assert(folders.length === 0, `no folder left by the refused import: ${folders}`);

      await page.fill(tid('import-path'), zip);
      await page.click(tid('import-submit'));
      await currentIs(page, 'Moving');
      await toastHas(page, 'Its sandbox was found at E2B');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="chat-message"]').length === 4, null, { timeout: 20000 });
      const texts = await page.$$eval('[data-testid="chat-message"][data-role="user"]', els => els.map(e => e.textContent));
      assert(texts.some(t => t.includes('Say hello')) && texts.some(t => t.includes('Second step')), `the chat came along: ${JSON.stringify(texts)}`);

      await page.click(tid('chat-versions'));
      await page.waitForSelector(tid('version-row'));
      const rows = await page.$$eval(tid('version-row'), els => els.map(e => e.textContent));
      assert(rows.length === 2 && rows[0].includes('Second step') && rows[1].includes('Say hello'), `the versions came along: ${JSON.stringify(rows)}`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-transfer-import.png') });
      await page.click(tid('versions-close'));

      // The next turn runs in A's sandbox: resumed, with A's variable.
      await send(page, 'Go on');
      await stdoutHas(page, 'still from A');
      const after = await admin(e2b, 'counts');
      assert(after.counts.Creates === creates, `no new sandbox: ${creates} → ${after.counts.Creates}`);
      assert(after.contractErrors === 0, 'every request matched openapi.yml');
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },
};
