import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type Campaign,
  CampaignInputSchema,
  type LocalizedText,
  type Priority,
  type Schedule,
  type Slide,
  type Target,
} from '../../../../protocol/index.ts';
import { api } from '../api.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { DeliveryPanel } from '../components/DeliveryPanel.tsx';
import { ErrorNote, Loading } from '../components/Notice.tsx';
import { PreviewPanel } from '../components/PreviewPanel.tsx';
import { ScheduleEditor } from '../components/ScheduleEditor.tsx';
import { SlidesEditor } from '../components/SlidesEditor.tsx';
import { TargetEditor } from '../components/TargetEditor.tsx';
import { campaignOf, loadScreens } from '../lib/data.ts';
import { useAsync } from '../lib/useAsync.ts';
import { navigate } from '../router.ts';

interface Draft {
  name: string;
  priority: Priority;
  target: Target;
  schedule: Schedule | undefined;
  slides: Slide[];
}

const EMPTY: Draft = {
  name: '',
  priority: 'normal',
  target: { all: true },
  schedule: undefined,
  slides: [{ kind: 'text', title: { da: '', en: '' }, durationS: 10 }],
};

/** Drops empty translations and empty lists, so the server sees only what the operator wrote. */
function clean(d: Draft): unknown {
  const text = (x: LocalizedText | undefined) => {
    if (!x) return undefined;
    const out = Object.fromEntries(Object.entries(x).filter(([, v]) => v.trim() !== ''));
    return Object.keys(out).length ? out : undefined;
  };
  const target: Target = { ...d.target };
  for (const k of ['groups', 'tags', 'screens'] as const) if (!target[k]?.length) delete target[k];
  if (target.all !== true) delete target.all;
  else for (const k of ['groups', 'tags', 'screens', 'area'] as const) delete target[k];
  if (!target.area) delete target.area;
  return {
    name: d.name.trim(),
    priority: d.priority,
    target,
    ...(d.schedule ? { schedule: d.schedule } : {}),
    slides: d.slides.map((s) => {
      const base = { ...s, title: text(s.title) } as Record<string, unknown>;
      if (s.kind === 'text') base.body = text(s.body);
      else base.alt = text(s.alt);
      for (const k of Object.keys(base)) if (base[k] === undefined) delete base[k];
      return base;
    }),
  };
}

export function CampaignEditPage({ id }: { id: string | null }) {
  const { t } = useTranslation();
  const screens = useAsync(loadScreens, []);
  const existing = useAsync(
    async () => (id ? campaignOf(await api.get<unknown>(`/campaigns/${encodeURIComponent(id)}`)) : null),
    [id],
  );
  const [draft, setDraft] = useState<Draft | null>(id ? null : EMPTY);
  const [error, setError] = useState<Error | null>(null);
  const [issues, setIssues] = useState<string[]>([]);
  const [confirm, setConfirm] = useState<'emergency' | 'delete' | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  useEffect(() => {
    const c = existing.data;
    if (c)
      setDraft({
        name: c.name,
        priority: c.priority,
        target: c.target,
        schedule: c.schedule,
        slides: c.slides,
      });
  }, [existing.data]);

  const previewCampaign = useMemo(
    () =>
      draft && {
        id: id ?? 'preview',
        name: draft.name,
        priority: draft.priority,
        target: draft.target,
        slides: draft.slides,
        version: existing.data?.version,
      },
    [draft, id, existing.data],
  );

  if (id && existing.loading && !draft) return <Loading />;
  if (id && existing.error) return <ErrorNote error={existing.error} />;
  if (!draft) return <Loading />;
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });

  function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(null);
    const body = clean(draft as Draft);
    const r = CampaignInputSchema.safeParse(body);
    if (!r.success) {
      setIssues(r.error.issues.map((i) => `${i.path.join('.') || t('campaign.form')}: ${i.message}`));
      return;
    }
    setIssues([]);
    if ((draft as Draft).priority === 'emergency') setConfirm('emergency');
    else void save(body);
  }

  async function save(body: unknown) {
    setConfirm(null);
    setSaving(true);
    setError(null);
    try {
      if (id) {
        const c = campaignOf(await api.put<unknown>(`/campaigns/${encodeURIComponent(id)}`, body));
        setSaved(t('campaign.savedVersion', { version: c.version ?? '' }));
        existing.reload();
      } else {
        const r = await api.post<{ id: string }>('/campaigns', body);
        navigate(`/campaigns/${encodeURIComponent(r.id)}?created=1`, true);
      }
    } catch (err) {
      setError(err as Error);
    } finally {
      setSaving(false);
    }
  }

  async function remove() {
    setConfirm(null);
    if (!id) return;
    try {
      await api.del(`/campaigns/${encodeURIComponent(id)}`);
      navigate('/campaigns');
    } catch (err) {
      setError(err as Error);
    }
  }

  const c: Campaign | null | undefined = existing.data;
  return (
    <section className="page campaign-edit">
      <h1>{id ? t('campaign.editTitle', { name: c?.name ?? id }) : t('campaign.newTitle')}</h1>
      {new URLSearchParams(location.search).get('created') && (
        <p className="notice ok" role="status">
          {t('campaign.created')}
        </p>
      )}
      <div className="two-col">
        <form className="col-main" onSubmit={submit} noValidate>
          <section className="card">
            <h2>{t('campaign.basics')}</h2>
            <label>
              {t('campaign.name')}
              <input
                name="name"
                value={draft.name}
                maxLength={200}
                required
                onChange={(e) => set({ name: e.target.value })}
              />
            </label>
            <fieldset className="priority">
              <legend>{t('campaign.priority')}</legend>
              {(['normal', 'high', 'emergency'] as const).map((p) => (
                <label key={p} className={`check prio-${p}`}>
                  <input
                    type="radio"
                    name="priority"
                    value={p}
                    checked={draft.priority === p}
                    onChange={() => set({ priority: p })}
                  />
                  {t(`priority.${p}`)}
                </label>
              ))}
              {draft.priority === 'emergency' && <p className="notice warn">{t('campaign.emergencyHint')}</p>}
            </fieldset>
          </section>
          <section className="card">
            <h2>{t('campaign.slides')}</h2>
            <SlidesEditor slides={draft.slides} onChange={(slides) => set({ slides })} />
          </section>
          <section className="card">
            <h2>{t('campaign.targeting')}</h2>
            {screens.error && <ErrorNote error={screens.error} />}
            <TargetEditor
              target={draft.target}
              screens={screens.data ?? []}
              onChange={(target) => set({ target })}
            />
          </section>
          <section className="card">
            <h2>{t('campaign.schedule')}</h2>
            <ScheduleEditor schedule={draft.schedule} onChange={(schedule) => set({ schedule })} />
          </section>
          {issues.length > 0 && (
            <div className="notice error" role="alert">
              <p>{t('campaign.fix')}</p>
              <ul>
                {issues.map((i) => (
                  <li key={i}>{i}</li>
                ))}
              </ul>
            </div>
          )}
          <ErrorNote error={error} />
          {saved && (
            <p className="notice ok" role="status">
              {saved}
            </p>
          )}
          <div className="row sticky-actions">
            <button type="submit" disabled={saving}>
              {saving ? t('campaign.pushing') : id ? t('campaign.saveAndPush') : t('campaign.createAndPush')}
            </button>
            <button type="button" className="secondary" onClick={() => navigate('/campaigns')}>
              {t('common.back')}
            </button>
            {id && (
              <button type="button" className="danger push" onClick={() => setConfirm('delete')}>
                {t('campaign.withdraw')}
              </button>
            )}
          </div>
        </form>
        <aside className="col-side">
          {id && <DeliveryPanel campaignId={id} />}
          <section className="card">
            <h2>{t('preview.title')}</h2>
            {previewCampaign && <PreviewPanel campaign={previewCampaign} />}
          </section>
        </aside>
      </div>
      <ConfirmDialog
        open={confirm === 'emergency'}
        title={t('campaign.confirmEmergencyTitle')}
        body={t('campaign.confirmEmergency')}
        confirmLabel={t('campaign.confirmEmergencyButton')}
        danger
        onCancel={() => setConfirm(null)}
        onConfirm={() => void save(clean(draft))}
      />
      <ConfirmDialog
        open={confirm === 'delete'}
        title={t('campaign.confirmWithdrawTitle')}
        body={t('campaign.confirmWithdraw')}
        confirmLabel={t('campaign.withdraw')}
        danger
        onCancel={() => setConfirm(null)}
        onConfirm={() => void remove()}
      />
    </section>
  );
}
