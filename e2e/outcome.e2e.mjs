// Issue 29, item 1: a turn's outcome on the turn itself. A Python answer
// whose cell raised is marked failed in the chat (not only in the Preview
// tab), with the traceback one click away and Fix; the Fix shows as the
// problem it asks about (no raw code fences), and the answer that runs
// says it fixed it.
import fs from 'node:fs';
import path from 'node:path';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts, startFakeE2B, startFakeLLM, appEnv, configure, createProject, send, pyFragment } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');

export const tests = {
  async 'a cell that raised marks its turn failed with Fix; the Fix that runs says so'() {
    const home = path.join(work, 'outcome-home');
    const e2b = await startFakeE2B('outcome', work);
    const llm = await startFakeLLM('outcome', work, [
      pyFragment('a lookup', 'd = {}\nprint(d["region"])'),
      pyFragment('a fixed lookup', 'd = {"region": "north"}\nprint(d["region"])'),
    ]);
    let app;
    let ctx;
    let page;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-outcome' });
      ctx = await browser([`--host-resolver-rules=MAP *.${e2b.domain} ${e2b.addr}`]);
      page = await openPage(ctx, app.url);
      await configure(page, llm.url);
      await createProject(page, 'Outcome');
      await send(page, 'look it up');
      const mark = await page.waitForSelector(`${tid('chat-messages')} ${tid('turn-mark')}[data-outcome="failed"]`, { timeout: 60000 });
      const line = await mark.$eval(tid('turn-mark-line'), e => e.textContent);
      assert(line.includes('KeyError'), `the failed turn names the error in one line: ${line}`);
      await page.click(tid('turn-mark-details'));
      const detail = await page.$eval(tid('turn-mark-detail'), e => e.textContent);
      assert(detail.includes('KeyError'), `Details shows the traceback: ${detail.slice(0, 120)}`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-outcome-failed.png') });
      // The preview header is not cut at 1280 px: the template and the tokens show whole (issue 29).
      const cut = await page.evaluate(() => ['preview-template', 'usage-tokens'].map(id => {
        const el = document.querySelector(`[data-testid="${id}"]`);
        const meta = document.querySelector('[data-testid="preview-meta"]').getBoundingClientRect();
        if (!el) return `${id} missing`;
        const r = el.getBoundingClientRect();
        return el.scrollWidth > el.clientWidth + 1 || r.right > meta.right + 1 || r.left < meta.left - 1 ? `${id} cut: ${el.textContent}` : '';
      }).filter(Boolean));
      assert(cut.length === 0, `the preview header shows the template and the tokens whole: ${cut.join('; ')}`);

      await page.click(tid('turn-fix'));
      await page.waitForSelector(`${tid('turn-mark')}[data-outcome="fixed"]`, { timeout: 60000 });
      const bubble = await page.$eval(tid('fix-request'), e => e.textContent);
      assert(bubble.includes('KeyError') && !bubble.includes('```'), `the Fix shows the problem, not code fences: ${bubble}`);
      const marks = await page.$$eval(tid('turn-mark'), els => els.map(e => e.dataset.outcome));
      assert(JSON.stringify(marks) === '["failed","fixed"]', `the first turn stays failed, the fix says it fixed it: ${marks}`);
      assert(!(await page.$(tid('turn-fix'))), 'no Fix on a turn the chat went past');
      await page.screenshot({ path: path.join(artifacts, 'e2e-outcome-fixed.png') });
    } catch (e) {
      await page?.screenshot({ path: path.join(artifacts, 'e2e-outcome-failure.png') }).catch(() => {});
      throw e;
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },
};
