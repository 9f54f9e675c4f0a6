// Page benchmark of agent mode (run by scripts/bench.sh): a scripted
// 100-step agent turn in the real app, then how long the whole log takes to
// render (all 100 cards) and how smoothly it scrolls (frame times while the
// chat is scrolled from the bottom to the top and back). Prints one JSON
// line per figure.
import fs from 'node:fs';
import path from 'node:path';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, startFakeE2B, startFakeLLM, appEnv, configure, createProject, send, pyFragment } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-bench-');
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

// 99 to-do updates (cheap steps: no sandbox, each with its own arguments so
// the loop guard lets them run), then finish: 100 steps.
const script = [
  ...Array.from({ length: 99 }, (_, i) => ({ toolCalls: [{ name: 'update_todos', arguments: JSON.stringify({ todos: [{ text: `step ${i + 1}: check part ${i + 1} of the app`, done: false }] }) }], usage: { prompt_tokens: 1000 + i, completion_tokens: 40, total_tokens: 1040 + i } })),
  { toolCalls: [{ name: 'finish', arguments: JSON.stringify({ summary: 'Done with all 99 parts.' }) }], usage: { prompt_tokens: 1200, completion_tokens: 30, total_tokens: 1230 } },
];

async function hundredSteps() {
  const home = path.join(work, 'agent-bench-home');
  const e2b = await startFakeE2B('agent-bench', work);
  const scriptFile = path.join(work, 'agent-bench-script.json');
  fs.writeFileSync(scriptFile, JSON.stringify(script));
  const llm = await startFakeLLM('agent-bench', work, [pyFragment('unused', 'print(1)')], { args: ['-script', scriptFile], pace: '0ms', chunk: 4096 });
  let app;
  let ctx;
  try {
    app = await startApp({ home, env: appEnv(e2b), name: 'agent-bench-app' });
    ctx = await browser();
    const page = await openPage(ctx, app.url);
    await configure(page, llm.url);
    await page.evaluate(async () => {
      const s = await window.go.api.SettingsService.Get();
      const cp = typeof s.customProviders === 'string' ? JSON.parse(s.customProviders) : s.customProviders;
      cp.providers[0].supports_tools = true;
      s.customProviders = cp;
      const r = await window.go.api.SettingsService.Save(s);
      if (r.confirm) await window.go.api.SettingsService.ConfirmSave(r.confirm.token);
      const a = await window.go.api.AgentService.Settings();
      await window.go.api.AgentService.SaveSettings({ ...a, stepLimit: 150 });
    });
    await page.reload();
    await page.waitForFunction(() => window.go && window.go.api);
    await createProject(page, 'Hundred');
    await page.waitForFunction(() => document.querySelector('[data-testid="mode-select"]')?.textContent?.includes('Agent'), null, { timeout: 20000 });
    const t0 = Date.now();
    await send(page, 'Check every part');
    await page.waitForFunction(() => {
      const t = document.querySelector('[data-testid="agent-turn"]');
      return t && t.dataset.status !== 'running';
    }, null, { timeout: 300000 });
    const turnMs = Date.now() - t0;
    const status = await page.$eval(tid('agent-turn'), el => el.dataset.status);
    if (status !== 'done') throw new Error(`the 100-step turn ended ${status}`);

    // All 100 cards: from the click to the frame after they are in the DOM.
    const renderMs = await page.evaluate(async () => {
      const more = [...document.querySelectorAll('button')].find(b => /Show earlier steps/.test(b.textContent));
      const t = performance.now();
      more?.click();
      await new Promise(resolve => {
        const check = () => (document.querySelectorAll('[data-testid="agent-step"]').length >= 100 ? requestAnimationFrame(() => resolve()) : requestAnimationFrame(check));
        check();
      });
      return performance.now() - t;
    });
    const cards = await page.$$eval(tid('agent-step'), els => els.length);
    if (cards !== 100) throw new Error(`${cards} cards, not 100`);

    // Scroll the chat from the bottom to the top and back, a step a frame, and time the frames.
    const frames = await page.evaluate(async () => {
      const el = document.querySelector('[data-testid="chat-messages"]');
      const span = el.scrollHeight - el.clientHeight;
      const times = [];
      let last = performance.now();
      const steps = 120;
      for (const dir of [-1, 1]) {
        for (let i = 0; i < steps; i++) {
          el.scrollTop += dir * Math.ceil(span / steps);
          await new Promise(r => requestAnimationFrame(r));
          const now = performance.now();
          times.push(now - last);
          last = now;
        }
      }
      return { times, span };
    });
    const med = pct(frames.times, 0.5);
    console.log(JSON.stringify({ bench: 'agent-100-steps-turn', ms: turnMs, steps: cards }));
    console.log(JSON.stringify({ bench: 'agent-100-steps-render', ms: Math.round(renderMs) }));
    console.log(JSON.stringify({ bench: 'agent-100-steps-scroll', frameMedianMs: +med.toFixed(1), frameP95Ms: +pct(frames.times, 0.95).toFixed(1), fps: Math.round(1000 / med), scrolledPx: frames.span }));
  } finally {
    if (ctx) await closeBrowser(ctx);
    if (app) await stopProcess(app.proc);
    await stopProcess(llm.proc);
    await stopProcess(e2b.proc);
  }
}

await hundredSteps();
