import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { MsgpackDecoder, MsgpackEncoder } from '../../src/msgpack.js';
import { LimitExceededError, ProtocolError } from '../../src/errors.js';
import { makeLimits } from '../../src/limits.js';
import { feedEveryWay, fromHex, play, sameTokens, testdata, toHex, TokenRecorder } from '../support/tokens.js';

const vectors = testdata('msgpack/vectors.json');
const invalid = testdata('msgpack/invalid.json');

describe('msgpack golden vectors (testdata/msgpack/vectors.json)', () => {
  for (const c of vectors) {
    if (!c.decodeOnly) {
      test(`encodes ${c.name}`, () => {
        const encoder = new MsgpackEncoder();
        play(c.tokens, encoder);
        assert.equal(toHex(encoder.takeMessage()), c.hex);
      });
    }
    test(`decodes ${c.name} whole, a byte at a time and split everywhere`, () => {
      const bytes = fromHex(c.hex);
      for (const [how, recorder] of feedEveryWay((sink) => new MsgpackDecoder({ sink }), bytes)) {
        assert.ok(sameTokens(recorder.tokens, c.tokens), `${how}: ${JSON.stringify(recorder.tokens).slice(0, 300)}`);
      }
    });
  }

  test('every two-way vector, as one stream of frames, decodes in order', () => {
    const cases = vectors.filter((c) => !c.decodeOnly);
    const stream = fromHex(cases.map((c) => c.hex).join(' '));
    const recorder = new TokenRecorder();
    const decoder = new MsgpackDecoder({ sink: recorder });
    for (let i = 0; i < stream.length; i += 7) decoder.feed(stream.subarray(i, i + 7));
    assert.ok(sameTokens(recorder.tokens, cases.flatMap((c) => c.tokens)));
    assert.equal(decoder.inMessage(), false);
  });
});

describe('msgpack invalid input (testdata/msgpack/invalid.json)', () => {
  for (const c of invalid) {
    test(`refuses ${c.name}`, () => {
      const limits = makeLimits(c.limits);
      for (const trickle of [false, true]) {
        const decoder = new MsgpackDecoder({ limits, sink: new TokenRecorder() });
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
        if (c.error === 'truncated') {
          assert.equal(error, undefined);
          assert.equal(decoder.inMessage(), true, 'a cut-short frame leaves the decoder in a message');
          continue;
        }
        assert.ok(error, `no error (trickle ${trickle})`);
        if (c.error === 'protocol') {
          assert.ok(error instanceof ProtocolError && !(error instanceof LimitExceededError), String(error));
        } else {
          assert.ok(error instanceof LimitExceededError, String(error));
          assert.equal(error.limitName, c.error.slice('limit:'.length));
        }
        assert.throws(() => decoder.feed(fromHex('00 00 00 02 91 01')), ProtocolError);
      }
    });
  }
});

describe('msgpack codec', () => {
  test('a message that completes before a bad trailer is never completed for the sink', () => {
    const recorder = new TokenRecorder();
    assert.throws(() => new MsgpackDecoder({ sink: recorder }).feed(fromHex('00 00 00 03 91 01 02')), ProtocolError);
    assert.deepEqual(recorder.tokens, [['list', 1], ['int', '1']]);
  });

  test('the encoder refuses a frame over maxMessageLength and stays usable', () => {
    const encoder = new MsgpackEncoder({ limits: makeLimits({ maxMessageLength: 4 }) });
    encoder.beginList(1);
    encoder.bytes(new Uint8Array(8));
    assert.throws(() => encoder.takeMessage(), (e) => e.limitName === 'maxMessageLength');
    encoder.beginList(1);
    encoder.integer(1);
    assert.equal(toHex(encoder.takeMessage()), '00 00 00 02 91 01');
  });

  test('integers between 2^53 and 2^64 round trip as bigints', () => {
    for (const v of [2n ** 53n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, 2n ** 64n, -(2n ** 200n)]) {
      const encoder = new MsgpackEncoder();
      encoder.beginList(1);
      encoder.integer(v);
      const recorder = new TokenRecorder();
      new MsgpackDecoder({ sink: recorder }).feed(encoder.takeMessage());
      assert.deepEqual(recorder.tokens, [['list', 1], ['int', String(v)], ['end']]);
    }
  });
});
