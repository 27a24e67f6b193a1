import {
  type CampaignInput,
  SCREEN_BATCH_MAX,
  ScreenBatchCreatedSchema,
  type ScreenCreate,
  ScreenCreatedSchema,
  SessionResponseSchema,
} from '../../../protocol/index.ts';
import type { ScreenIdentity } from './screen.ts';

/** A small typed client of the control server's REST API, as an operator's script would use it. */
export class RestClient {
  private token: string | null = null;

  constructor(readonly baseUrl: string) {}

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (e) {
      const cause = (e as Error & { cause?: Error & { code?: string } }).cause;
      throw new Error(
        `${method} ${path}: ${(e as Error).message}${cause ? ` (${cause.code ?? ''} ${cause.message})` : ''}`,
      );
    }
  }

  async json<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    expect = [200, 201, 202],
  ): Promise<T> {
    const res = await this.call(method, path, body);
    const text = await res.text();
    if (!expect.includes(res.status))
      throw new Error(`${method} ${path} -> ${res.status}: ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  async login(username: string, password: string): Promise<void> {
    const r = SessionResponseSchema.parse(await this.json('POST', '/api/v1/session', { username, password }));
    this.token = r.token;
  }

  /**
   * Provisions one screen. A dropped connection (a keep-alive race under load) is retried; when the
   * lost attempt had in fact created the screen (409 on the retry), a fresh token is issued for it.
   */
  async createScreen(body: ScreenCreate, attempts = 3): Promise<ScreenIdentity> {
    for (let i = 1; ; i++) {
      try {
        const r = ScreenCreatedSchema.parse(await this.json('POST', '/api/v1/screens', body, [201]));
        return { id: r.id, token: r.token };
      } catch (e) {
        const msg = (e as Error).message;
        if (i > 1 && body.id && msg.includes('-> 409')) {
          const r = ScreenCreatedSchema.parse(
            await this.json('POST', `/api/v1/screens/${encodeURIComponent(body.id)}/token`, undefined, [200]),
          );
          return { id: r.id, token: r.token };
        }
        if (i >= attempts || msg.includes(' -> ')) throw e;
        await new Promise((r) => setTimeout(r, 200 * i));
      }
    }
  }

  /** Provisions `n` screens with `concurrency` requests in flight; returns them and the time taken. */
  async createScreens(
    n: number,
    make: (i: number) => ScreenCreate,
    concurrency = 16,
  ): Promise<{ screens: ScreenIdentity[]; ms: number }> {
    const t0 = performance.now();
    const out: ScreenIdentity[] = new Array(n);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(n, concurrency) }, async () => {
        while (next < n) {
          const i = next++;
          out[i] = await this.createScreen(make(i));
        }
      }),
    );
    return { screens: out, ms: performance.now() - t0 };
  }

  /**
   * Provisions `n` screens with POST /api/v1/screens/batch, `batchSize` per request (one store write
   * each, instead of one per screen). Returns null, having created nothing, when the server has no
   * batch endpoint (404), so the caller can fall back to createScreens.
   */
  async createScreensBatch(
    n: number,
    make: (i: number) => ScreenCreate,
    batchSize = SCREEN_BATCH_MAX,
  ): Promise<{ screens: ScreenIdentity[]; ms: number } | null> {
    const t0 = performance.now();
    const out: ScreenIdentity[] = [];
    for (let from = 0; from < n; from += batchSize) {
      const body = {
        screens: Array.from({ length: Math.min(batchSize, n - from) }, (_, k) => make(from + k)),
      };
      const res = await this.call('POST', '/api/v1/screens/batch', body);
      const text = await res.text();
      if (res.status === 404 && from === 0) return null;
      if (res.status !== 201 && res.status !== 200)
        throw new Error(`POST /api/v1/screens/batch -> ${res.status}: ${text.slice(0, 300)}`);
      const r = ScreenBatchCreatedSchema.parse(JSON.parse(text));
      for (const sc of r.screens) out.push({ id: sc.id, token: sc.token });
    }
    return { screens: out, ms: performance.now() - t0 };
  }

  async postCampaign(body: CampaignInput): Promise<{ id: string; version: number }> {
    const r = await this.json<{ id: string; version?: number }>('POST', '/api/v1/campaigns', body, [201]);
    return { id: r.id, version: r.version ?? 1 };
  }

  /** Returns the new version. */
  async putCampaign(id: string, body: CampaignInput): Promise<number> {
    const r = await this.json<{ version: number }>(
      'PUT',
      `/api/v1/campaigns/${encodeURIComponent(id)}`,
      body,
      [200],
    );
    return r.version;
  }

  async deleteCampaign(id: string): Promise<void> {
    await this.json('DELETE', `/api/v1/campaigns/${encodeURIComponent(id)}`, undefined, [204]);
  }

  async screen(id: string): Promise<{ online: boolean; lastSeen: string | null; configVersion?: number }> {
    return this.json('GET', `/api/v1/screens/${encodeURIComponent(id)}`);
  }

  /** Returns the screen's new config version. */
  async updateScreen(id: string, body: Partial<Omit<ScreenCreate, 'id'>>): Promise<number> {
    const r = await this.json<{ configVersion: number }>(
      'PUT',
      `/api/v1/screens/${encodeURIComponent(id)}`,
      body,
      [200],
    );
    return r.configVersion;
  }
}
