import { describe, expect, it } from 'vitest';
import { agentServesTiles, tileSourceFrom } from './tiles.ts';

const OK = {
  state: 'ok',
  kind: 'pmtiles',
  format: 'png',
  tileUrl: 'tiles/{z}/{x}/{y}.png?v=0123456789abcdef',
  minzoom: 10,
  maxzoom: 16,
  bounds: [12.4, 55.6, 12.7, 55.75],
  attribution: '© Test',
  name: 'cph',
};

describe('renderer tile source', () => {
  it('takes a raster answer and makes an absolute Leaflet template of it', () => {
    const t = tileSourceFrom(OK, 'http://127.0.0.1:8090/?theme=day');
    expect(t?.template).toBe('http://127.0.0.1:8090/tiles/{z}/{x}/{y}.png?v=0123456789abcdef');
    expect(t).toMatchObject({ minzoom: 10, maxzoom: 16, attribution: '© Test' });
  });

  it('takes a vector answer with its layers', () => {
    const t = tileSourceFrom(
      { ...OK, format: 'pbf', tileUrl: 'tiles/{z}/{x}/{y}.pbf?v=01', layers: ['water', 'roads'] },
      'http://127.0.0.1:8090/',
    );
    expect(t).toMatchObject({ format: 'pbf', layers: ['water', 'roads'] });
    expect(tileSourceFrom(OK, 'http://127.0.0.1:8090/')?.layers).toEqual([]);
  });

  it('keeps the built-in map for off, error, invalid or foreign answers', () => {
    const base = 'http://127.0.0.1:8090/';
    expect(tileSourceFrom({ state: 'off' }, base)).toBeNull();
    expect(tileSourceFrom({ state: 'error', message: 'gone' }, base)).toBeNull();
    expect(tileSourceFrom({ ...OK, minzoom: 'x' }, base)).toBeNull();
    expect(tileSourceFrom({ ...OK, tileUrl: 'https://evil.example/{z}/{x}/{y}.png' }, base)).toBeNull();
    expect(tileSourceFrom({ ...OK, tileUrl: '//evil.example/tiles/{z}/{x}/{y}.png' }, base)).toBeNull();
    expect(tileSourceFrom('nonsense', base)).toBeNull();
  });

  it('asks only an agent: not from file:, a dashboard preview or the fixture bridge', () => {
    expect(agentServesTiles({ protocol: 'http:', search: '?theme=day' })).toBe(true);
    expect(agentServesTiles({ protocol: 'file:', search: '' })).toBe(false);
    expect(agentServesTiles({ protocol: 'https:', search: '?bridge=preview' })).toBe(false);
    expect(agentServesTiles({ protocol: 'http:', search: '?bridge=fixture' })).toBe(false);
  });
});
