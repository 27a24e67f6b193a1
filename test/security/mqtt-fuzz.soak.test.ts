import { describe, expect, it } from 'vitest';
import { runMqttFuzz } from './mqtt-fuzz.ts';

/** The default run: The soak run: 10,000 payloads, same code as mqtt-fuzz.test.ts. */
describe('MQTT fuzzing of the server and a screen', () => {
  it('rejects and counts every malformed, oversized or random payload; both sides keep working (10,000)', async () => {
    const f = await runMqttFuzz(10_000);
    console.info(
      `FIGURES mqtt-fuzz: seed=${f.seed} sent=${f.sent} oversized=${f.oversized} server: sent=${f.serverSent} invalid=${f.serverRejectedExpected} counted=${f.serverCounted}; agent: sent=${f.agentSent} invalid=${f.agentRejectedExpected} counted=${f.agentCounted}`,
    );
    expect(f.sent).toBe(10_000);
    expect(f.serverCounted).toBe(f.serverRejectedExpected);
    expect(f.agentCounted).toBe(f.agentRejectedExpected);
    expect(f.serverRejectedExpected).toBeGreaterThan(f.serverSent / 2);
  }, 1_200_000);
});
