// Issue 29, item 3: one notice system with rules. In the real page, on the
// screens where floating notices used to sit over the next control (Undo's
// over Redo, Clear and the tabs; Settings' over its title; the budget's over
// the cost popover; Duplicate's over the home filter), no notice covers a
// focusable element; the same action twice replaces its notice; one Save
// gives one notice; Escape closes a dialog before a notice.
import fs from 'node:fs';
import path from 'node:path';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts, startFakeE2B, startFakeLLM, appEnv, configure, createProject, send, pyFragment } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');

// covered lists the focusable elements a notice covers: for every focusable
// element whose visible box (clipped by its scrolling ancestors) meets a
// notice's box, the points of the shared area where the notice is the top
// element. An element under another layer (a popover over the strip) is not
// covered by the notice.
function covered() {
  const focusable = 'a[href],button,input,select,textarea,iframe,summary,[tabindex],[contenteditable="true"],[role="tab"],[role="button"]';
  const notices = [...document.querySelectorAll('[data-testid="toast"]')];
  const meet = (a, b) => ({ left: Math.max(a.left, b.left), top: Math.max(a.top, b.top), right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom) });
  const empty = r => r.right - r.left < 1 || r.bottom - r.top < 1;
  const visibleBox = el => {
    let r = el.getBoundingClientRect();
    r = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    for (let a = el.parentElement; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible' || s.overflowY !== 'visible') r = meet(r, a.getBoundingClientRect());
    }
    return meet(r, { left: 0, top: 0, right: innerWidth, bottom: innerHeight });
  };
  const found = [];
  for (const el of document.querySelectorAll(focusable)) {
    if (el.closest('[data-notices]') || el.hasAttribute('data-radix-focus-guard')) continue;
    if (getComputedStyle(el).visibility === 'hidden') continue;
    const box = visibleBox(el);
    if (empty(box)) continue;
    for (const n of notices) {
      const m = meet(box, n.getBoundingClientRect());
      if (empty(m)) continue;
      for (const fx of [0.1, 0.5, 0.9]) for (const fy of [0.1, 0.5, 0.9]) {
        const hit = document.elementFromPoint(m.left + (m.right - m.left) * fx, m.top + (m.bottom - m.top) * fy);
        if (hit && n.contains(hit)) {
          found.push(`${el.tagName.toLowerCase()}[${el.getAttribute('data-testid') || el.getAttribute('aria-label') || el.textContent.trim().slice(0, 30)}] under “${n.textContent.slice(0, 40)}”`);
          break;
        }
      }
    }
  }
  return [...new Set(found)];
}

async function noneCovered(page, where) {
  await page.waitForSelector(tid('toast'));
  const bad = await page.evaluate(covered);
  await page.screenshot({ path: path.join(artifacts, `e2e-notices-${where}.png`) });
  assert(bad.length === 0, `${where}: no notice covers a control, found ${bad.join('; ')}`);
}

const notices = page => page.$$eval(tid('toast'), els => els.map(e => e.textContent));

export const tests = {
  async 'no notice covers a control: Undo/Redo and Clear, Settings, the cost popover, the home filter; the same action twice replaces its notice'() {
    const home = path.join(work, 'notices-home');
    const e2b = await startFakeE2B('notices', work);
    const llm = await startFakeLLM('notices', work, [pyFragment('one', 'print(1)'), pyFragment('two', 'print(2)')]);
    let app;
    let ctx;
    let page;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-notices' });
      ctx = await browser([`--host-resolver-rules=MAP *.${e2b.domain} ${e2b.addr}`]);
      page = await openPage(ctx, app.url);
      await configure(page, llm.url);
      await createProject(page, 'Notices');
      await send(page, 'one');
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('1'), null, { timeout: 60000 });
      await send(page, 'two');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="fragment-card"]').length === 2, null, { timeout: 60000 });
      await page.waitForFunction(() => !document.querySelector('[data-testid="chat-undo"]')?.disabled, null, { timeout: 60000 });

      // Undo's notice leaves Redo, Clear and the tabs free: real clicks, at once.
      await page.click(tid('chat-undo'));
      await page.click(tid('confirm-undo'));
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="chat-message"]').length === 2, null, { timeout: 10000 });
      await noneCovered(page, 'undo');
      // The check can fail: a notice floated over Redo, as the old top-centre toast was, is found.
      const found = await page.evaluate(`(() => {
        const r = document.querySelector('[data-testid="chat-redo"]').getBoundingClientRect();
        const n = Object.assign(document.createElement('div'), { textContent: 'floating' });
        n.dataset.testid = 'toast';
        Object.assign(n.style, { position: 'fixed', left: (r.left - 20) + 'px', top: (r.top - 4) + 'px', width: '200px', height: '40px', zIndex: 9999, background: 'white' });
        document.body.append(n);
        try { return (${covered.toString()})(); } finally { n.remove(); }
      })()`);
      assert(found.some(f => f.includes('chat-redo')), `the check finds a notice over Redo: ${JSON.stringify(found)}`);
      await page.click(tid('chat-redo'), { timeout: 3000 });
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="chat-message"]').length === 4, null, { timeout: 10000 });
      const afterRedo = await notices(page);
      assert(afterRedo.length === 1 && afterRedo[0].includes('is back'), `Redo's notice replaces Undo's: ${JSON.stringify(afterRedo)}`);
      await noneCovered(page, 'redo');
      await page.click(tid('tab-code'), { timeout: 3000 });
      await page.click(tid('chat-clear'), { timeout: 3000 });
      await page.click('text=Cancel');

      // One Save, one notice; Save three times, still one; the title and the
      // dialog's buttons stay free.
      await page.click(tid('settings-open'));
      await page.click(tid('settings-save'));
      await page.waitForSelector(`${tid('toast')}[data-kind="success"]`);
      await page.click(tid('settings-save'));
      await page.click(tid('settings-save'));
      await page.waitForFunction(() => !document.querySelector('[data-testid="settings-save"]')?.disabled);
      const saved = (await notices(page)).filter(t => t.includes('Settings saved.'));
      assert(saved.length === 1, `one "Settings saved." notice after three Saves, got ${saved.length}`);
      await noneCovered(page, 'settings');
      // Dismissing the notice keeps the dialog; Escape then closes the dialog first.
      await page.click(`${tid('toast')} [aria-label="Dismiss"]`);
      assert(await page.$('[role="dialog"]'), 'dismissing a notice does not close the dialog');
      await page.keyboard.press('Escape');
      await page.waitForSelector('[role="dialog"]', { state: 'detached' });

      // The budget's notice beside the open cost popover.
      await page.click(tid('sandbox-badge'));
      await page.fill(tid('sandbox-budget-input'), '7');
      await page.click(tid('sandbox-budget-save'));
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="toast"]')].some(e => e.textContent.includes('budget set to $7.00')));
      await noneCovered(page, 'cost-popover');
      await page.keyboard.press('Escape');

      // The home screen: Duplicate's notice and the filter.
      await page.click(tid('home-nav'));
      await page.click(tid('home-duplicate'));
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="toast"]')].some(e => e.textContent.includes('was made from')), null, { timeout: 30000 });
      await noneCovered(page, 'home');
      await page.click(tid('home-filter'), { timeout: 3000 });
    } catch (e) {
      await page?.screenshot({ path: path.join(artifacts, 'e2e-notices-failure.png') }).catch(() => {});
      throw e;
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },
};
