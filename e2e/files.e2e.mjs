// Issue 15 (items 1, 2): the Files tab in the real app. A turn writes
// script.py; the tree lists the project's folder; the file opens in a tab,
// is edited in CodeMirror and saved with Ctrl+S: the folder has it, the
// project's history has a version "edited script.py", and the fake E2B's
// sandbox holds the new text. An unsaved change survives a project switch
// and a reload of the page. New file, rename and delete (after the
// confirmation) reach the folder too.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts, startFakeE2B, startFakeLLM, admin, appEnv, configure, createProject, send, pyFragment as py, waitFor, staticPage, webScenario } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');

const editorText = page => page.$eval(tid('editor-text'), el => el.textContent);
const row = p => `${tid('tree-row')}[data-path="${p}"]`;

export const tests = {
  async 'edit a file, save with Ctrl+S: the folder, a version and the sandbox have it; drafts survive'() {
    const home = path.join(work, 'files-home');
    const e2b = await startFakeE2B('files', work);
    const second = 'print("second turn")\n' + '# ' + 'the model writes for a while. '.repeat(80) + '\n';
    const llm = await startFakeLLM('files', work, [py('a greeting', 'print("hello from the model")\n'), py('a change', second)]);
    let app;
    let ctx;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-files' });
      ctx = await browser();
      const page = await openPage(ctx, app.url);
      await configure(page, llm.url);
      await createProject(page, 'Editing');
      await send(page, 'Say hello');
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('hello from the model'), null, { timeout: 60000 });

      const boxes = await admin(e2b, 'sandboxes');
      assert(boxes.length === 1, `one sandbox: ${boxes.length}`);
      const inSandbox = () => fs.readFileSync(path.join(boxes[0].Dir, 'home/user/script.py'), 'utf8');
      assert(inSandbox() === 'print("hello from the model")\n', `the turn wrote the sandbox: ${inSandbox()}`);
      const folder = path.join(home, 'workspaces', 'Editing');

      // The Files tab: the project's folder, the file in a tab.
      await page.click(tid('tab-files'));
      await page.waitForSelector(row('script.py'));
      await page.click(row('script.py'));
      await page.waitForSelector(`${tid('editor')}[data-path="script.py"] .cm-content`);
      assert((await editorText(page)) === 'print("hello from the model")\n', 'the editor shows the file');

      // Type at the end and save with Ctrl+S.
      await page.click(`${tid('editor')} .cm-content`);
      await page.keyboard.press('Control+End');
      await page.keyboard.type('print("edited by hand")');
      await page.waitForSelector(`${tid('editor-tab')}[data-path="script.py"][data-dirty="true"]`);
      await page.keyboard.press('Control+s');
      await page.waitForSelector(`${tid('editor-tab')}[data-path="script.py"][data-dirty="false"]`, { timeout: 30000 });
      const want = 'print("hello from the model")\nprint("edited by hand")';
      assert(fs.readFileSync(path.join(folder, 'script.py'), 'utf8') === want, 'the folder has the saved text');
      await waitFor(() => inSandbox() === want, 'the sandbox copy to change', 20000);
      const log = execFileSync('git', ['-C', folder, 'log', '--format=%s'], { encoding: 'utf8' }).trim().split('\n');
      assert(log[0] === 'edited script.py' && log.length === 2, `one version per save: ${JSON.stringify(log)}`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-files-editor.png') });

      // An unsaved change survives switching projects and reloading the page.
      await page.click(`${tid('editor')} .cm-content`);
      await page.keyboard.press('Control+End');
      await page.keyboard.type('\n# not saved yet');
      await page.waitForSelector(`${tid('editor-tab')}[data-path="script.py"][data-dirty="true"]`);
      await createProject(page, 'Elsewhere');
      await page.click(tid('project-selector'));
      await page.click(`${tid('project-item')}:has-text("Editing")`);
      await page.waitForFunction(() => document.querySelector('[data-testid="current-project-name"]')?.textContent?.includes('Editing'));
      await page.click(tid('tab-files'));
      await page.waitForSelector(`${tid('editor-tab')}[data-path="script.py"][data-dirty="true"]`, { timeout: 15000 });
      await page.reload();
      await page.waitForFunction(() => window.go && window.go.api);
      await page.click(tid('tab-files'));
      await page.waitForSelector(`${tid('editor-tab')}[data-path="script.py"][data-dirty="true"]`, { timeout: 15000 });
      assert((await editorText(page)).endsWith('# not saved yet'), 'the draft came back after a reload');
      assert(!fs.readFileSync(path.join(folder, 'script.py'), 'utf8').includes('not saved yet'), 'a draft is not written until saved');

      // A turn while the Files tab is open: the code streams there, live; then the
      // draft is still there, marked as older than what the model wrote.
      await send(page, 'Change it');
      await page.waitForFunction(() => document.querySelector('[data-testid="explorer"] [data-testid="code-view"]')?.textContent?.includes('second turn'), null, { timeout: 30000 });
      await page.waitForSelector(tid('editor-stale'), { timeout: 60000 });
      assert((await editorText(page)).endsWith('# not saved yet'), 'the draft survived the turn');
      assert(inSandbox() === second, 'the turn wrote the sandbox');

      // New file, rename, delete after the confirmation.
      await page.click(tid('tree-new-file'));
      await page.fill(tid('tree-new-input'), 'notes/todo.md');
      await page.press(tid('tree-new-input'), 'Enter');
      await page.waitForSelector(`${tid('editor-tab')}[data-path="notes/todo.md"]`);
      assert(fs.existsSync(path.join(folder, 'notes/todo.md')), 'the new file is in the folder');
      await page.hover(row('notes'));
      await page.click(`${row('notes')} ${tid('tree-rename')}`);
      await page.fill(tid('tree-rename-input'), 'docs');
      await page.press(tid('tree-rename-input'), 'Enter');
      await page.waitForSelector(row('docs/todo.md'));
      assert(fs.existsSync(path.join(folder, 'docs/todo.md')) && !fs.existsSync(path.join(folder, 'notes')), 'the folder was renamed on disk');
      await page.hover(row('docs'));
      await page.click(`${row('docs')} ${tid('tree-delete')}`);
      await page.click(tid('tree-delete-confirm'));
      await page.waitForSelector(row('docs'), { state: 'detached' });
      assert(!fs.existsSync(path.join(folder, 'docs')), 'the folder was deleted');
      const log2 = execFileSync('git', ['-C', folder, 'log', '--format=%s'], { encoding: 'utf8' }).trim().split('\n');
      assert(log2.slice(0, 4).join('|') === 'deleted docs|renamed notes to docs|created notes/todo.md|Change it', `versions: ${JSON.stringify(log2)}`);
      const counts = await admin(e2b, 'counts');
      assert(counts.contractErrors === 0, `requests the fake E2B refused as off-spec: ${counts.contractErrors}`);
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },

  async 'web: device sizes resize the preview; a page edited in the Files tab is what the preview serves'() {
    const page1 = '<!doctype html><html><body><h1 id="hello">Hello from the model</h1></body></html>';
    const s = await webScenario({ name: 'files-web', work, home: path.join(work, 'files-web-home'),
      fragments: [staticPage(page1)], project: 'Web edit' });
    try {
      const { page } = s;
      let { frameEl } = s;
      await (await frameEl.contentFrame()).waitForSelector('#hello', { timeout: 20000 });

      const width = () => page.$eval(tid('preview-iframe'), el => Math.round(el.getBoundingClientRect().width));
      const full = await width();
      await page.click(tid('preview-device-phone'));
      assert((await width()) === 390, `phone width ${await width()}`);
      await page.click(tid('preview-device-tablet'));
      const tablet = await width();
      assert(tablet > 390 && tablet <= 820 && tablet < full, `tablet width ${tablet} (full ${full})`);
      // In a panel narrower than a tablet the page still lays out at 820 px, shown smaller: not the same as Desktop (issue 29).
      const inner = await (await (await page.$(tid('preview-iframe'))).contentFrame()).evaluate(() => innerWidth);
      assert(inner === 820, `the tablet page lays out at 820 px, got ${inner}`);
      await page.click(tid('preview-device-desktop'));
      assert((await width()) === full, `desktop width ${await width()} want ${full}`);

      // Edit the page in the Files tab and save: the sandbox serves the new page.
      await page.click(tid('tab-files'));
      await page.click(`${tid('tree-row')}[data-path="public"]`);
      await page.click(`${tid('tree-row')}[data-path="public/index.html"]`);
      await page.waitForSelector(`${tid('editor')}[data-path="public/index.html"] .cm-content`);
      await page.click(`${tid('editor')} .cm-content`);
      await page.keyboard.press('Control+a');
      await page.keyboard.insertText('<!doctype html><html><body><h1 id="hello">Edited by hand</h1></body></html>');
      await page.keyboard.press('Control+s');
      await page.waitForSelector(`${tid('editor-tab')}[data-path="public/index.html"][data-dirty="false"]`, { timeout: 30000 });
      await page.click(tid('tab-preview'));
      frameEl = await page.waitForSelector(tid('preview-iframe'));
      const frame = await frameEl.contentFrame();
      await frame.waitForFunction(() => document.querySelector('#hello')?.textContent === 'Edited by hand', null, { timeout: 20000 });
      await page.screenshot({ path: path.join(artifacts, 'e2e-files-web.png') });
    } finally {
      await s.stop();
    }
  },
};
