import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { Logger } from '../agent/log.ts';
import { silentLogger } from '../agent/log.ts';
import {
  chromiumArgs,
  findChromium,
  launchChromium,
  type RunningChromium,
  stopChromium,
} from './chromium-process.ts';
import type { ShellPort } from '../agent/shell-port.ts';
import { RendererHealth, type RendererReporter, sameOrigin } from './renderer-health.ts';

/**
 * The browser shell: Debian's Chromium in kiosk mode showing the agent's UI at
 * http://127.0.0.1:UI_PORT, restarted when it exits (with backoff), watched over the DevTools
 * protocol for renderer crashes, hangs and blank screens, and locked to its one origin: other
 * origins are blocked at the network layer, navigation away is undone, new windows are closed.
 */

export interface BrowserShellOptions {
  url: string;
  executablePath?: string;
  /** Default: headless when there is no DISPLAY or WAYLAND_DISPLAY. */
  headless?: boolean;
  extraArgs?: readonly string[];
  /** Full-screen kiosk (default), or an app window of windowSize (the desktop demo). */
  kiosk?: boolean;
  windowSize?: readonly [number, number];
  onReport?: RendererReporter;
  /** DOM liveness and blank-screen check period. */
  checkEveryMs?: number;
  /** A check that takes longer than this means the renderer hangs. */
  hangTimeoutMs?: number;
  /** Consecutive blank checks before a reload (the UI may be between views for a moment). */
  blankChecks?: number;
  backoff?: { initialMs: number; maxMs: number; stableMs: number };
  log?: Logger;
}

export class BrowserShell implements ShellPort {
  readonly origin: string;
  private readonly opts: BrowserShellOptions;
  private readonly health: RendererHealth;
  private readonly log: Logger;
  private running: RunningChromium | null = null;
  private browser: Browser | null = null;
  private appPage: Page | null = null;
  private baseDir: string | null = null;
  private stopping = false;
  private launches = 0;
  private backoffMs: number;
  private restartTimer: NodeJS.Timeout | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  private blankSeen = 0;
  private recovering = false;
  private blocked = 0;
  private homeTimer: NodeJS.Timeout | null = null;
  /** True while the shell itself opens a replacement app page (not a window to refuse). */
  private adopting = false;
  private lastHome = 0;

  constructor(opts: BrowserShellOptions) {
    this.opts = opts;
    this.origin = new URL(opts.url).origin;
    this.health = new RendererHealth(opts.onReport);
    this.log = opts.log ?? silentLogger;
    this.backoffMs = opts.backoff?.initialMs ?? 1000;
  }

  get rendererState() {
    return this.health.state;
  }
  get restarts(): number {
    return this.health.restarts;
  }
  /** Requests to other origins, navigations away and windows that were refused. */
  get blockedCount(): number {
    return this.blocked;
  }
  get page(): Page | null {
    return this.appPage;
  }
  get pid(): number | undefined {
    return this.running?.child.pid;
  }

  /** A PNG of what the app window shows now (the agent's screenshot command). */
  async takeScreenshot(): Promise<Buffer> {
    const page = this.appPage;
    if (!page || page.isClosed()) throw new Error('no app window (chromium is restarting)');
    return page.screenshot({ type: 'png', timeout: 15_000 });
  }

  /** Launches Chromium; resolves once the app page is loaded and watched. */
  async start(): Promise<void> {
    this.stopping = false;
    this.baseDir = await mkdtemp(join(tmpdir(), 'stander-chromium-'));
    await this.launch();
    this.checkTimer = setInterval(() => void this.check(), this.opts.checkEveryMs ?? 10_000);
    this.checkTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.checkTimer) clearInterval(this.checkTimer);
    if (this.homeTimer) clearTimeout(this.homeTimer);
    this.homeTimer = null;
    this.restartTimer = null;
    this.checkTimer = null;
    const running = this.running;
    this.running = null;
    await this.browser?.close().catch(() => undefined);
    this.browser = null;
    this.appPage = null;
    if (running) await stopChromium(running);
    if (this.baseDir) await rm(this.baseDir, { recursive: true, force: true }).catch(() => undefined);
    this.baseDir = null;
  }

  private async launch(): Promise<void> {
    const executable = this.opts.executablePath ?? findChromium();
    if (!executable) throw new Error('no Chromium found: install chromium or set CHROMIUM_PATH');
    const headless = this.opts.headless ?? !(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
    this.launches++;
    // A fresh profile per launch: a crashed profile's locks and restore prompts never come back.
    const userDataDir = join(this.baseDir!, `profile-${this.launches}`);
    const args = chromiumArgs({
      url: this.opts.url,
      userDataDir,
      headless,
      noSandbox: process.getuid?.() === 0,
      ...(this.opts.kiosk !== undefined ? { kiosk: this.opts.kiosk } : {}),
      ...(this.opts.windowSize ? { windowSize: this.opts.windowSize } : {}),
      ...(this.opts.extraArgs ? { extraArgs: this.opts.extraArgs } : {}),
    });
    const started = Date.now();
    const running = await launchChromium(executable, args, userDataDir);
    if (this.stopping) {
      // stop() ran while this (re)start was on its way: it must not outlive the shell
      await stopChromium(running, 1000);
      throw new Error('browser shell stopped during launch');
    }
    this.running = running;
    void running.exited.then((exit) => this.onExit(running, exit, started));
    const browser = await chromium.connectOverCDP(running.wsEndpoint);
    if (this.stopping) {
      await browser.close().catch(() => undefined);
      throw new Error('browser shell stopped during launch');
    }
    this.browser = browser;
    const context = browser.contexts()[0];
    if (!context) throw new Error('chromium has no default context');
    await this.lockDown(context);
    this.appPage = await this.findAppPage(context);
    this.watchPage(this.appPage);
    await this.appPage.waitForLoadState('domcontentloaded').catch(() => undefined);
    this.log.info({ pid: running.child.pid, headless }, 'chromium started');
    this.health.set('ok');
  }

  private async lockDown(context: BrowserContext): Promise<void> {
    await context.route(
      (url) => !sameOrigin(url.href, this.origin),
      (route) => {
        this.blocked++;
        this.log.warn({ url: route.request().url() }, 'blocked request to another origin');
        return route.abort('blockedbyclient');
      },
    );
    await context.routeWebSocket(
      (url) => !sameOrigin(url.href.replace(/^ws/, 'http'), this.origin),
      (ws) => {
        this.blocked++;
        ws.close({ code: 1008, reason: 'origin not allowed' });
      },
    );
    context.on('page', (p) => {
      if (p === this.appPage || this.appPage === null || this.adopting) return;
      this.blocked++;
      this.log.warn({ url: p.url() }, 'closed a new window');
      void p.close().catch(() => undefined);
    });
  }

  private async findAppPage(context: BrowserContext): Promise<Page> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const page = context.pages().find((p) => sameOrigin(p.url(), this.origin) || p.url() === 'about:blank');
      if (page) return page;
      await context.waitForEvent('page', { timeout: 1000 }).catch(() => undefined);
    }
    throw new Error('the app window did not appear');
  }

  private watchPage(page: Page): void {
    page.on('crash', () => {
      this.log.error('renderer crashed');
      this.health.set('crashed', 'render process gone');
      void this.recover('crash');
    });
    page.on('popup', (p) => {
      this.blocked++;
      void p.close().catch(() => undefined);
    });
    page.on('framenavigated', (frame) => {
      if (frame !== page.mainFrame()) return;
      const url = frame.url();
      if (url === 'about:blank' || sameOrigin(url, this.origin)) return;
      // an aborted navigation lands on chrome-error://; anything else foreign is refused too
      this.blocked++;
      this.log.warn({ url }, 'navigation away from the app undone');
      this.navigateHome(page);
    });
  }

  /**
   * Back to the app, at most once per 2 s: when the UI server itself is unreachable every attempt
   * lands on chrome-error:// again, and that must not become a tight reload loop.
   */
  private navigateHome(page: Page): void {
    if (this.homeTimer || this.stopping) return;
    const wait = Math.max(0, this.lastHome + 2000 - Date.now());
    this.homeTimer = setTimeout(() => {
      this.homeTimer = null;
      if (this.stopping || page.isClosed() || sameOrigin(page.url(), this.origin)) return;
      this.lastHome = Date.now();
      void page.goto(this.opts.url).catch(() => undefined);
    }, wait);
  }

  /** Reloads the app after a crash, hang or blank screen; restarts Chromium when that fails. */
  private async recover(reason: string): Promise<void> {
    const page = this.appPage;
    if (!page || this.recovering || this.stopping) return;
    this.recovering = true;
    try {
      // Playwright never drives a crashed page again: the app moves to a fresh page (tab) instead.
      if (reason === 'crash') await this.replacePage(page);
      else await page.goto(this.opts.url, { timeout: 15_000 });
      this.health.restarted(`reloaded after ${reason}`);
      this.health.set('ok');
      this.blankSeen = 0;
    } catch (err) {
      this.log.error({ err }, 'reload failed; restarting chromium');
      if (this.running) await stopChromium(this.running, 2000);
    } finally {
      this.recovering = false;
    }
  }

  private async replacePage(old: Page): Promise<void> {
    this.adopting = true;
    let fresh: Page;
    try {
      fresh = await old.context().newPage();
    } finally {
      this.adopting = false;
    }
    this.appPage = fresh;
    this.watchPage(fresh);
    await fresh.goto(this.opts.url, { timeout: 15_000 });
    await old.close().catch(() => undefined);
  }

  /**
   * SIGKILLs the hung renderer, a child of the Chromium we started: the renderer whose CPU time grows
   * fastest over a second (a hung page spins; others idle). False when none could be found.
   */
  private async killRenderers(): Promise<boolean> {
    const browser = this.browser;
    if (!browser) return false;
    try {
      const cdp = await browser.newBrowserCDPSession();
      const sample = async () => {
        const info = (await cdp.send('SystemInfo.getProcessInfo')) as {
          processInfo: Array<{ type: string; id: number; cpuTime: number }>;
        };
        return new Map(
          info.processInfo.filter((p) => p.type === 'renderer' && p.id > 0).map((p) => [p.id, p.cpuTime]),
        );
      };
      const first = await sample();
      await new Promise((r) => setTimeout(r, 1000));
      const second = await sample();
      await cdp.detach().catch(() => undefined);
      let hung: { pid: number; grew: number } | null = null;
      for (const [pid, cpu] of second) {
        const grew = cpu - (first.get(pid) ?? 0);
        if (!hung || grew > hung.grew) hung = { pid, grew };
      }
      // nothing spinning (an idle renderer gains ~0 s): not a CPU hang; 0.1 s allows for a busy machine
      if (!hung || hung.grew < 0.1) return false;
      process.kill(hung.pid, 'SIGKILL');
      this.log.warn({ pid: hung.pid }, 'killed a hung renderer');
      return true;
    } catch (err) {
      this.log.warn({ err }, 'could not kill the hung renderer');
      return false;
    }
  }

  /** One liveness and blank-screen check over the DevTools protocol. */
  async check(): Promise<void> {
    const page = this.appPage;
    if (!page || this.recovering || this.stopping || page.isClosed()) return;
    const hangMs = this.opts.hangTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<'hung'>((r) => {
      timer = setTimeout(() => r('hung'), hangMs);
    });
    const probe = page
      .evaluate(() => {
        const b = document.body;
        // biome-ignore lint/performance/useDomNodeTextContent: rendered text is the point; hidden text is not on screen
        return b ? b.innerText.trim().length + b.querySelectorAll('*').length : 0;
      })
      .catch(() => -1);
    const result = await Promise.race([probe, hung]);
    clearTimeout(timer);
    if (this.stopping || this.recovering) return;
    if (result === 'hung') {
      this.health.set('unresponsive', `no answer in ${hangMs} ms`);
      // A hung renderer cannot be reloaded quickly: kill it, and the crash handler reloads the app.
      if (await this.killRenderers()) return;
      return this.recover('hang');
    }
    if (result === -1 && this.health.state === 'crashed') return;
    const blank = result <= 0 || !sameOrigin(page.url(), this.origin);
    this.blankSeen = blank ? this.blankSeen + 1 : 0;
    if (this.blankSeen >= (this.opts.blankChecks ?? 2)) {
      this.health.set('blank', 'empty page');
      return this.recover('blank screen');
    }
    if (!blank && this.health.state !== 'ok') this.health.set('ok');
  }

  private onExit(
    running: RunningChromium,
    exit: { code: number | null; signal: string | null },
    started: number,
  ) {
    if (this.running !== running) return;
    this.running = null;
    this.appPage = null;
    this.browser = null;
    if (this.stopping) return;
    this.log.error({ ...exit, stderr: running.stderrTail().slice(-300) }, 'chromium exited; restarting');
    this.health.set('crashed', `chromium exited (${exit.signal ?? exit.code})`);
    this.scheduleRestart(started);
  }

  private scheduleRestart(started: number): void {
    const b = this.opts.backoff ?? { initialMs: 1000, maxMs: 30_000, stableMs: 60_000 };
    if (Date.now() - started > b.stableMs) this.backoffMs = b.initialMs;
    const wait = this.backoffMs;
    this.backoffMs = Math.min(b.maxMs, this.backoffMs * 2);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      const attempt = Date.now();
      this.launch()
        .then(() => this.health.restarted('chromium restarted'))
        .catch(async (err) => {
          this.log.error({ err }, 'chromium restart failed');
          const half = this.running;
          this.running = null;
          if (half) await stopChromium(half, 1000);
          if (!this.stopping) this.scheduleRestart(attempt);
        });
    }, wait);
  }
}
