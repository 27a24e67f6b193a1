import { type FeedKind, type FeedSnapshot, feedSnapshotSchemas } from '../../protocol/index.ts';
import { FeedParseError, type ParseResult } from './types.ts';

/** Default seconds after observedAt during which a snapshot counts as current, by kind. */
export const DEFAULT_TTL_S: Record<FeedKind, number> = {
  transport: 300,
  parking: 900,
  water: 6 * 3600,
  events: 24 * 3600,
};

/**
 * Runs every snapshot through its protocol schema. Invalid ones are dropped with a warning; when
 * there were candidates and none survived, the whole parse fails (a parse error never yields empty).
 */
export function validated<S extends FeedSnapshot>(
  kind: S['kind'],
  candidates: S[],
  warnings: string[],
  what: string,
): ParseResult<S> {
  const schema = feedSnapshotSchemas[kind];
  const out: S[] = [];
  for (const c of candidates) {
    const r = schema.safeParse(c);
    if (r.success) out.push(r.data as S);
    else {
      const issue = r.error.issues[0];
      warnings.push(
        `dropped ${kind} snapshot: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`,
      );
    }
  }
  if (candidates.length > 0 && out.length === 0) {
    throw new FeedParseError(`${what}: no valid ${kind} snapshot (${warnings.at(-1) ?? 'all invalid'})`);
  }
  return { snapshots: out, warnings };
}
