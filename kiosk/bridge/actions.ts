import { z } from 'zod';
import { IdSchema } from '../../protocol/index.ts';
import type { BridgeAction, BridgeClientMessage } from './types.ts';

/** Runtime validation of what a UI sends to its agent (WebSocket or IPC): never trust the renderer. */
export const BridgeActionSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('play'),
    campaignId: IdSchema,
    campaignVersion: z.number().int().positive(),
    slideIndex: z.number().int().nonnegative().max(1000),
    seconds: z.number().nonnegative().max(3600),
  }),
  z.object({ type: z.literal('view'), view: z.string().min(1).max(40) }),
  z.object({ type: z.literal('touch') }),
  z.object({ type: z.literal('renderer'), state: z.enum(['ok', 'blank']) }),
]);

export const BridgeClientMessageSchema = z.object({ type: z.literal('action'), action: BridgeActionSchema });

// Compile-time check that the schema and the hand-written types agree.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _actionsAgree: Same<z.infer<typeof BridgeActionSchema>, BridgeAction> = true;
const _messagesAgree: Same<z.infer<typeof BridgeClientMessageSchema>, BridgeClientMessage> = true;
void _actionsAgree;
void _messagesAgree;
