// Issue 15 (items 5 and 6): a CSV dropped onto the chat is kept in the
// project's folder (data/), written to the sandbox and described to the
// model (columns, first rows, never the whole file), and a Python fragment
// reads it for real in the fake E2B. A traceback shows as a problem; Fix
// sends a turn that contains the traceback and the file it came from.
import fs from 'node:fs';
import path from 'node:path';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts, startFakeE2B, startFakeLLM, appEnv, configure, createProject, send, pyFragment as py } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');

const rows = ['region,sales'];
for (let i = 0; i < 40; i++) rows.push(`north-${i},${i * 5}`);
rows.push('zz-last-region,1000');
const csv = rows.join('\n') + '\n';
const total = Array.from({ length: 40 }, (_, i) => i * 5).reduce((a, b) => a + b, 0) + 1000;

const readCSV = [
  'import csv',
  'with open("data/sales.csv", newline="") as f:',
  '    rows = list(csv.DictReader(f))',
  'print("rows:", len(rows), "total:", sum(int(r["sales"]) for r in rows))',
].join('\n');
const broken = 'import csv\nrows = list(csv.DictReader(open("data/sales.csv")))\nprint(rows[0]["revenue"])';
const fixed = 'import csv\nrows = list(csv.DictReader(open("data/sales.csv")))\nprint("first sales:", rows[0]["sales"])';

// Drops files onto the chat as the person's file manager would.
async function drop(page, files) {
  const dt = await page.evaluateHandle((fs) => {
    const dt = new DataTransfer();
    for (const f of fs) dt.items.add(new File([f.text ?? new Uint8Array(f.size)], f.name, { type: f.type ?? '' }));
    return dt;
  }, files);
  await page.dispatchEvent(tid('upload-drop-zone'), 'dragenter', { dataTransfer: dt });
  await page.dispatchEvent(tid('upload-drop-zone'), 'drop', { dataTransfer: dt });
}

const requests = async (llm) => (await fetch(llm.debug)).json();

export const tests = {
  async 'upload a CSV and see a Python fragment read it; Fix on a traceback sends the traceback'() {
    const home = path.join(work, 'uploads-home');
    const e2b = await startFakeE2B('uploads', work);
    const llm = await startFakeLLM('uploads', work, [py('the sales total', readCSV), py('the first revenue', broken), py('the first sales', fixed)]);
    let app;
    let ctx;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-uploads' });
      ctx = await browser();
      const page = await openPage(ctx, app.url, 'UploadService');
      await configure(page, llm.url);
      await createProject(page, 'Sales');

      // Too large to drop: a sentence, nothing uploaded.
      await drop(page, [{ name: 'huge.bin', size: 16 * 1024 * 1024 }]);
      await page.waitForFunction(() => document.querySelector('[data-testid="upload-error"]')?.textContent?.includes('huge.bin is 16.0 MB; files up to 15.0 MB can be dropped. Use the Upload button'));
      assert(await page.$(tid('upload-item')) === null, 'nothing uploaded');

      // The CSV: listed, on disk in the project's folder, committed.
      await drop(page, [{ name: 'sales.csv', text: csv, type: 'text/csv' }]);
      await page.waitForSelector(`${tid('upload-item')}[data-path="data/sales.csv"]`);
      assert(await page.$(tid('upload-error')) === null, 'the refusal is gone');
      const onDisk = path.join(home, 'workspaces', 'Sales', 'data', 'sales.csv');
      assert(fs.readFileSync(onDisk, 'utf8') === csv, 'the CSV is in the project folder byte for byte');

      // The model is told about it (columns, first rows) and its code reads it in the sandbox.
      await send(page, 'What is the total of the sales column?');
      await page.waitForFunction((t) => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes(`rows: 41 total: ${t}`), total, { timeout: 60000 });
      let reqs = await requests(llm);
      const system = reqs[0].messages[0].content;
      assert(system.includes('path="data/sales.csv"') && system.includes('41 data rows, 2 columns: region, sales') && system.includes('north-0,0'),
        `the prompt describes the upload:\n${system.slice(-800)}`);
      assert(!system.includes('zz-last-region'), 'the prompt does not carry the whole file');
      await page.screenshot({ path: path.join(artifacts, 'e2e-uploads-read.png') });

      // A traceback is a problem with a Fix button.
      await send(page, 'Print the first revenue');
      await page.waitForSelector(tid('preview-error'), { timeout: 60000 });
      await page.click(tid('tab-preview')).catch(() => {});
      await page.waitForSelector(`${tid('problem')}[data-kind="traceback"]`);
      const title = await page.textContent(tid('problem-title'));
      assert(title.startsWith('KeyError'), `problem title ${title}`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-uploads-problem.png') });
      await page.click(tid('problem-fix'));
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('first sales: 0'), null, { timeout: 60000 });
      reqs = await requests(llm);
      assert(reqs.length === 3, `three turns, got ${reqs.length}`);
      const turn = reqs[2].messages.at(-1);
      assert(turn.role === 'user' && turn.content.includes('Fix this problem.') && turn.content.includes('File: script.py') &&
        turn.content.includes('Traceback') && turn.content.includes('KeyError') && turn.content.includes('revenue'),
        `the Fix turn carries the traceback:\n${turn.content}`);
      assert(await page.$(tid('problem')) === null, 'the fixed run has no problems');
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },

  async 'auto-fix once: a failed run is sent back to the model once, with its traceback'() {
    const home = path.join(work, 'autofix-home');
    const e2b = await startFakeE2B('autofix', work);
    const llm = await startFakeLLM('autofix', work, [py('a division', 'def f():\n    return 1 / 0\nf()'), py('a fixed division', 'print("half:", 1 / 2)')]);
    let app;
    let ctx;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-autofix' });
      ctx = await browser();
      const page = await openPage(ctx, app.url);
      await configure(page, llm.url);
      await createProject(page, 'Fixes');
      // Turned on in Settings, by the person.
      await page.click(tid('settings-open'));
      await page.check(tid('auto-fix-once-input'));
      await page.click(tid('settings-save'));
      await page.waitForSelector(`${tid('toast')}[data-kind="success"]`);
      const s = await page.evaluate(() => window.go.api.SettingsService.Get());
      assert(s.autoFixOnce === true, 'auto-fix once is saved');
      await page.keyboard.press('Escape');

      await send(page, 'Divide one by zero');
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('half: 0.5'), null, { timeout: 90000 });
      const reqs = await requests(llm);
      assert(reqs.length === 2, `one automatic fix, got ${reqs.length} turns`);
      const turn = reqs[1].messages.at(-1);
      assert(turn.role === 'user' && turn.content.includes('ZeroDivisionError') && turn.content.includes('Traceback'), `the fix carries the traceback:\n${turn.content}`);
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },
};
