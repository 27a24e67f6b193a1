import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';

/** A real in-process MQTT broker (aedes) on 127.0.0.1 for agent tests, restartable on its port. */
export interface TestBroker {
  url: string;
  port: number;
  aedes: Aedes;
  /** A client publishing as the control server would. */
  server: MqttClient;
  close(): Promise<void>;
}

export async function startTestBroker(port = 0): Promise<TestBroker> {
  const aedes = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const net: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    aedes.handle(s);
  });
  await new Promise<void>((resolve, reject) => {
    net.once('error', reject);
    net.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (net.address() as AddressInfo).port;
  const url = `mqtt://127.0.0.1:${actual}`;
  const server = await mqtt.connectAsync(url, { clientId: `test-server-${actual}`, reconnectPeriod: 0 });
  return {
    url,
    port: actual,
    aedes,
    server,
    close: async () => {
      await server.endAsync(true).catch(() => undefined);
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => aedes.close(() => r()));
      await new Promise<void>((r) => net.close(() => r()));
    },
  };
}
