import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { BridgeActionSchema } from '../../bridge/actions.ts';
import type { IpcChannel, IpcChannelMap } from '../../bridge/types.ts';

/**
 * The one IPC gateway of the Electron main process (structured like electron/fiddle's ipc events):
 * every channel is a key of the shared IpcChannelMap, every handler is registered here, every message
 * is checked to come from one of our own windows, and every payload from a renderer is validated.
 */

type Req<K extends IpcChannel> = IpcChannelMap[K]['request'];
type Res<K extends IpcChannel> = IpcChannelMap[K]['response'];

/** renderer -> main, answered (ipcRenderer.invoke). */
export type InvokeChannel = 'bridge:get-state';
/** renderer -> main, one way (ipcRenderer.send). */
export type SendChannel = 'bridge:action';
/** main -> renderer (webContents.send). */
export type EventChannel = 'bridge:state';

/** Runtime validators of what a renderer may send; a payload that fails is dropped and counted. */
const validators: { [K in InvokeChannel | SendChannel]: (v: unknown) => v is Req<K> } = {
  'bridge:get-state': (v): v is undefined => v === undefined || v === null,
  'bridge:action': (v): v is Req<'bridge:action'> => BridgeActionSchema.safeParse(v).success,
};

export type SenderCheck = (event: IpcMainEvent | IpcMainInvokeEvent) => boolean;

export class IpcGateway {
  private readonly channels = new Set<IpcChannel>();
  /** Messages refused: unknown sender, or a payload that failed validation. */
  rejected = 0;

  constructor(
    private readonly ipcMain: IpcMain,
    private readonly trusted: SenderCheck,
  ) {}

  handle<K extends InvokeChannel>(channel: K, fn: (req: Req<K>) => Res<K> | Promise<Res<K>>): void {
    this.channels.add(channel);
    this.ipcMain.handle(channel, (event, payload: unknown) => {
      if (!this.trusted(event) || !validators[channel](payload)) {
        this.rejected++;
        throw new Error(`refused ${channel}`);
      }
      return fn(payload as Req<K>);
    });
  }

  on<K extends SendChannel>(channel: K, fn: (req: Req<K>) => void): void {
    this.channels.add(channel);
    this.ipcMain.on(channel, (event, payload: unknown) => {
      if (!this.trusted(event) || !validators[channel](payload)) {
        this.rejected++;
        return;
      }
      fn(payload as Req<K>);
    });
  }

  send<K extends EventChannel>(target: WebContents, channel: K, payload: Req<K>): void {
    if (!target.isDestroyed()) target.send(channel, payload);
  }

  dispose(): void {
    for (const c of this.channels) {
      this.ipcMain.removeHandler(c);
      this.ipcMain.removeAllListeners(c);
    }
    this.channels.clear();
  }
}
