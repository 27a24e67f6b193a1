import { open } from 'node:fs/promises';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Compression, PMTiles, type RangeResponse, type Source, TileType } from 'pmtiles';
import { attributionText, type TileArchive, type TileFormat, validBounds, vectorLayerIds } from './types.ts';

/**
 * PMTiles v3 (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md) read with the
 * format's reference reader, `pmtiles`, over a file handle: only the header, the directories it
 * needs (cached by the reader) and the asked-for tile are read, so a map of any size is fine.
 */

const FORMAT: Partial<Record<TileType, TileFormat>> = {
  [TileType.Png]: 'png',
  [TileType.Jpeg]: 'jpg',
  [TileType.Webp]: 'webp',
  [TileType.Mvt]: 'pbf',
};

type FileHandle = Awaited<ReturnType<typeof open>>;

/** A pmtiles Source reading byte ranges from a local file. */
class FileHandleSource implements Source {
  constructor(
    private readonly fh: FileHandle,
    private readonly size: number,
    private readonly key: string,
  ) {}

  getKey(): string {
    return this.key;
  }

  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    const n = Math.max(0, Math.min(length, this.size - offset));
    const buf = new Uint8Array(n);
    let done = 0;
    while (done < n) {
      const { bytesRead } = await this.fh.read(buf, done, n - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    if (done < n) throw new Error(`short read at ${offset}: ${done} of ${n} bytes`);
    return { data: buf.buffer };
  }
}

/** Node's zlib instead of the browser's DecompressionStream; zstd is not in Node 20. */
async function decompress(buf: ArrayBuffer, c: Compression): Promise<ArrayBuffer> {
  const u8 = new Uint8Array(buf);
  const copy = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  if (c === Compression.None || c === Compression.Unknown) return buf;
  if (c === Compression.Gzip) return copy(gunzipSync(u8));
  if (c === Compression.Brotli) return copy(brotliDecompressSync(u8));
  throw new Error(`unsupported PMTiles compression ${Compression[c] ?? c}`);
}

export async function isPmtilesFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(7);
    await fh.read(buf, 0, 7, 0);
    return buf.toString('latin1') === 'PMTiles';
  } finally {
    await fh.close();
  }
}

export async function openPmtiles(path: string): Promise<TileArchive> {
  const fh = await open(path, 'r');
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new Error('not a file');
    const archive = new PMTiles(new FileHandleSource(fh, st.size, path), undefined, decompress);
    const h = await archive.getHeader();
    if (h.specVersion !== 3) throw new Error(`PMTiles version ${h.specVersion}; this reader takes v3`);
    const format = FORMAT[h.tileType];
    if (!format) throw new Error(`unsupported PMTiles tile type ${TileType[h.tileType] ?? h.tileType}`);
    let meta: Record<string, unknown> = {};
    const raw = await archive.getMetadata().catch(() => ({}));
    if (raw && typeof raw === 'object' && !Array.isArray(raw)) meta = raw as Record<string, unknown>;
    const info = {
      kind: 'pmtiles' as const,
      format,
      minzoom: Math.min(h.minZoom, 30),
      maxzoom: Math.min(Math.max(h.maxZoom, h.minZoom), 30),
      bounds: validBounds([h.minLon, h.minLat, h.maxLon, h.maxLat]),
      attribution: attributionText(meta.attribution),
      name: typeof meta.name === 'string' ? meta.name.slice(0, 200) : '',
      layers: vectorLayerIds(meta.vector_layers),
    };
    let closed = false;
    return {
      info,
      async getTile(z, x, y) {
        if (closed) throw new Error('tiles file closed');
        const r = await archive.getZxy(z, x, y);
        return r ? new Uint8Array(r.data) : null;
      },
      async close() {
        if (closed) return;
        closed = true;
        await fh.close();
      },
    };
  } catch (e) {
    await fh.close().catch(() => undefined);
    throw e;
  }
}
