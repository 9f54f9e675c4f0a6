// Start-up benchmark (issue 17): Tessera's production build against the
// empty Wails v2 react-ts app built the same way, alternating them in one
// sitting under Xvfb. For each run: time to the window being mapped, time
// to first painted content (the window shows more than a flat fill), PSS
// and RSS of the whole process tree once it settled; and the binary sizes.
// Run by scripts/startup-bench.sh (make bench), never by make test.
//
//   node startup-bench.mjs <empty-app-binary> <tessera-binary> <empty-home> <big-home> [runs]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';

const [baseBin, tesseraBin, emptyHome, bigHome, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 5);
const sleep = ms => new Promise(r => setTimeout(r, ms));
const median = xs => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const nowMs = () => Number(process.hrtime.bigint() / 1000000n);

function visibleWindow(title) {
  try { return execFileSync('xdotool', ['search', '--onlyvisible', '--name', `^${title}$`], { encoding: 'utf8' }).trim().split('\n')[0]; } catch { return ''; }
}

// distinctColours counts colours in a screenshot of the window, up to 9.
function distinctColours(win) {
  let ppm;
  try { ppm = execFileSync('import', ['-window', win, '-depth', '8', 'ppm:-'], { maxBuffer: 64 << 20 }); } catch { return 0; }
  // P6\n<w> <h>\n255\n<data>
  let off = 0, fields = 0;
  while (fields < 4 && off < ppm.length) {
    while (off < ppm.length && /\s/.test(String.fromCharCode(ppm[off]))) off++;
    while (off < ppm.length && !/\s/.test(String.fromCharCode(ppm[off]))) off++;
    fields++;
  }
  off++;
  const seen = new Set();
  for (let i = off; i + 2 < ppm.length && seen.size < 9; i += 3 * 97) seen.add((ppm[i] << 16) | (ppm[i + 1] << 8) | ppm[i + 2]);
  return seen.size;
}

function tree(pid) {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      const kids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(out[i])], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean).map(Number);
      out.push(...kids);
    } catch { /* no children */ }
  }
  return out;
}

function memory(pid) {
  let pss = 0, rss = 0;
  for (const p of tree(pid)) {
    try {
      const t = fs.readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      pss += Number(/^Pss:\s+(\d+)/m.exec(t)?.[1] ?? 0);
      rss += Number(/^Rss:\s+(\d+)/m.exec(t)?.[1] ?? 0);
    } catch { /* gone */ }
  }
  return { pssMB: pss / 1024, rssMB: rss / 1024 };
}

async function once(bin, title, env) {
  const t0 = nowMs();
  const p = spawn(bin, [], { env: { ...process.env, ...env }, stdio: 'ignore' });
  let exited = false;
  p.on('exit', () => { exited = true; });
  let win = '', mapped = 0, painted = 0;
  while (!win && nowMs() - t0 < 30000 && !exited) { win = visibleWindow(title); if (!win) await sleep(5); }
  if (!win) throw new Error(`${bin}: no window "${title}"`);
  mapped = nowMs() - t0;
  while (nowMs() - t0 < 30000) {
    if (distinctColours(win) >= 8) { painted = nowMs() - t0; break; }
    await sleep(10);
  }
  await sleep(5000); // settle
  const mem = memory(p.pid);
  p.kill('SIGTERM');
  for (let i = 0; i < 100 && !exited; i++) await sleep(50);
  if (!exited) p.kill('SIGKILL');
  await sleep(300);
  return { mapped, painted, ...mem };
}

const cases = [
  { name: 'empty Wails app', bin: baseBin, title: 'emptyapp', env: {} },
  { name: 'Tessera, empty data', bin: tesseraBin, title: 'Tessera', env: { TESSERA_HOME: emptyHome } },
  { name: 'Tessera, 1,000 projects + 100k messages', bin: tesseraBin, title: 'Tessera', env: { TESSERA_HOME: bigHome } },
];
const results = Object.fromEntries(cases.map(c => [c.name, []]));
for (let r = 0; r < runs; r++) {
  for (const c of cases) results[c.name].push(await once(c.bin, c.title, c.env));
}
const med = name => {
  const xs = results[name];
  return { mapped: median(xs.map(x => x.mapped)), painted: median(xs.map(x => x.painted)), pssMB: median(xs.map(x => x.pssMB)), rssMB: median(xs.map(x => x.rssMB)) };
};
const base = med(cases[0].name);
const size = b => fs.statSync(b).size / 1e6;
console.log(`\nStart-up, ${runs} alternating runs each, medians (${os.cpus().length} cores):\n`);
console.log('| measure | ' + cases.map(c => c.name).join(' | ') + ' |');
console.log('|---|' + cases.map(() => '---').join('|') + '|');
const row = (label, key, unit, digits = 0) => {
  const cells = cases.map(c => {
    const v = med(c.name)[key];
    return c === cases[0] ? `${v.toFixed(digits)} ${unit}` : `${v.toFixed(digits)} ${unit} (${(v / base[key]).toFixed(2)}×)`;
  });
  console.log(`| ${label} | ${cells.join(' | ')} |`);
};
row('window mapped', 'mapped', 'ms');
row('window painted', 'painted', 'ms');
row('memory, process tree (PSS)', 'pssMB', 'MB');
row('memory, process tree (RSS)', 'rssMB', 'MB');
console.log(`| binary | ${size(baseBin).toFixed(1)} MB | ${size(tesseraBin).toFixed(1)} MB (${(size(tesseraBin) / size(baseBin)).toFixed(2)}×) | |`);
console.log('\n' + JSON.stringify({ runs: results }));
