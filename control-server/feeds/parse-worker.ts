import { parentPort } from 'node:worker_threads';
import { adapterFor } from './adapters/index.ts';
import type { AdapterContext, AdapterInputs, ParseResult } from './types.ts';

/** The parse thread: runs adapters (pure functions) off the server's event loop. */
export interface ParseRequest {
  id: number;
  format: string;
  inputs: AdapterInputs;
  ctx: AdapterContext;
}
export type ParseReply =
  | { id: number; ok: true; result: ParseResult }
  | { id: number; ok: false; error: { name: string; message: string } };

parentPort?.on('message', (req: ParseRequest) => {
  let reply: ParseReply;
  try {
    const adapter = adapterFor(req.format);
    if (!adapter) throw new Error(`unknown format ${req.format}`);
    reply = { id: req.id, ok: true, result: adapter.parse(req.inputs, req.ctx) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    reply = { id: req.id, ok: false, error: { name: err.name, message: err.message } };
  }
  parentPort?.postMessage(reply);
});
