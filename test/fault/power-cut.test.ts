import { describe, expect, it } from 'vitest';
import { runPowerCuts } from './power-cut.ts';

/** The default run: one cut mid-download and 1 during cache writes. The soak cuts 30 times. */
describe('power cuts on a screen (kill -9 of the agent process)', () => {
  it('restarts clean after a cut mid-download (resumed) and during cache writes', async () => {
    const f = await runPowerCuts(1);
    console.info(
      `FIGURES power-cut: kills=${f.kills} (download ${f.downloadKills}, cache ${f.cacheKills}) corruptAfterRestart=${f.corruptAfterRestart} feedMsgs=${f.feedMessagesSent} partialAtKill=${f.resumedFromBytes}/${f.assetBytes} refetched=${f.secondRequestBytes}`,
    );
    expect(f.corruptAfterRestart).toBe(0);
    expect(f.resumedFromBytes).toBeGreaterThan(0);
    // Resumed with Range: the restart fetched the rest, not the whole asset again.
    expect(f.secondRequestBytes).toBeLessThan(f.assetBytes);
  }, 180_000);
});
