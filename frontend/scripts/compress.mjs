// After `vite build`: gzip the page's larger files in dist/assets and drop
// the originals. The Go side (backend/webassets) serves them decompressed
// under their own names; this keeps about a megabyte out of the binary.
// index.html stays as it is (the CSP middleware reads documents).
import { gzipSync, constants } from 'node:zlib';
import { readdirSync, readFileSync, writeFileSync, unlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';

const dir = new URL('../dist/assets/', import.meta.url).pathname;
const MIN = 4096; // smaller files gain little
let before = 0;
let after = 0;
for (const name of readdirSync(dir)) {
  if (!/\.(js|css|svg|json|wasm|map)$/.test(name)) continue;
  const path = join(dir, name);
  if (statSync(path).size < MIN) continue;
  const data = readFileSync(path);
  const gz = gzipSync(data, { level: constants.Z_BEST_COMPRESSION });
  writeFileSync(path + '.gz', gz);
  unlinkSync(path);
  before += data.length;
  after += gz.length;
}
console.log(`compressed assets: ${(before / 1024).toFixed(0)} KiB -> ${(after / 1024).toFixed(0)} KiB`);
