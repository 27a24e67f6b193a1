/**
 * What a tap costs in the kiosk UI, per view: taps cycling through the six bottom-nav views under
 * Chromium's sampling CPU profiler, then the time to the next frame per view (first visit apart) and
 * the functions with the most self and inclusive time. Names are minified: look them up in the
 * bundle at the printed line:column (or build with a sourcemap).
 *   npx tsx test/bench/kiosk-ui-profile.ts [--taps N] [--renderer DIR] [--out FILE.cpuprofile]
 */
import { writeFileSync } from 'node:fs';
import { demoState } from '../../kiosk/renderer/src/fixtures/demo-state.ts';
import { launch } from '../e2e/support/browser.ts';
import { startFixtureAgent } from '../e2e/support/fixture-agent.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const NAV = [1, 2, 3, 4, 5, 6].map((i) => `.bottom-nav li:nth-child(${i}) .nav-tile`);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/** Self and inclusive milliseconds per function (recursion counted once). */
export function summarize(p: CpuProfile, top = 20): { self: string[]; inclusive: string[]; totalMs: number } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n: ProfileNode) =>
    `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop() ?? ''}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`;
  const perNode = new Map<number, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    perNode.set(id, (perNode.get(id) ?? 0) + dt);
    total += dt;
  });
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  for (const [id, t] of perNode) {
    const leaf = byId.get(id)!;
    self.set(name(leaf), (self.get(name(leaf)) ?? 0) + t);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = name(byId.get(cur)!);
      if (!seen.has(k)) incl.set(k, (incl.get(k) ?? 0) + t);
      seen.add(k);
    }
  }
  const fmt = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `${String(Math.round(v / 1000)).padStart(6)} ms  ${k}`);
  return { self: fmt(self), inclusive: fmt(incl), totalMs: Math.round(total / 1000) };
}

async function main(): Promise<void> {
  const taps = Number(arg('--taps') ?? 60);
  const rendererDir = arg('--renderer');
  const agent = await startFixtureAgent(demoState(Date.now()), {}, rendererDir ? { rendererDir } : {});
  const browser = await launch();
  try {
    const ctx = await browser.newContext({ viewport: { width: 1080, height: 1920 } });
    const page = await ctx.newPage();
    await page.goto(`${agent.url}?lang=en&theme=day`);
    await page.click('.attract-invite');
    await page.waitForSelector('[data-view="home"]');
    const names = await page.evaluate(
      (sel) => sel.map((s) => document.querySelector(s)?.textContent ?? s),
      NAV,
    );
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    const xs = await page.evaluate(
      async ({ selectors, taps }) => {
        const out: number[] = [];
        for (let i = 0; i < taps; i++) {
          const el = document.querySelector<HTMLElement>(selectors[i % selectors.length]!)!;
          const t0 = performance.now();
          el.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
          el.click();
          await new Promise<void>((r) => requestAnimationFrame(() => r()));
          out.push(performance.now() - t0);
          await new Promise<void>((r) => setTimeout(r, 0));
        }
        return out;
      },
      { selectors: NAV, taps },
    );
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
    const out = arg('--out');
    if (out) writeFileSync(out, JSON.stringify(profile));
    console.log('tap to next frame (ms), per view: first visit | median of the rest');
    for (let v = 0; v < NAV.length; v++) {
      const mine = xs.filter((_, i) => i % NAV.length === v);
      const rest = mine.slice(1).sort((a, b) => a - b);
      console.log(
        `  ${names[v]!.padEnd(16)} ${Math.round(mine[0] ?? 0)} | ${Math.round(rest[Math.floor(rest.length / 2)] ?? 0)}`,
      );
    }
    const s = summarize(profile);
    console.log(`CPU profile: ${s.totalMs} ms sampled over ${taps} taps`);
    console.log('self time:');
    for (const l of s.self) console.log(l);
    console.log('inclusive time:');
    for (const l of s.inclusive) console.log(l);
  } finally {
    await browser.close();
    await agent.close();
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
