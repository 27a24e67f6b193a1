/**
 * Kiosk UI benchmark: first meaningful paint from cache, tap-to-next-frame latency (p95) and JS heap
 * after N scripted interactions (10,000 by default, 1,000 with quick), each beside a plain static
 * page as baseline. Real Chromium, the renderer served by the agent's UI server with fixture state.
 *   npx tsx test/bench/kiosk-ui.ts [--quick] [--renderer DIR] [--gap-ms N] [--no-write]
 * Writes bench-results/kiosk-ui.json and .md (not with --no-write). --renderer measures another build
 * of the renderer (e.g. one of an older commit, for a before/after comparison in the same minute).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { demoState } from '../../kiosk/renderer/src/fixtures/demo-state.ts';
import { launch } from '../e2e/support/browser.ts';
import { startFixtureAgent } from '../e2e/support/fixture-agent.ts';
import { startUiServer } from '../e2e/support/ui-server.ts';

const BASELINE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>baseline</title>
<style>body{font:32px sans-serif;margin:0}button{font:inherit;min-height:160px;width:50%}.on{background:#003f63;color:#fff}</style></head>
<body><main data-view="home"><h1>Baseline</h1><button id="a" class="tab">A</button><button id="b" class="tab">B</button>
<p id="out">A</p></main><script>
for (const b of document.querySelectorAll('.tab')) b.addEventListener('click', () => {
  for (const x of document.querySelectorAll('.tab')) x.classList.toggle('on', x === b);
  document.getElementById('out').textContent = b.textContent;
});</script></body></html>`;

export interface KioskUiResult {
  fmpCachedMs: { kiosk: number; baseline: number };
  tapToFrameP95Ms: { kiosk: number; baseline: number };
  tapToFrameMedianMs: { kiosk: number; baseline: number };
  /**
   * Tap to the end of the next frame's rendering work on the main thread (rAF, then a task after it:
   * style, layout and paint recording of the answering frame are included).
   */
  tapToRenderedP95Ms: { kiosk: number; baseline: number };
  tapToRenderedMedianMs: { kiosk: number; baseline: number };
  /** Main-thread cost per tap (ms), from Chromium's Performance metrics. */
  tapCostMs: { kiosk: TapCost; baseline: TapCost };
  /** Taps measured per page, and the pause between one tap's frame and the next tap. */
  taps: number;
  gapMs: number;
  heapAfterMB: { kiosk: number; baseline: number; interactions: number };
  heapStartMB: { kiosk: number; baseline: number };
  /** 1-minute load average of the machine while measuring (latencies are wall-clock). */
  loadAvg: number;
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] ?? Number.NaN;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function fmpFromCache(browser: Browser, url: string, ready: string, runs: number): Promise<number> {
  const ctx = await browser.newContext({ viewport: { width: 1080, height: 1920 } });
  // Records, inside the page, the first frame in which the ready element exists.
  // A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
  await ctx.addInitScript(`(() => {
    const sel = ${JSON.stringify(ready)};
    const check = () => {
      if (window.__ready === undefined && document.querySelector(sel)) {
        requestAnimationFrame(() => { if (window.__ready === undefined) window.__ready = performance.now(); });
      }
    };
    new MutationObserver(check).observe(document, { childList: true, subtree: true });
    document.addEventListener('DOMContentLoaded', check);
  })();`);
  const page = await ctx.newPage();
  await page.goto(url);
  await page.waitForSelector(ready);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await page.goto(url); // hashed assets come from the HTTP cache
    await page.waitForFunction(() => (window as unknown as { __ready?: number }).__ready !== undefined);
    times.push(await page.evaluate(() => (window as unknown as { __ready: number }).__ready));
  }
  await ctx.close();
  return median(times);
}

/**
 * Time from a tap (click dispatched) to the next animation frame after the UI handled it, and to the
 * end of that frame's rendering (a task queued from the frame's rAF runs after style/layout/paint).
 */
async function tapLatency(
  page: Page,
  selectors: string[],
  taps: number,
  gapMs: number,
): Promise<{
  p95: number;
  median: number;
  renderedP95: number;
  renderedMedian: number;
  cost: TapCost;
}> {
  // Main-thread time the taps cost (Chromium's own task accounting): steadier than wall-clock
  // latencies on a loaded machine, and it says where the time goes.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const browserCdp = await page.context().browser()!.newBrowserCDPSession();
  const before = await perfMetrics(cdp);
  const cpuBefore = await processCpu(browserCdp);
  const xs = await page.evaluate(
    async ({ selectors, taps, gapMs }) => {
      const out: Array<[number, number]> = [];
      for (let i = 0; i < taps; i++) {
        const el = document.querySelector<HTMLElement>(selectors[i % selectors.length]!);
        if (!el) throw new Error(`missing ${selectors[i % selectors.length]}`);
        const t0 = performance.now();
        el.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
        el.click();
        const frame = await new Promise<number>((r) =>
          requestAnimationFrame(() => {
            const t1 = performance.now();
            setTimeout(() => r(t1), 0);
          }),
        );
        out.push([frame - t0, performance.now() - t0]);
        // gapMs 0 (default): the next tap at once, as first published; a person's taps are further apart.
        await new Promise<void>((r) => setTimeout(r, gapMs));
      }
      return out;
    },
    { selectors, taps, gapMs },
  );
  const after = await perfMetrics(cdp);
  const cpuAfter = await processCpu(browserCdp);
  await cdp.detach();
  await browserCdp.detach();
  const per = (k: string) => ((after[k] ?? 0) - (before[k] ?? 0)) * (1000 / taps);
  const cost: TapCost = {
    task: round(per('TaskDuration')),
    script: round(per('ScriptDuration')),
    layout: round(per('LayoutDuration')),
    style: round(per('RecalcStyleDuration')),
    rendererCpu: round(((cpuAfter.renderer - cpuBefore.renderer) * 1000) / taps),
    chromiumCpu: round(((cpuAfter.all - cpuBefore.all) * 1000) / taps),
  };
  const frame = xs.map((x) => x[0]);
  const rendered = xs.map((x) => x[1]);
  return {
    p95: p95(frame),
    median: median(frame),
    renderedP95: p95(rendered),
    renderedMedian: median(rendered),
    cost,
  };
}

/** Main-thread milliseconds per tap: all tasks, and script, layout and style recalculation within them. */
export interface TapCost {
  task: number;
  script: number;
  layout: number;
  style: number;
  /**
   * CPU time (not wall time) of Chromium's renderer processes, and of all its processes, per tap:
   * the steadiest figure on a loaded machine, where wall-clock times include waiting for a core.
   */
  rendererCpu: number;
  chromiumCpu: number;
}

/** Cumulative CPU seconds of Chromium's renderer processes and of all its processes. */
async function processCpu(cdp: CDPSession): Promise<{ renderer: number; all: number }> {
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
    processInfo: Array<{ type: string; id: number; cpuTime: number }>;
  };
  let renderer = 0;
  let all = 0;
  for (const p of processInfo) {
    all += p.cpuTime;
    if (p.type === 'renderer') renderer += p.cpuTime;
  }
  return { renderer, all };
}

async function perfMetrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as {
    metrics: Array<{ name: string; value: number }>;
  };
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

async function heapMB(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await cdp.detach();
  return usedSize / 1024 / 1024;
}

async function interact(page: Page, selectors: string[], n: number): Promise<void> {
  for (let done = 0; done < n; done += 250) {
    await page.evaluate(
      async ({ selectors, start, count }) => {
        for (let i = start; i < start + count; i++) {
          document.querySelector<HTMLElement>(selectors[i % selectors.length]!)?.click();
          if (i % 10 === 0) await new Promise<void>((r) => requestAnimationFrame(() => r()));
        }
      },
      { selectors, start: done, count: Math.min(250, n - done) },
    );
  }
}

const NAV = [1, 2, 3, 4, 5, 6].map((i) => `.bottom-nav li:nth-child(${i}) .nav-tile`);

export async function run(
  opts: { quick?: boolean; rendererDir?: string; write?: boolean; gapMs?: number } = {},
): Promise<KioskUiResult> {
  const interactions = opts.quick ? 1000 : 10_000;
  const taps = opts.quick ? 60 : 180;
  const gapMs = opts.gapMs ?? 0;
  const agent = await startFixtureAgent(
    demoState(Date.now()),
    {},
    opts.rendererDir ? { rendererDir: opts.rendererDir } : {},
  );
  const dir = mkdtempSync(join(tmpdir(), 'stander-bench-'));
  writeFileSync(join(dir, 'index.html'), BASELINE);
  const base = await startUiServer({ root: dir, state: demoState(Date.now()) });
  const browser = await launch();
  try {
    const url = `${agent.url}?lang=en&theme=day`;
    const fmpKiosk = await fmpFromCache(
      browser,
      url,
      '[data-view="attract"] .slide-title',
      opts.quick ? 3 : 7,
    );
    const fmpBase = await fmpFromCache(browser, base.url, '[data-view="home"] h1', opts.quick ? 3 : 7);

    const ctx = await browser.newContext({ viewport: { width: 1080, height: 1920 } });
    const page = await ctx.newPage();
    await page.goto(url);
    await page.click('.attract-invite');
    await page.waitForSelector('[data-view="home"]');
    const kioskStart = await heapMB(page);
    const tapKiosk = await tapLatency(page, NAV, taps, gapMs);
    await interact(page, NAV, interactions);
    const kioskHeap = await heapMB(page);
    await ctx.close();

    const bctx = await browser.newContext({ viewport: { width: 1080, height: 1920 } });
    const bpage = await bctx.newPage();
    await bpage.goto(base.url);
    const baseStart = await heapMB(bpage);
    const tapBase = await tapLatency(bpage, ['#a', '#b'], taps, gapMs);
    await interact(bpage, ['#a', '#b'], interactions);
    const baseHeap = await heapMB(bpage);
    await bctx.close();

    const result: KioskUiResult = {
      fmpCachedMs: { kiosk: round(fmpKiosk), baseline: round(fmpBase) },
      tapToFrameP95Ms: { kiosk: round(tapKiosk.p95), baseline: round(tapBase.p95) },
      tapToFrameMedianMs: { kiosk: round(tapKiosk.median), baseline: round(tapBase.median) },
      tapToRenderedP95Ms: { kiosk: round(tapKiosk.renderedP95), baseline: round(tapBase.renderedP95) },
      tapToRenderedMedianMs: {
        kiosk: round(tapKiosk.renderedMedian),
        baseline: round(tapBase.renderedMedian),
      },
      tapCostMs: { kiosk: tapKiosk.cost, baseline: tapBase.cost },
      taps,
      gapMs,
      heapStartMB: { kiosk: round(kioskStart), baseline: round(baseStart) },
      heapAfterMB: { kiosk: round(kioskHeap), baseline: round(baseHeap), interactions },
      loadAvg: round(loadavg()[0] ?? 0),
    };
    if (opts.write !== false) write(result);
    return result;
  } finally {
    await browser.close();
    await agent.close();
    await base.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (x: number) => Math.round(x * 10) / 10;

function write(r: KioskUiResult): void {
  const out = join(import.meta.dirname, '../../bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'kiosk-ui.json'), `${JSON.stringify(r, null, 2)}\n`);
  const md = [
    '# Kiosk UI benchmark',
    '',
    `Chromium, street-kiosk 1080x1920, fixture state; baseline = a plain static page with two buttons.`,
    `${r.taps} taps per page cycling through the six bottom-nav views (each view's first visit included),`,
    `${r.gapMs} ms between one tap's frame and the next tap.`,
    `Machine load average while measuring: ${r.loadAvg} (latencies are wall-clock and grow with load).`,
    '',
    '| measure | kiosk UI | static baseline |',
    '|---|---|---|',
    `| first meaningful paint from cache (median, ms) | ${r.fmpCachedMs.kiosk} | ${r.fmpCachedMs.baseline} |`,
    `| tap to next frame, p95 (ms) | ${r.tapToFrameP95Ms.kiosk} | ${r.tapToFrameP95Ms.baseline} |`,
    `| tap to next frame, median (ms) | ${r.tapToFrameMedianMs.kiosk} | ${r.tapToFrameMedianMs.baseline} |`,
    `| tap to frame rendered, p95 (ms) | ${r.tapToRenderedP95Ms.kiosk} | ${r.tapToRenderedP95Ms.baseline} |`,
    `| tap to frame rendered, median (ms) | ${r.tapToRenderedMedianMs.kiosk} | ${r.tapToRenderedMedianMs.baseline} |`,
    `| CPU per tap: renderer processes / all of Chromium (ms) | ${r.tapCostMs.kiosk.rendererCpu} / ${r.tapCostMs.kiosk.chromiumCpu} | ${r.tapCostMs.baseline.rendererCpu} / ${r.tapCostMs.baseline.chromiumCpu} |`,
    `| main thread per tap: all tasks (ms) | ${r.tapCostMs.kiosk.task} | ${r.tapCostMs.baseline.task} |`,
    `| main thread per tap: script / layout / style (ms) | ${r.tapCostMs.kiosk.script} / ${r.tapCostMs.kiosk.layout} / ${r.tapCostMs.kiosk.style} | ${r.tapCostMs.baseline.script} / ${r.tapCostMs.baseline.layout} / ${r.tapCostMs.baseline.style} |`,
    `| JS heap at start (MB, after GC) | ${r.heapStartMB.kiosk} | ${r.heapStartMB.baseline} |`,
    `| JS heap after ${r.heapAfterMB.interactions} interactions (MB, after GC) | ${r.heapAfterMB.kiosk} | ${r.heapAfterMB.baseline} |`,
    '',
  ].join('\n');
  writeFileSync(join(out, 'kiosk-ui.md'), md);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const at = process.argv.indexOf('--renderer');
  const gap = process.argv.indexOf('--gap-ms');
  run({
    quick: process.argv.includes('--quick'),
    write: !process.argv.includes('--no-write'),
    ...(at > 0 && process.argv[at + 1] ? { rendererDir: process.argv[at + 1] } : {}),
    ...(gap > 0 ? { gapMs: Number(process.argv[gap + 1]) || 0 } : {}),
  }).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
