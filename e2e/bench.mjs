// Page benchmarks of the real app (run by scripts/bench.sh, not by make
// test): how fast a project with 1,000 messages opens and renders, and how
// a 20,000-token answer streamed at full speed reaches the Code tab while
// the page stays responsive. Prints one JSON line per figure.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, root, startFakeE2B, startFakeLLM, appEnv, configure, createProject, send } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-bench-');
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function openThousand() {
  const home = path.join(work, 'bench-home');
  const ids = JSON.parse(execFileSync(path.join(root, 'build/bin/seed'), ['-home', home, '-messages', '1000']).toString());
  const app = await startApp({ home, name: 'bench-app' });
  const ctx = await browser();
  // The page's benchmark marks (data-last-render, performance marks) are off
  // unless this flag is set before the app loads (frontend/src/lib/instrument.ts).
  await ctx.addInitScript(() => { window.__tesseraMarks = true; });
  const times = [];
  try {
    const page = await openPage(ctx, app.url);
    for (let run = 0; run < 7; run++) {
      await page.reload();
      await page.waitForFunction(() => window.go && window.go.api);
      await page.waitForSelector(tid('current-project-name'));
      await page.click(tid('project-selector'));
      await page.waitForSelector(`[data-project-id="${ids.big}"]`);
      // Time from the click to the frame after the last row is in the DOM.
      const ms = await page.evaluate(async (id) => {
        const el = document.querySelector(`[data-project-id="${id}"]`);
        const t0 = performance.now();
        el.click();
        await new Promise(resolve => {
          const check = () => {
            const rows = document.querySelectorAll('[data-testid="chat-message"]');
            const last = rows[rows.length - 1];
            if (document.body.dataset.lastRender === id || (rows.length >= 40 && last?.textContent?.includes('Here is step'))) resolve();
            else requestAnimationFrame(check);
          };
          check();
        });
        await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
        return performance.now() - t0;
      }, ids.big);
      times.push(ms);
      await page.click(tid('project-selector'));
      await page.click(`[data-project-id="${ids.small}"]`);
    }
  } finally {
    await closeBrowser(ctx);
    await stopProcess(app.proc);
  }
  console.log(JSON.stringify({ bench: 'open project with 1,000 messages', unit: 'ms', median: +median(times).toFixed(1), runs: times.map(t => +t.toFixed(1)), target: 200 }));
}

async function stream20k() {
  const code = 'x = 1\n'.repeat(Math.round(20000 * 4 / 6)) + 'print("done streaming")\n';
  const frag = { commentary: 'A long answer.', template: 'code-interpreter-v1', title: 'Long', description: 'long',
    additional_dependencies: [], has_additional_dependencies: false, install_dependencies_command: '', port: null,
    file_path: 'script.py', code };
  const e2b = await startFakeE2B('bench', work);
  const llm = await startFakeLLM('bench', work, [frag], { pace: '0s', chunk: 4 });
  const app = await startApp({ home: path.join(work, 'stream-home'), env: appEnv(e2b), name: 'bench-stream' });
  const ctx = await browser();
  try {
    const page = await openPage(ctx, app.url);
    await configure(page, llm.url);
    await createProject(page, 'Stream');
    await page.evaluate(() => {
      window.__longTasks = [];
      new PerformanceObserver(l => { for (const e of l.getEntries()) window.__longTasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: false });
      // Responsiveness probe: how late do 16 ms timers fire while streaming?
      window.__lateness = [];
      let last = performance.now();
      window.__probe = setInterval(() => { const now = performance.now(); window.__lateness.push(now - last - 16); last = now; }, 16);
    });
    const t0 = Date.now();
    await page.evaluate(() => { window.__t0 = performance.now(); });
    await send(page, 'Write a very long script');
    // Poll lightly (reading the whole code every frame would itself load the page).
    await page.waitForFunction(() => document.querySelector('[data-testid="code-text"]')?.textContent?.endsWith('print("done streaming")\n'), null, { timeout: 120000, polling: 25 });
    const codeVisible = Date.now() - t0;
    const r = await page.evaluate(() => {
      clearInterval(window.__probe);
      const lt = window.__longTasks.map(([, d]) => d);
      return { longTasks: lt.length, maxLongTaskMs: lt.length ? Math.max(...lt) : 0,
        totalBlockingMs: lt.reduce((a, d) => a + Math.max(0, d - 50), 0),
        longTaskAtMs: window.__longTasks.map(([t, d]) => [Math.round(t - window.__t0), Math.round(d)]),
        p95TimerLateMs: [...window.__lateness].sort((a, b) => a - b)[Math.floor(window.__lateness.length * 0.95)] };
    });
    console.log(JSON.stringify({ bench: '20,000 tokens at full speed: send to full code in the Code tab', unit: 'ms', value: codeVisible, ...r }));
  } finally {
    await closeBrowser(ctx);
    await stopProcess(app.proc);
    await stopProcess(llm.proc);
    await stopProcess(e2b.proc);
  }
}

await openThousand();
await stream20k();
await (await import('./files-bench.mjs')).tree500();
