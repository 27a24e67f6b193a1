import { describe, expect, it } from 'vitest';
import { runServerKills } from './crash.ts';

/** The default run: 2 kills. The 100-kill run is server-kill9.soak.test.ts (npm run test:soak). */
describe('kill -9 of the server during REST writes and screen traffic', () => {
  it('keeps every acknowledged write on disk, in the API and retained on the broker (2 kills)', async () => {
    const f = await runServerKills(2);
    console.info(
      `FIGURES kill9: kills=${f.kills} acknowledged=${f.acknowledged + f.updatesAcknowledged} (creates ${f.acknowledged}, updates ${f.updatesAcknowledged}) presentDb=${f.presentInDb} presentApi=${f.presentInApi} retained=${f.retainedSeen} screenMsgs=${f.screenMessagesSent} restartMsMax=${Math.max(...f.restartMs)}`,
    );
    expect(f.missing).toEqual([]);
    expect(f.kills).toBe(2);
    expect(f.acknowledged).toBeGreaterThan(5);
    expect(f.screenMessagesSent).toBeGreaterThan(0);
  }, 150_000);
});
