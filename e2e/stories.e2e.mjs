// Issue 29, item 4: true stories. After a restore the chat has a line
// saying what the files now are (the answer above it may say otherwise);
// Undo's sentence says what Undo did to the files, computed from it: after
// that restore, the undone answer's files were already back.
import fs from 'node:fs';
import path from 'node:path';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts, startFakeE2B, startFakeLLM, appEnv, configure, createProject, send, pyFragment } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');

export const tests = {
  async 'a restore leaves a line in the chat; Undo after it says the files were already back'() {
    const home = path.join(work, 'stories-home');
    const e2b = await startFakeE2B('stories', work);
    const llm = await startFakeLLM('stories', work, [pyFragment('green', 'print("green")'), pyFragment('purple', 'print("purple")')]);
    let app;
    let ctx;
    let page;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-stories' });
      ctx = await browser([`--host-resolver-rules=MAP *.${e2b.domain} ${e2b.addr}`]);
      page = await openPage(ctx, app.url);
      await configure(page, llm.url);
      await createProject(page, 'Stories');
      await send(page, 'green');
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('green'), null, { timeout: 60000 });
      await send(page, 'purple');
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('purple'), null, { timeout: 60000 });
      await page.waitForFunction(() => !document.querySelector('[data-testid="chat-undo"]')?.disabled, null, { timeout: 60000 });
      assert(!(await page.$(tid('file-story'))), 'no file line before any restore');

      // Restore the first answer's version: the chat says what the files are now.
      await page.click(tid('chat-versions'));
      await page.click(`${tid('version-row')}:has-text("green")`);
      await page.click(tid('version-restore'));
      await page.click(tid('confirm-restore'));
      await page.waitForSelector(tid('confirm-restore'), { state: 'detached', timeout: 60000 });
      await page.keyboard.press('Escape');
      await page.waitForSelector(tid('version-row'), { state: 'detached' });
      const line = await page.waitForSelector(`${tid('file-story')}[data-kind="restore"]`, { timeout: 10000 });
      const text = await line.textContent();
      assert(/Restored the version of .*The project's files are now those of that version/.test(text), `the restore's line: ${text}`);
      // It follows the last answer, which still says "purple".
      const after = await page.evaluate(() => {
        const l = document.querySelector('[data-testid="file-story"]');
        return l.previousElementSibling?.getAttribute('data-testid');
      });
      assert(after === 'chat-message', `the line sits among the messages, after the last one: ${after}`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-stories-restore.png') });

      // Undo the purple exchange: its files were already taken back by the restore.
      await page.click(tid('chat-undo'));
      await page.click(tid('confirm-undo'));
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="toast"]')].some(e => e.textContent.includes('Redo brings it back')), null, { timeout: 10000 });
      const said = (await page.$$eval(tid('toast'), els => els.map(e => e.textContent))).join(' | ');
      assert(said.includes('were already back to the version before it') && !said.includes('had not changed the files'), `Undo says what it did: ${said}`);
    } catch (e) {
      await page?.screenshot({ path: path.join(artifacts, 'e2e-stories-failure.png') }).catch(() => {});
      throw e;
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },
};
