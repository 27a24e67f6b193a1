import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log.ts';
import { type CredentialSource, CredentialWatcher } from './revocation.ts';

/** A credential table as the store keeps it: id -> token hash, and a write counter. */
class Table implements CredentialSource {
  hashes = new Map<string, string>();
  writes = 0;
  reads = 0;
  screenTokenHashes(): ReadonlyMap<string, string> {
    this.reads++;
    return new Map(this.hashes);
  }
  set(id: string, hash: string): void {
    this.hashes.set(id, hash);
    this.writes++;
  }
  delete(id: string): void {
    this.hashes.delete(id);
    this.writes++;
  }
}

const log = silentLogger();

describe('CredentialWatcher', () => {
  it('closes the connections of a deleted screen and of one whose token was rotated, and of no other', () => {
    const table = new Table();
    table.set('a', 'h1');
    table.set('b', 'h2');
    table.set('c', 'h3');
    const revoked: string[] = [];
    const w = new CredentialWatcher(
      table,
      (id) => {
        revoked.push(id);
        return 1;
      },
      log,
    );
    expect(w.check()).toEqual([]);
    table.delete('a');
    table.set('b', 'h2-rotated');
    table.set('d', 'h4'); // a new screen revokes nothing
    expect(w.check().sort()).toEqual(['a', 'b']);
    expect(revoked.sort()).toEqual(['a', 'b']);
    // The rotated screen is known by its new hash now: nothing more to close.
    expect(w.check()).toEqual([]);
  });

  it('reads the credentials only after the store wrote something', () => {
    const table = new Table();
    table.set('a', 'h1');
    const w = new CredentialWatcher(table, () => 0, log);
    w.check();
    const reads = table.reads;
    for (let i = 0; i < 5; i++) w.check();
    expect(table.reads).toBe(reads);
    table.writes++; // e.g. an audit entry: read again, nothing revoked
    expect(w.check()).toEqual([]);
    expect(table.reads).toBe(reads + 1);
  });
});
