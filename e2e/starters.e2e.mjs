// Issue 28 item 1: a project made from a built-in starter in the real app.
// The gallery is offered offline (embedded), the starter's files are the
// project's first version and reach the sandbox (the answer's cell reads
// the starter's sample data there), its rules file reaches the prompt, and
// an unknown starter is refused with a sentence, creating nothing.
import path from 'node:path';
import fs from 'node:fs';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts, startFakeE2B, startFakeLLM, appEnv, configure, send, pyFragment } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');

export const tests = {
  async 'a project from the notebook starter: its files, its rules, its data read in the sandbox'() {
    const home = path.join(work, 'starters-home');
    const e2b = await startFakeE2B('starters', work);
    const llm = await startFakeLLM('starters', work, [
      pyFragment('the weather rows', "import csv\nrows = list(csv.DictReader(open('data/weather.csv')))\nprint('weather rows:', len(rows), 'cities:', ','.join(sorted({r['city'] for r in rows})))"),
    ]);
    let app;
    let ctx;
    let page;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-starters' });
      ctx = await browser([`--host-resolver-rules=MAP *.${e2b.domain} ${e2b.addr}`]);
      page = await openPage(ctx, app.url);
      await configure(page, llm.url);

      // Bad input: an unknown starter is a sentence and makes nothing.
      const refusal = await page.evaluate(async () => {
        try { await window.go.api.ProjectService.Create({ name: 'Nope', description: '', template: '', starter: 'no-such-starter' }); return null; }
        catch (e) { return e.message; }
      });
      const parsed = JSON.parse(refusal);
      assert(parsed.code === 'invalid' && parsed.message.includes('no starter'), `refusal ${refusal}`);
      const none = await page.evaluate(() => window.go.api.ProjectService.List());
      assert((none || []).length === 0, `nothing created: ${JSON.stringify(none)}`);

      // The gallery: the five starters and an empty project per template.
      await page.click(tid('project-selector'));
      await page.click(tid('project-new'));
      await page.waitForSelector(tid('starter-python-notebook'));
      const cards = await page.$$eval(`${tid('starter-gallery')} label`, els => els.map(e => e.dataset.testid));
      for (const id of ['nextjs-tailwind', 'vue-app', 'streamlit-dashboard', 'gradio-demo', 'python-notebook', 'empty-code-interpreter-v1', 'empty-nextjs-developer', 'empty-vue-developer', 'empty-streamlit-developer', 'empty-gradio-developer']) {
        assert(cards.includes(`starter-${id}`), `the gallery offers ${id}: ${cards}`);
      }
      await page.fill(tid('project-name-input'), 'Weather notebook');
      await page.click(tid('starter-python-notebook'));
      await page.waitForSelector(tid('starter-template'));
      await page.screenshot({ path: path.join(artifacts, 'e2e-starters-gallery.png') });
      await page.click(tid('project-create-submit'));
      await page.waitForFunction(() => document.querySelector('[data-testid="current-project-name"]')?.textContent?.includes('Weather notebook'));

      // Its files are the first version and the index.
      const p = (await page.evaluate(() => window.go.api.ProjectService.List()))[0];
      assert(p.template === 'code-interpreter-v1', `the starter's template: ${p.template}`);
      const tree = JSON.stringify(await page.evaluate(id => window.go.api.FilesService.Tree(id), p.id));
      for (const f of ['TESSERA.md', 'script.py', 'weather.csv']) assert(tree.includes(f), `the tree has ${f}: ${tree.slice(0, 300)}`);

      // The first answer runs in a sandbox built with the starter's files.
      await send(page, 'How many weather rows are there?');
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('weather rows: 244 cities: Lisbon,Oslo'), null, { timeout: 60000 });
      const reqs = JSON.stringify(await (await fetch(llm.debug)).json());
      assert(reqs.includes('end a cell with the value to show'), 'the starter\'s TESSERA.md reached the prompt');
      await page.screenshot({ path: path.join(artifacts, 'e2e-starters-result.png') });
    } catch (e) {
      await page?.screenshot({ path: path.join(artifacts, 'e2e-starters-failure.png') }).catch(() => {});
      throw e;
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },
};
