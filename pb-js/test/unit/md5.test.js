import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { challengeResponse, md5 } from '../../src/md5.js';
import { fromHex, toHex } from '../support/tokens.js';

const hex = (bytes) => toHex(bytes, '');

test('md5 matches the RFC 1321 test suite', () => {
  const suite = {
    '': 'd41d8cd98f00b204e9800998ecf8427e',
    a: '0cc175b9c0f1b6a831c399e269772661',
    abc: '900150983cd24fb0d6963f7d28e17f72',
    'message digest': 'f96b697d7cb7938d525a2f31aaf161d0',
    abcdefghijklmnopqrstuvwxyz: 'c3fcd3d76192e4007dfb496cca67e13b',
    ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789: 'd174ab98d277d9f5a5611c2c9f419d9f',
    '12345678901234567890123456789012345678901234567890123456789012345678901234567890':
      '57edf4a22be3c955ac49da2e2107b67a',
  };
  for (const [input, digest] of Object.entries(suite)) {
    assert.equal(hex(md5(input)), digest, JSON.stringify(input));
  }
  assert.equal(hex(md5('secret')), '5ebe2294ecd0e0f08eab7690d2a6ee69');
});

test('md5 agrees with node:crypto at every length around the block boundaries', () => {
  for (let n = 0; n < 300; n++) {
    const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
    assert.equal(hex(md5(data)), createHash('md5').update(data).digest('hex'), `length ${n}`);
  }
  assert.equal(hex(md5('héllo 😀')), createHash('md5').update('héllo 😀', 'utf8').digest('hex'));
});

test('challenge response is md5(md5(password) + challenge) (PROTOCOL-REFERENCE 7.2)', () => {
  assert.equal(hex(challengeResponse('secret', fromHex('d7855f062d8b00d50da03cf79daec0af'))),
    'ad0402c11a4880a3bf08290731dda3c7');
  assert.equal(hex(challengeResponse('secret', Uint8Array.from({ length: 16 }, (_, i) => i))),
    '8dc4fac7084c226bd62b12a1cd62830a');
});
