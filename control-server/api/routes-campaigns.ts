import express, { type Router } from 'express';
import { type Campaign, CampaignInputSchema, type CampaignView } from '../../protocol/index.ts';
import type { CampaignInputParsed, CampaignRecord } from '../store/index.ts';
import { auditAs, audited } from './audit.ts';
import type { ApiContext, ApiDeps } from './deps.ts';
import { HttpError, parseOr400 } from './errors.ts';
import { clearCampaign, publishCampaign } from './publish.ts';

/** Campaigns: stored durably first, then published retained on v1/campaigns/{id}; delete clears it. */
export function campaignsRouter(deps: ApiDeps, ctx: ApiContext): Router {
  const r = express.Router();
  const { store, bus, log } = deps;
  const anyone = [ctx.authenticate(), ctx.requireRole('admin', 'operator', 'technician')];
  const editors = [ctx.authenticate(), ctx.requireRole('admin', 'operator')];

  const view = (c: CampaignRecord): CampaignView => ({
    ...c.campaign,
    createdAt: c.createdAt,
    createdBy: c.createdBy,
    updatedBy: c.updatedBy,
    delivery: deps.delivery?.deliveryOf(c.campaign.id) ?? null,
  });
  const find = (id: string): CampaignRecord => {
    const c = store.getCampaign(id);
    if (!c) throw new HttpError(404, `no campaign "${id}"`);
    return c;
  };
  const actor = (res: express.Response) => {
    const p = ctx.principalOf(res);
    return p?.kind === 'user' ? p.username : 'unknown';
  };

  /** Assets served by this server must have been uploaded, with the same size and type; returns their sha256s. */
  const checkAssets = (input: CampaignInputParsed): string[] => {
    const issues: Array<{ path: string; message: string }> = [];
    input.slides.forEach((slide, i) => {
      if (slide.kind === 'text') return;
      const a = slide.asset;
      if (!a.url.startsWith('/content/')) return; // an external URL: the screen verifies the sha256
      const at = `slides.${i}.asset`;
      if (a.url !== `/content/${a.sha256}`)
        issues.push({ path: `${at}.url`, message: `must be /content/${a.sha256}` });
      const c = store.getContent(a.sha256);
      if (!c) issues.push({ path: `${at}.sha256`, message: 'no uploaded content with this sha256' });
      else {
        if (c.size !== a.size)
          issues.push({ path: `${at}.size`, message: `must be ${c.size}, the uploaded size` });
        if (c.mime !== a.mime)
          issues.push({ path: `${at}.mime`, message: `must be ${c.mime}, the uploaded type` });
        const want = slide.kind === 'image' ? 'image/' : 'video/';
        if (!c.mime.startsWith(want))
          issues.push({ path: `${at}.mime`, message: `a ${slide.kind} slide needs ${want}*` });
      }
    });
    const first = issues[0];
    if (first) throw new HttpError(400, `invalid body: ${first.path}: ${first.message}`, issues);
    return input.slides.flatMap((s) =>
      s.kind !== 'text' && s.asset.url.startsWith('/content/') ? [s.asset.sha256] : [],
    );
  };

  const publish = async (c: Campaign): Promise<boolean> => {
    try {
      await publishCampaign(bus, c);
      return true;
    } catch (err) {
      log.error({ err, campaignId: c.id }, 'campaign publish failed; it is re-published at the next start');
      return false;
    }
  };

  r.get('/api/v1/campaigns', ...anyone, (_req, res) => {
    res.json({ campaigns: store.listCampaigns().map(view) });
  });

  r.get('/api/v1/campaigns/:id', ...anyone, (req, res) => {
    res.json(view(find(String(req.params.id))));
  });

  r.post('/api/v1/campaigns', audited('campaign.create'), ...editors, async (req, res) => {
    auditAs(res, 'campaign.create');
    const input = parseOr400(CampaignInputSchema, req.body);
    const c = await store.createCampaign(input, actor(res), checkAssets(input));
    auditAs(res, 'campaign.create', `campaign:${c.id}`);
    const published = await publish(c);
    res.status(201).location(`/api/v1/campaigns/${c.id}`).json({ id: c.id, version: c.version, published });
  });

  r.put(
    '/api/v1/campaigns/:id',
    audited('campaign.update', (id) => `campaign:${id}`),
    ...editors,
    async (req, res) => {
      const id = String(req.params.id);
      auditAs(res, 'campaign.update', `campaign:${id}`);
      find(id);
      const input = parseOr400(CampaignInputSchema, req.body);
      const c = await store.updateCampaign(id, input, actor(res), checkAssets(input));
      const published = await publish(c);
      res.json({ id: c.id, version: c.version, published });
    },
  );

  r.delete(
    '/api/v1/campaigns/:id',
    audited('campaign.delete', (id) => `campaign:${id}`),
    ...editors,
    async (req, res) => {
      const id = String(req.params.id);
      auditAs(res, 'campaign.delete', `campaign:${id}`);
      find(id);
      await store.deleteCampaign(id, actor(res));
      try {
        await clearCampaign(bus, id);
      } catch (err) {
        log.error(
          { err, campaignId: id },
          'clearing retained campaign failed; it is cleared at the next start',
        );
      }
      res.status(204).end();
    },
  );
  return r;
}
