// Property-based fuzzing of pbj-client's decoders and unjellier with fast-check (issue 16, item 4): the same
// invariants as pb-fuzz's Jazzer targets on the Java side. Every failure is one of PBJ's typed errors
// (ProtocolError, LimitExceededError, InsecureJellyError); a decoder fed a byte at a time reports what it reports
// fed whole; what it decoded encodes and decodes back to the same tokens; an unjellied value jellies and unjellies
// back to an equal value. Inputs are random bytes, and encodings of random token trees with random bytes changed,
// so that both garbage and nearly valid messages reach the code. The seed is fixed: `mvn verify` runs the same
// cases each time; FC_SEED=<n> FC_RUNS=<n> explore others.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BananaDecoder, BananaEncoder, VOCABULARY } from '../../src/banana.js';
import { MsgpackDecoder, MsgpackEncoder } from '../../src/msgpack.js';
import { Jellier } from '../../src/jellier.js';
import { Unjellier } from '../../src/unjellier.js';
import { CopyRegistry } from '../../src/copies.js';
import { InsecureJellyError, ProtocolError } from '../../src/errors.js';
import { toHex } from '../support/tokens.js';

const RUNS = Number(process.env.FC_RUNS ?? 400);
const SEED = Number(process.env.FC_SEED ?? 16);
const params = { numRuns: RUNS, seed: SEED, endOnFailure: true };

class Point {
  static pbTypeName = 'pbj.demo.Point';

  constructor(x, y) {
    this.x = x;
    this.y = y;
  }

  getStateToCopy() {
    return { x: this.x, y: this.y };
  }
}

// The demo's point, built as pb-cli's record is: from a state of exactly two integers, anything else refused.
const registry = new CopyRegistry().registerCopy('pbj.demo.Point', {
  fromState(s) {
    const x = s instanceof Map ? s.get('x') : s?.x;
    const y = s instanceof Map ? s.get('y') : s?.y;
    if (!Number.isSafeInteger(x) || !Number.isSafeInteger(y)) {
      throw new ProtocolError('pbj.demo.Point needs the state {x, y} of two integers');
    }
    return new Point(x, y);
  },
});

/** Records tokens as comparable entries (floats by bit pattern, bytes as hex) and checks list counts. */
class Recorder {
  constructor() {
    this.tokens = [];
    this.remaining = [];
  }

  #element() {
    const n = this.remaining.length;
    if (n > 0) {
      if (this.remaining[n - 1] === 0) throw new assert.AssertionError({ message: 'a list got more elements than announced' });
      this.remaining[n - 1]--;
    }
  }

  beginList(n) {
    this.#element();
    this.tokens.push(['list', n]);
    this.remaining.push(n);
  }

  endList() {
    if (this.remaining.pop() !== 0) throw new assert.AssertionError({ message: 'endList before the announced elements' });
    this.tokens.push(['end']);
  }

  integer(v) {
    this.#element();
    this.tokens.push(['int', String(v)]);
  }

  float(v) {
    this.#element();
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, v);
    // every NaN is one value on the wire's round trip
    this.tokens.push(['float', Number.isNaN(v) ? 'nan' : view.getBigUint64(0).toString(16)]);
  }

  bytes(b) {
    this.#element();
    this.tokens.push(['bytes', toHex(b, '')]);
  }

  text(s) {
    this.#element();
    this.tokens.push(['text', s]);
  }

  symbol(w) {
    this.#element();
    this.tokens.push(['symbol', w]);
  }
}

/** The prefix of `tokens` made of whole top-level values, split into one array per value. */
function wholeValues(tokens) {
  const values = [];
  let depth = 0;
  let start = 0;
  tokens.forEach((t, i) => {
    if (t[0] === 'list') depth++;
    if (t[0] === 'end') depth--;
    if (depth === 0) {
      values.push(tokens.slice(start, i + 1));
      start = i + 1;
    }
  });
  return values;
}

function replay(tokens, sink) {
  for (const [kind, v] of tokens) {
    switch (kind) {
      case 'list': sink.beginList(v); break;
      case 'end': sink.endList(); break;
      case 'int': {
        const big = BigInt(v);
        sink.integer(big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big);
        break;
      }
      case 'float': {
        const view = new DataView(new ArrayBuffer(8));
        view.setBigUint64(0, v === 'nan' ? 0x7ff8000000000000n : BigInt(`0x${v}`));
        sink.float(view.getFloat64(0));
        break;
      }
      case 'bytes': sink.bytes(Uint8Array.from(v.match(/../g) ?? [], (h) => parseInt(h, 16))); break;
      case 'text': sink.text(v); break;
      default: sink.symbol(v);
    }
  }
}

/** Fails unless `error` is one of `types` (PBJ's typed errors); returns it. */
function requireTyped(error, ...types) {
  if (!types.some((type) => error instanceof type)) {
    throw new assert.AssertionError({ message: `untyped failure: ${error?.stack ?? error}` });
  }
  return error;
}

function decode(makeDecoder, bytes, chunk) {
  const sink = new Recorder();
  const decoder = makeDecoder(sink);
  let failure = null;
  try {
    for (let at = 0; at < bytes.length; at += chunk) decoder.feed(bytes.subarray(at, at + chunk));
  } catch (e) {
    failure = requireTyped(e, ProtocolError);
  }
  return { tokens: sink.tokens, failure };
}

// ---- arbitraries

const WORDS = [...VOCABULARY.filter(Boolean), 'set', 'frozenset', 'unicode', 'boolean', 'decimal', 'pbj.demo.Point'];

const atom = (text) => fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map((n) => [['int', String(n)]]),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => [['int', String(n)]]),
  fc.double().map((d) => { const r = new Recorder(); r.float(d); return r.tokens; }),
  fc.uint8Array({ maxLength: 12 }).map((b) => [['bytes', toHex(b, '')]]),
  fc.constantFrom(...WORDS).map((w) => [['symbol', w]]),
  ...(text ? [fc.string({ maxLength: 8 }).map((s) => [['text', s]])] : []),
);

/** A token tree: atoms and lists nested a few levels, often led by a Jelly tag. */
const tree = (text) => fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, atom(text), tie('list')),
  list: fc.tuple(fc.option(fc.constantFrom(...WORDS), { freq: 3 }), fc.array(tie('node'), { maxLength: 4 }))
    .map(([tag, items]) => {
      const elements = tag === null ? items : [[['symbol', tag]], ...items];
      return [['list', elements.length], ...elements.flat(), ['end']];
    }),
})).list;

/** Bytes: random ones, or a random tree's encoding with a few bytes changed, cut or not. */
function inputs(encoder, text) {
  const encoded = fc.array(tree(text), { minLength: 1, maxLength: 3 }).map((values) => {
    const parts = values.map((tokens) => {
      const e = encoder();
      replay(tokens, e);
      return e.takeMessage();
    });
    return Uint8Array.from(parts.flatMap((p) => [...p]));
  });
  const edited = fc.tuple(encoded, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
    fc.option(fc.nat())).map(([bytes, edits, cut]) => {
    const out = Uint8Array.from(bytes);
    for (const [at, value] of edits) if (out.length > 0) out[at % out.length] = value;
    return cut === null || out.length === 0 ? out : out.subarray(0, cut % (out.length + 1));
  });
  return fc.oneof(fc.uint8Array({ maxLength: 64 }), encoded, edited);
}

const banana = {
  name: 'banana',
  encoder: () => new BananaEncoder(),
  decoder: (sink) => new BananaDecoder({ sink }),
  // banana writes a byte string that spells a vocabulary word as the word, and reads a word back as the word
  canonical: (tokens) => tokens.map((t) => (t[0] === 'symbol' ? ['bytes', toHex(new TextEncoder().encode(t[1]), '')] : t)),
  text: false,
};
const msgpack = {
  name: 'msgpack',
  encoder: () => new MsgpackEncoder(),
  decoder: (sink) => new MsgpackDecoder({ sink }),
  canonical: (tokens) => tokens,
  text: true,
};

for (const codec of [banana, msgpack]) {
  describe(`${codec.name} decoder under fast-check`, () => {
    test('fails only with ProtocolError, the same whole and a byte at a time, and what it decodes round-trips', () => {
      fc.assert(fc.property(inputs(codec.encoder, codec.text), (bytes) => {
        const whole = decode(codec.decoder, bytes, bytes.length || 1);
        const trickled = decode(codec.decoder, bytes, 1);
        assert.deepEqual(trickled.tokens, whole.tokens);
        assert.equal(trickled.failure === null, whole.failure === null);
        const values = wholeValues(whole.tokens);
        const encoder = codec.encoder();
        const parts = values.map((tokens) => {
          replay(tokens, encoder);
          return encoder.takeMessage();
        });
        const again = decode(codec.decoder, Uint8Array.from(parts.flatMap((p) => [...p])), Infinity);
        assert.equal(again.failure, null);
        assert.deepEqual(codec.canonical(again.tokens), codec.canonical(values.flat()));
      }), params);
    });
  });
}

describe('unjellier under fast-check', () => {
  test('fails only with ProtocolError or InsecureJellyError, and what it builds jellies back to an equal value', () => {
    fc.assert(fc.property(tree(true), (tokens) => {
      const unjellier = new Unjellier({ registry });
      let value;
      try {
        replay(tokens, unjellier);
        value = unjellier.takeResult();
      } catch (e) {
        requireTyped(e, ProtocolError, InsecureJellyError);
        return;
      }
      const sink = new Recorder();
      new Jellier({ registry }).write(sink, value);
      const back = new Unjellier({ registry });
      replay(sink.tokens, back);
      assert.deepStrictEqual(back.takeResult(), value);
    }), params);
  });
});

describe('inputs fast-check found, kept as regressions', () => {
  const unjelly = (tokens) => {
    const unjellier = new Unjellier({ registry });
    replay(tokens, unjellier);
    return unjellier.takeResult();
  };

  test('a decimal of floats is a ProtocolError (was a TypeError from Decimal)', () => {
    const float = (d) => { const r = new Recorder(); r.float(d); return r.tokens[0]; };
    assert.throws(() => unjelly([['list', 3], ['symbol', 'decimal'], float(1.5), float(2.5), ['end']]), ProtocolError);
    assert.throws(() => unjelly([['list', 3], ['symbol', 'decimal'], ['int', '1'], ['int', String(2n ** 60n)], ['end']]),
      ProtocolError);
  });
});
