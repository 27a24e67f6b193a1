/** A tiny REST client for the broker integration tests: login, provisioning, campaigns, screen views. */
export class RestClient {
  token = '';
  constructor(readonly base: string) {}

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
  }

  async login(username: string, password: string): Promise<void> {
    const r = await this.request('POST', '/api/v1/session', { username, password });
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`);
    this.token = (r.body as { token: string }).token;
  }

  async provision(id: string, name = id): Promise<{ id: string; token: string }> {
    const r = await this.request('POST', '/api/v1/screens', {
      id,
      name,
      profile: 'info-screen',
      location: { lat: 55.676, lon: 12.568 },
      groups: ['harbour'],
      tags: ['outdoor'],
    });
    if (r.status !== 201) throw new Error(`provision failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as { id: string; token: string };
  }

  async createCampaign(name: string): Promise<string> {
    const r = await this.request('POST', '/api/v1/campaigns', {
      name,
      priority: 'normal',
      target: { all: true },
      slides: [{ kind: 'text', title: { en: name }, durationS: 10 }],
    });
    if (r.status !== 201) throw new Error(`campaign failed: ${r.status} ${JSON.stringify(r.body)}`);
    return (r.body as { id: string }).id;
  }

  async screen(id: string): Promise<Record<string, unknown>> {
    const r = await this.request('GET', `/api/v1/screens/${id}`);
    if (r.status !== 200) throw new Error(`screen view failed: ${r.status}`);
    return r.body as Record<string, unknown>;
  }
}
