// Issue 14 (items 1-3): every project is a folder on disk under git. A
// database from a Tessera before workspaces is imported at start (its files
// become the first version, nothing lost); the Versions panel lists it with
// its diff in the merge view; branching makes a new project from it; a
// deleted project's folder goes to the trash, never away.
import path from 'node:path';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');
const migrations = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'backend', 'store', 'migrations');

// A database as a Tessera before workspaces left it: every migration before
// 0005, one project with files, remembered as the current one.
function oldDatabase(db, files) {
  const before = fs.readdirSync(migrations).filter(f => /^\d+_/.test(f) && parseInt(f, 10) < 5).sort();
  const py = `
import sqlite3, sys, json
c = sqlite3.connect(sys.argv[1])
c.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)")
for name in json.loads(sys.argv[2]):
    c.executescript(open(sys.argv[3] + "/" + name).read())
    c.execute("INSERT INTO schema_migrations VALUES (?, ?, 0)", (int(name.split("_")[0]), name))
c.execute("INSERT INTO projects(id, name, created_at, updated_at, last_activity_at) VALUES ('p-old', 'Old weather app', 1, 1, 1)")
for p, content in json.loads(sys.argv[4]).items():
    c.execute("INSERT INTO project_files(project_id, path, content, updated_at) VALUES ('p-old', ?, ?, 1)", (p, content.encode()))
c.execute("INSERT INTO settings(key, value) VALUES ('current_project', 'p-old')")
c.commit()
`;
  execFileSync('python3', ['-c', py, db, JSON.stringify(before), migrations, JSON.stringify(files)]);
}

const currentIs = (page, name) =>
  page.waitForFunction(n => document.querySelector('[data-testid="current-project-name"]')?.textContent?.includes(n), name, { timeout: 15000 });

export const tests = {
  async 'an old database is imported into a folder under git; versions, diff, branch, trash'() {
    const home = path.join(work, 'versions-home');
    fs.mkdirSync(home, { recursive: true });
    const files = { 'app.py': 'print("sunny")\n', 'data/städte.csv': 'name\nZürich\n' };
    oldDatabase(path.join(home, 'tessera.db'), files);
    const app = await startApp({ home, name: 'app-versions' });
    const ctx = await browser();
    const root = path.join(home, 'workspaces');
    try {
      const page = await openPage(ctx, app.url);
      await currentIs(page, 'Old weather app');
      // The files are on disk, byte for byte, in a git repository.
      const dir = path.join(root, 'Old weather app');
      for (const [p, c] of Object.entries(files)) {
        assert(fs.readFileSync(path.join(dir, p), 'utf8') === c, `${p} on disk`);
      }
      assert(fs.statSync(path.join(dir, '.git')).isDirectory(), 'a git repository in the folder');
      assert(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8').includes('node_modules/'), 'the default .gitignore');

      // The Versions panel: the imported version, its files, the merge view.
      await page.click(tid('chat-versions'));
      await page.waitForSelector(tid('version-row'));
      const rows = await page.$$eval(tid('version-row'), els => els.map(e => e.textContent));
      assert(rows.length === 1 && rows[0].includes('Imported') && rows[0].includes('3 files changed'), `rows ${JSON.stringify(rows)}`);
      const folder = await page.textContent(tid('versions-folder'));
      assert(folder === dir, `folder shown ${folder}`);
      await page.click(`${tid('version-file')}:has-text("app.py")`);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="merge-view"] .cm-editor').length === 2);
      await page.waitForFunction(() => document.querySelector('[data-testid="merge-view"]')?.textContent?.includes('print("sunny")'));
      assert(await page.isDisabled(tid('version-restore')), 'the current version cannot be restored onto itself');
      await page.screenshot({ path: path.join(artifacts, 'e2e-versions.png') });

      // Branch it into a new project, which opens.
      await page.click(tid('version-branch'));
      await page.fill(tid('branch-name'), 'Weather copy');
      await page.click(tid('branch-submit'));
      await currentIs(page, 'Weather copy');
      const copy = path.join(root, 'Weather copy');
      assert(fs.readFileSync(path.join(copy, 'app.py'), 'utf8') === files['app.py'], 'the branch has the files');

      // Delete the copy: its folder goes to the trash with its history.
      await page.click(tid('project-selector'));
      await page.click(tid('project-delete'));
      await page.click(tid('confirm-delete'));
      await page.waitForFunction(() => !document.querySelector('[data-testid="current-project-name"]')?.textContent?.includes('Weather copy'));
      assert(!fs.existsSync(copy), 'the deleted project folder left the root');
      const trashed = path.join(root, '.trash', 'Weather copy');
      assert(fs.readFileSync(path.join(trashed, 'app.py'), 'utf8') === files['app.py'] && fs.existsSync(path.join(trashed, '.git')), 'the folder is in the trash, whole');
    } finally {
      await closeBrowser(ctx);
      await stopProcess(app.proc);
    }
  },
};
