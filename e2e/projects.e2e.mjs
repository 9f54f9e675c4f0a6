// Issue 2: projects and keys survive a restart of the real app, with the key
// read back from the real keychain.
import path from 'node:path';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');

async function createProject(page, name) {
  await page.click(tid('project-selector'));
  await page.click(tid('project-new'));
  await page.fill(tid('project-name-input'), name);
  await page.click(tid('project-create-submit'));
  await page.waitForFunction(n => document.querySelector('[data-testid="current-project-name"]')?.textContent?.includes(n), name);
}

export const tests = {
  async 'create, rename, delete, save a key, restart: all still there'() {
    const home = path.join(work, 'projects-home');
    let app = await startApp({ home, name: 'app-projects' });
    let ctx = await browser();
    try {
      let page = await openPage(ctx, app.url);
      // First launch explains the next steps.
      await page.waitForSelector(tid('welcome-panel'));

      // Bad input: an empty name is refused with a sentence, nothing created.
      await page.click(tid('project-selector'));
      await page.click(tid('project-new'));
      await page.fill(tid('project-name-input'), '   ');
      await page.click(tid('project-create-submit'));
      await page.waitForSelector('text=Give the project a name.');
      await page.keyboard.press('Escape');
      // The backend refuses it too, and its sentence crosses the bridge intact.
      const refusal = await page.evaluate(async () => {
        try { await window.go.api.ProjectService.Create({ name: '  ', description: '', template: '' }); return null; }
        catch (e) { return e.message; }
      });
      const parsed = JSON.parse(refusal);
      assert(parsed.code === 'invalid' && parsed.message === 'Give the project a name.', `refusal ${refusal}`);

      await createProject(page, 'First project');
      await createProject(page, 'Second project');

      // Rename the current one (Second project).
      await page.click(tid('project-selector'));
      await page.click(tid('project-rename'));
      await page.fill(tid('project-rename-input'), 'Renamed project');
      await page.click(tid('project-rename-submit'));
      await page.waitForFunction(() => document.querySelector('[data-testid="current-project-name"]')?.textContent?.includes('Renamed project'));

      // Switch to First project and delete it through the confirmation dialog.
      await page.click(tid('project-selector'));
      await page.click(`${tid('project-item')}:has-text("First project")`);
      await page.waitForFunction(() => document.querySelector('[data-testid="current-project-name"]')?.textContent?.includes('First project'));
      await page.click(tid('project-selector'));
      await page.click(tid('project-delete'));
      await page.click(tid('confirm-delete'));
      await page.waitForFunction(() => !document.querySelector('[data-testid="current-project-name"]')?.textContent?.includes('First project'));

      // Select the renamed project so it is the remembered one.
      await page.click(tid('project-selector'));
      const items = await page.$$eval(tid('project-item'), els => els.map(e => e.textContent));
      assert(items.length === 1 && items[0].includes('Renamed project'), `one project left, got ${JSON.stringify(items)}`);
      await page.click(`${tid('project-item')}:has-text("Renamed project")`);

      // Save an E2B key; the field is write-only.
      await page.click(tid('settings-open'));
      await page.fill(tid('key-input-e2b'), 'e2b_e2e_secret_value');
      await page.click(tid('settings-save'));
      await page.waitForFunction(() => document.querySelector('[data-testid="key-status-e2b"]')?.textContent?.includes('Saved'));
      const html = await page.content();
      assert(!html.includes('e2b_e2e_secret_value'), 'the saved key must not stay in the page');
      await page.screenshot({ path: path.join(artifacts, 'e2e-projects.png') });
    } finally {
      await closeBrowser(ctx);
      await stopProcess(app.proc);
    }

    // Restart the app: the project is still there and selected, the key still saved.
    app = await startApp({ home, name: 'app-projects-2' });
    ctx = await browser();
    try {
      const page = await openPage(ctx, app.url);
      await page.waitForFunction(() => document.querySelector('[data-testid="current-project-name"]')?.textContent?.includes('Renamed project'), null, { timeout: 15000 });
      await page.click(tid('settings-open'));
      await page.waitForFunction(() => document.querySelector('[data-testid="key-status-e2b"]')?.textContent?.includes('Saved'), null, { timeout: 15000 });
      await page.screenshot({ path: path.join(artifacts, 'e2e-page.png') });
    } finally {
      await closeBrowser(ctx);
      await stopProcess(app.proc);
    }
    // Nothing secret in the data folder or the log.
    for (const f of fs.readdirSync(home, { recursive: true })) {
      const p = path.join(home, f);
      if (fs.statSync(p).isFile()) assert(!fs.readFileSync(p).includes('e2b_e2e_secret_value'), `secret found in ${f}`);
    }
  },

  async 'a database from a newer Tessera is refused with a sentence and left untouched'() {
    const home = path.join(work, 'future-home');
    fs.mkdirSync(home, { recursive: true });
    const db = path.join(home, 'tessera.db');
    execFileSync('python3', ['-c', `import sqlite3; c = sqlite3.connect(${JSON.stringify(db)}); c.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"); c.execute("INSERT INTO schema_migrations VALUES (999, '999_future.sql', 0)"); c.commit()`]);
    const before = fs.readFileSync(db);
    const app = await startApp({ home, name: 'app-future' });
    const ctx = await browser();
    try {
      // Only SystemService is bound when the database cannot be opened.
      const page = await openPage(ctx, app.url, 'SystemService');
      await page.waitForSelector(tid('startup-error'), { timeout: 15000 });
      const text = await page.$eval(tid('startup-error'), el => el.textContent);
      assert(/newer version of Tessera/.test(text), `the sentence is shown: ${text}`);
    } finally {
      await closeBrowser(ctx);
      await stopProcess(app.proc);
    }
    assert(Buffer.compare(before, fs.readFileSync(db)) === 0, 'the newer database was left untouched');
  },
};
