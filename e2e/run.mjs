// Runs every *.e2e.mjs file in this folder (or those named on the command
// line) and prints the closing "N passed, N failed" line.
import fs from 'node:fs';
import path from 'node:path';

const dir = path.dirname(new URL(import.meta.url).pathname);
const files = process.argv.slice(2).length ? process.argv.slice(2)
  : fs.readdirSync(dir).filter(f => f.endsWith('.e2e.mjs')).sort();
let passed = 0, failed = 0;
for (const f of files) {
  const mod = await import(path.join(dir, path.basename(f)));
  for (const [name, fn] of Object.entries(mod.tests ?? {})) {
    const t0 = Date.now();
    try {
      await fn();
      passed++;
      console.log(`PASS ${f} › ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${f} › ${name}: ${e.stack || e}`);
    }
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
