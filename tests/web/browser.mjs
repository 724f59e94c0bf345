// Renders pages of a running portscope-web in Debian's chromium (headless,
// no network beyond loopback), saves screenshots, fails on console errors,
// and runs axe-core on each page. Prints TAP lines without the plan.
//
//   node browser.mjs BASE_URL OUTDIR SHOT_PATH[,SHOT_PATH...] PAGE...
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import puppeteer from 'puppeteer-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const [base, outdir, shotList, ...pages] = process.argv.slice(2);
mkdirSync(outdir, { recursive: true });

let n = 0;
const ok = (cond, what, diag) => {
  n++;
  console.log(`${cond ? '' : 'not '}ok ${n} - ${what}`);
  if (!cond && diag) for (const l of String(diag).split('\n').slice(0, 30)) console.log(`#   ${l}`);
};

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  userDataDir: `${outdir}/profile`,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()}`));
  page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) problems.push(`third-party request: ${r.url()}`); });

  // The first page and right-to-left ones (/ug/) at both widths, the others
  // at desktop width only: the machine is shared and slow.
  const shots = shotList.split(',').flatMap((p, i) => (i === 0 || p.startsWith('/ug/')
    ? [[p, 1280, 900], [p, 360, 740]] : [[p, 1280, 900]]));
  for (const [shotPath, width, height] of shots) {
    problems.length = 0;
    await page.setViewport({ width, height });
    const resp = await page.goto(base + shotPath, { waitUntil: 'networkidle0' });
    await page.screenshot({ path: `${outdir}/${shotPath.replace(/\W+/g, '_')}-${width}.png`, fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    ok(resp.status() === 200 && problems.length === 0, `${shotPath} at ${width} px: 200, no console errors`, problems.join('\n'));
    ok(overflow <= 0, `${shotPath} at ${width} px: no horizontal scrolling (${overflow} px)`);
  }

  // Every page in light; the two main ones again in dark (colour contrast).
  for (const scheme of ['light', 'dark']) {
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
    for (const path of scheme === 'light' ? pages : pages.slice(0, 2)) {
      problems.length = 0;
      await page.setViewport({ width: 1280, height: 900 });
      const resp = await page.goto(base + path, { waitUntil: 'networkidle0' });
      // The 404 page is meant to be one: its own status is not an error.
      const want = path === '/nope' ? 404 : 200;
      if (want === 404) {
        const i = problems.findIndex((p) => p.includes('status of 404'));
        if (i >= 0) problems.splice(i, 1);
      }
      await page.evaluate(axeSource);
      const res = await page.evaluate(async () => await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      }));
      const v = res.violations.map((x) => `${x.id} (${x.impact}): ${x.help} — ${x.nodes.slice(0, 3).map((nd) => nd.target.join(' ')).join(', ')}`);
      ok(resp.status() === want && problems.length === 0, `${path} (${scheme}): ${want}, no console errors`, problems.join('\n'));
      ok(v.length === 0, `${path} (${scheme}): axe-core reports 0 violations`, v.join('\n'));
    }
  }
} finally {
  await browser.close();
}
