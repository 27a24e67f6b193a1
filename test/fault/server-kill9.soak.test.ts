import { describe, expect, it } from 'vitest';
import { runServerKills } from './crash.ts';

/** The soak run (npm run test:soak): 100 kills, the same code as server-kill9.test.ts. */
describe('kill -9 of the server during REST writes and screen traffic', () => {
  it('keeps every acknowledged write on disk, in the API and retained on the broker (100 kills)', async () => {
    const f = await runServerKills(100);
    console.info(
      `FIGURES kill9: kills=${f.kills} acknowledged=${f.acknowledged + f.updatesAcknowledged} (creates ${f.acknowledged}, updates ${f.updatesAcknowledged}) presentDb=${f.presentInDb} presentApi=${f.presentInApi} retained=${f.retainedSeen} screenMsgs=${f.screenMessagesSent} restartMsMax=${Math.max(...f.restartMs)}`,
    );
    expect(f.missing).toEqual([]);
    expect(f.kills).toBe(100);
    expect(f.acknowledged).toBeGreaterThan(100);
    expect(f.screenMessagesSent).toBeGreaterThan(0);
  }, 1_800_000);
});
