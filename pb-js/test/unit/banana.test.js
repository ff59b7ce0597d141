import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { BananaDecoder, BananaEncoder } from '../../src/banana.js';
import { LimitExceededError, ProtocolError } from '../../src/errors.js';
import { makeLimits } from '../../src/limits.js';
import { feedEveryWay, fromHex, play, sameTokens, testdata, toHex, TokenRecorder } from '../support/tokens.js';

const vectors = testdata('banana/vectors.json');
const invalid = testdata('banana/invalid.json');

describe('banana golden vectors (testdata/banana/vectors.json)', () => {
  for (const c of vectors) {
    if (!c.decodeOnly) {
      test(`encodes ${c.name}`, () => {
        const encoder = new BananaEncoder({ dialect: c.dialect });
        play(c.tokens, encoder);
        assert.equal(toHex(encoder.takeMessage()), c.hex);
      });
    }
    if (!c.encodeOnly) {
      test(`decodes ${c.name} whole, a byte at a time and split everywhere`, () => {
        const bytes = fromHex(c.hex);
        for (const [how, recorder] of feedEveryWay((sink) => new BananaDecoder({ dialect: c.dialect, sink }), bytes)) {
          assert.ok(sameTokens(recorder.tokens, c.tokens), `${how}: ${JSON.stringify(recorder.tokens).slice(0, 300)}`);
        }
      });
    }
  }
});

describe('banana invalid input (testdata/banana/invalid.json)', () => {
  for (const c of invalid) {
    test(`refuses ${c.name}`, () => {
      const limits = makeLimits(c.limits);
      for (const trickle of [false, true]) {
        const decoder = new BananaDecoder({ dialect: c.dialect, limits, sink: new TokenRecorder() });
        const bytes = fromHex(c.hex);
        let error;
        try {
          if (trickle) {
            for (let i = 0; i < bytes.length; i++) decoder.feed(bytes.subarray(i, i + 1));
          } else {
            decoder.feed(bytes);
          }
        } catch (e) {
          error = e;
        }
        assert.ok(error, `${c.name}: no error (trickle ${trickle})`);
        if (c.error === 'protocol') {
          assert.ok(error instanceof ProtocolError && !(error instanceof LimitExceededError), String(error));
        } else {
          assert.ok(error instanceof LimitExceededError, String(error));
          assert.equal(error.limitName, c.error.slice('limit:'.length));
        }
        assert.throws(() => decoder.feed(fromHex('01 81')), ProtocolError, 'a failed decoder stays failed');
      }
      const fresh = new TokenRecorder();
      new BananaDecoder({ dialect: 'pb', sink: fresh }).feed(fromHex('01 81'));
      assert.deepEqual(fresh.tokens, [['int', '1']]);
    });
  }
});

describe('banana codec', () => {
  test('limit errors name the value, the maximum and the setting', () => {
    const decoder = new BananaDecoder({ sink: new TokenRecorder(), limits: makeLimits({ maxStringLength: 10 }) });
    assert.throws(() => decoder.feed(fromHex('0b 82')), (e) => e instanceof LimitExceededError
      && e.message === 'string length (11) exceeds the maximum allowed (10, from limits.maxStringLength)'
      && e.value === 11 && e.maximum === 10);
  });

  test('the encoder refuses oversized strings and integers and can be reset', () => {
    const encoder = new BananaEncoder({ limits: makeLimits({ maxStringLength: 2, maxPrefixLength: 2 }) });
    assert.throws(() => encoder.bytes(new Uint8Array(3)), LimitExceededError);
    encoder.reset();
    assert.throws(() => encoder.integer(2 ** 14), (e) => e.limitName === 'maxPrefixLength');
    encoder.reset();
    encoder.integer(2 ** 14 - 1);
    assert.equal(toHex(encoder.takeMessage()), '7f 7f 81');
  });

  test('big integers round trip through bigint', () => {
    for (const v of [2n ** 53n, -(2n ** 53n), 2n ** 447n, -(2n ** 300n) + 1n, 9007199254740993n]) {
      const encoder = new BananaEncoder();
      encoder.integer(v);
      const recorder = new TokenRecorder();
      new BananaDecoder({ sink: recorder }).feed(encoder.takeMessage());
      assert.deepEqual(recorder.tokens, [['int', String(v)]]);
    }
  });

  test('safe integers arrive as numbers, others as bigints', () => {
    const got = [];
    const sink = { integer: (v) => got.push(v) };
    const decoder = new BananaDecoder({ sink });
    const encoder = new BananaEncoder();
    encoder.integer(Number.MAX_SAFE_INTEGER);
    encoder.integer(-Number.MAX_SAFE_INTEGER);
    encoder.integer(2n ** 53n);
    decoder.feed(encoder.takeMessage());
    assert.deepEqual(got, [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2n ** 53n]);
  });

  test('a string body split across feeds is buffered and delivered once', () => {
    const recorder = new TokenRecorder();
    const decoder = new BananaDecoder({ sink: recorder });
    decoder.feed(fromHex('05 82 68 65'));
    assert.equal(decoder.inMessage(), true);
    decoder.feed(fromHex('6c 6c 6f 01 81'));
    assert.deepEqual(recorder.tokens, [['bytes', '68656c6c6f'], ['int', '1']]);
    assert.equal(decoder.inMessage(), false);
  });
});
