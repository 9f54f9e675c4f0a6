// Issue 14 (item 5, and Undo/Redo of item 3) in the real app: a file the
// person writes into the project's folder with their own editor becomes a
// version "Edited outside Tessera", reaches the sandbox at the fake E2B and
// is in the next request the fake LLM receives. Undo then restores the
// version before the last answer (the fake's copy follows) and Redo brings
// the answer and its files back.
import fs from 'node:fs';
import path from 'node:path';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts, startFakeE2B, startFakeLLM, admin, appEnv, configure, createProject, send, waitFor, pyFragment as py } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');

/** A file of the project's sandbox at the fake E2B, or null. */
async function sandboxFile(e2b, p) {
  const boxes = (await admin(e2b, 'sandboxes')).filter(b => b.State !== 'killed');
  if (boxes.length !== 1) return null;
  const r = await fetch(`http://${e2b.admin}/file?id=${encodeURIComponent(boxes[0].ID)}&path=${encodeURIComponent('/home/user/' + p)}`);
  return r.ok ? r.text() : null;
}

const messages = page => page.$$eval(tid('chat-message'), els => els.length);

export const tests = {
  async 'an outside edit reaches the sandbox and the next prompt; undo restores the version before, redo brings it back'() {
    const home = path.join(work, 'outside-home');
    const e2b = await startFakeE2B('outside', work);
    const llm = await startFakeLLM('outside', work, [
      py('step one', 'print("one")'),
      py('step two', 'print("two")'),
    ]);
    let app;
    let ctx;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-outside' });
      ctx = await browser();
      const page = await openPage(ctx, app.url);
      await configure(page, llm.url);
      await createProject(page, 'Outside edits');
      await send(page, 'Print one');
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('one'), null, { timeout: 60000 });
      await waitFor(async () => (await sandboxFile(e2b, 'script.py')) === 'print("one")', 'the first answer in the sandbox');

      // The person edits the folder in their own editor.
      const dir = path.join(home, 'workspaces', 'Outside edits');
      assert(fs.existsSync(path.join(dir, '.git')), `the project folder ${dir}`);
      const helper = 'MAGIC = "outside-edit-7f3a"\n';
      fs.writeFileSync(path.join(dir, 'helper.py'), helper);
      fs.mkdirSync(path.join(dir, 'node_modules', 'left-pad'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'node_modules', 'left-pad', 'index.js'), 'module.exports = 0\n');
      await waitFor(async () => (await sandboxFile(e2b, 'helper.py')) === helper, 'the outside edit in the sandbox at the fake E2B', 30000);
      assert((await sandboxFile(e2b, 'node_modules/left-pad/index.js')) === null, 'an ignored folder does not reach the sandbox');

      // The Versions panel lists it as its own version.
      await page.click(tid('chat-versions'));
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="version-row"]')].some(r => r.textContent.includes('Edited outside Tessera')), null, { timeout: 15000 });
      const rows = await page.$$eval(tid('version-row'), els => els.map(e => e.textContent));
      assert(rows.length === 2 && rows[0].includes('Outside Tessera') && rows[0].includes('1 file changed'), `rows ${JSON.stringify(rows)}`);
      await page.click(tid('versions-close'));

      // The next prompt has it.
      await send(page, 'Print two');
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('two'), null, { timeout: 60000 });
      const reqs = await (await fetch(llm.debug)).json();
      assert(reqs.length === 2, `two model requests, got ${reqs.length}`);
      assert(reqs[1].text.includes('outside-edit-7f3a') && !reqs[0].text.includes('outside-edit-7f3a'), 'the second request carries the outside edit');
      assert(!reqs[1].text.includes('left-pad'), 'ignored files stay out of the prompt');
      await waitFor(async () => (await sandboxFile(e2b, 'script.py')) === 'print("two")', 'the second answer in the sandbox');

      // Undo: the exchange leaves the chat, the files go back to the version
      // before it (the outside edit stays), in the folder and the sandbox.
      assert(await messages(page) === 4, 'four messages before undo');
      await page.click(tid('chat-undo'));
      await page.click(tid('confirm-undo'));
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="chat-message"]').length === 2, null, { timeout: 15000 });
      await waitFor(async () => (await sandboxFile(e2b, 'script.py')) === 'print("one")', 'the sandbox back at the version before');
      assert(fs.readFileSync(path.join(dir, 'script.py'), 'utf8') === 'print("one")', 'the folder back at the version before');
      assert((await sandboxFile(e2b, 'helper.py')) === helper, 'the outside edit is kept');
      await page.screenshot({ path: path.join(artifacts, 'e2e-outside-undo.png') });

      // Redo brings the answer and its files back.
      await page.click(tid('chat-redo'));
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="chat-message"]').length === 4, null, { timeout: 15000 });
      await waitFor(async () => (await sandboxFile(e2b, 'script.py')) === 'print("two")', 'the sandbox forward again');
      assert(fs.readFileSync(path.join(dir, 'script.py'), 'utf8') === 'print("two")', 'the folder forward again');
      await page.waitForSelector(tid('chat-redo'), { state: 'detached', timeout: 10000 });
      assert((await admin(e2b, 'counts')).contractErrors === 0, 'every request matched openapi.yml');
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },
};
