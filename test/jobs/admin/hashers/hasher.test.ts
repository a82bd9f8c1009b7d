import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { b64NoPad, HASHER_NAMES, loadHasher } from '../../../../src/jobs/admin/hashers/hasher.js';

describe('loadHasher', () => {
  it('loads each hasher by its --hasher name', async () => {
    for (const name of HASHER_NAMES) assert.equal((await loadHasher(name)).name, name);
  });

  it('encodes in base64 without padding (PHC, passlib)', () => {
    assert.equal(b64NoPad(Buffer.from('ab')), 'YWI');
    assert.equal(b64NoPad(new Uint8Array([0xfb, 0xff])), '+/8');
  });
});
