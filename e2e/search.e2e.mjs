// Issue 16, item 2: search everything. A turn with the fake LLM, then a
// second project; Ctrl+K finds the first project's message, Enter switches
// back to it and scrolls to the message with a brief highlight. A file hit
// opens the Code tab on that file at its line.
import fs from 'node:fs';
import path from 'node:path';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts, startFakeE2B, startFakeLLM, appEnv, configure, createProject, send, pyFragment as py } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');

async function searchFor(page, text) {
  await page.keyboard.press('Control+K');
  await page.waitForSelector(tid('search-dialog'));
  await page.fill(tid('search-input'), text);
  // The dialog keeps the last query's hits until the new answer arrives.
  await page.waitForFunction(t => document.querySelector('[data-testid="search-dialog"]')?.dataset.answered === t, text, { timeout: 10000 });
  await page.waitForSelector(tid('search-hit'), { timeout: 10000 });
}

export const tests = {
  async 'Ctrl+K finds a message in another project; Enter jumps to it and highlights it; a file hit opens the file'() {
    const home = path.join(work, 'search-home');
    const e2b = await startFakeE2B('search', work);
    const llm = await startFakeLLM('search', work, [
      py('a pelican counter', ['import math', '', 'def count_pelicans(n):', '    return n * 2', '', 'print(count_pelicans(21))'].join('\n')),
    ]);
    let app;
    let ctx;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-search' });
      ctx = await browser();
      const page = await openPage(ctx, app.url, 'SearchService');
      await configure(page, llm.url);
      await createProject(page, 'Birds');
      await send(page, 'Count the flamingos and the pelicans');
      await page.waitForSelector(`${tid('chat-message')}[data-role="assistant"][data-status="done"]`, { timeout: 60000 });
      await createProject(page, 'Other');

      // The top-bar button opens the same dialog; Escape closes it.
      await page.click(tid('search-open'));
      await page.waitForSelector(tid('search-dialog'));
      await page.keyboard.press('Escape');
      await page.waitForSelector(tid('search-dialog'), { state: 'detached' });

      await searchFor(page, 'flamin');
      const hit = await page.$eval(`${tid('search-hit')}[aria-selected="true"]`, el => ({
        kind: el.dataset.kind, mark: el.querySelector('mark')?.textContent, group: el.closest('[data-testid="search-group"]')?.getAttribute('aria-label'),
      }));
      assert(hit.kind === 'message' && hit.mark === 'flamingos' && hit.group === 'Birds', `first hit: ${JSON.stringify(hit)}`);
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('[data-testid="current-project-name"]')?.textContent?.includes('Birds'), null, { timeout: 10000 });
      await page.waitForSelector(`${tid('chat-message')}[data-search-hit="true"]`, { timeout: 10000 });
      const row = await page.$eval(`${tid('chat-message')}[data-search-hit="true"]`, el => ({ role: el.dataset.role, text: el.textContent }));
      assert(row.role === 'user' && row.text.includes('flamingos'), `highlighted row: ${JSON.stringify(row)}`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-search-jump.png') });
      // The highlight is brief.
      await page.waitForSelector(`${tid('chat-message')}[data-search-hit="true"]`, { state: 'detached', timeout: 5000 });

      // A word of the code: the file hit opens the Code tab on script.py at line 3.
      await createProject(page, 'Third');
      await searchFor(page, 'count_pelicans');
      const files = await page.$$(`${tid('search-hit')}[data-kind="file"]`);
      assert(files.length === 1, `one file hit, got ${files.length}`);
      await files[0].click();
      await page.waitForFunction(() => document.querySelector('[data-testid="current-project-name"]')?.textContent?.includes('Birds'), null, { timeout: 10000 });
      await page.waitForSelector(`${tid('tab-code')}[data-state="active"]`, { timeout: 10000 });
      await page.waitForSelector(`${tid('code-file-tab')}[data-path="script.py"][aria-selected="true"]`, { timeout: 10000 });
      await page.waitForSelector(`${tid('code-text')}[data-goto-line="3"]`, { state: 'attached', timeout: 10000 }); // a hidden <pre>

      // Malformed input is just text: no error, and the dialog still answers.
      await searchFor(page, 'pelican');
      const odd = '" * ( -';
      await page.fill(tid('search-input'), odd);
      await page.waitForFunction(t => document.querySelector('[data-testid="search-dialog"]')?.dataset.answered === t &&
        !document.querySelector('[data-testid="search-dialog"] [role="alert"]') &&
        document.querySelectorAll('[data-testid="search-hit"]').length === 0, odd, { timeout: 5000 });
      // Any bytes are a query (issue 31): a NUL inside a word is no database error.
      const nul = 'peli\u0000can';
      await page.fill(tid('search-input'), nul);
      await page.waitForFunction(t => document.querySelector('[data-testid="search-dialog"]')?.dataset.answered === t &&
        !document.querySelector('[data-testid="search-dialog"] [role="alert"]'), nul, { timeout: 5000 });
      await page.keyboard.press('Escape');
      await page.waitForSelector(tid('search-dialog'), { state: 'detached' });

      // A name of emoji only is found, though the word index holds no emoji.
      await createProject(page, '🦩🦩');
      await searchFor(page, '🦩');
      const group = await page.$eval(`${tid('search-hit')}[data-kind="project"]`, el => el.closest('[data-testid="search-group"]')?.getAttribute('aria-label'));
      assert(group === '🦩🦩', `emoji search found ${JSON.stringify(group)}`);
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },
};
