import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { BananaDecoder, BananaEncoder } from '../../src/banana.js';
import { MsgpackDecoder, MsgpackEncoder } from '../../src/msgpack.js';
import { Jellier } from '../../src/jellier.js';
import { Unjellier } from '../../src/unjellier.js';
import { CopiedValue, CopyRegistry } from '../../src/copies.js';
import { InsecureJellyError, LimitExceededError, ProtocolError } from '../../src/errors.js';
import { Decimal, FrozenSet, TimeValue, Tuple, tuple, Unpersistable } from '../../src/values.js';
import { fromHex, testdata, toHex } from '../support/tokens.js';

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

const registry = new CopyRegistry().registerCopy('pbj.demo.Point', { fromState: (s) => new Point(s.x, s.y) });

const codecs = {
  banana: {
    encoder: () => new BananaEncoder(),
    decoder: (sink) => new BananaDecoder({ sink }),
  },
  msgpack: {
    encoder: () => new MsgpackEncoder(),
    decoder: (sink) => new MsgpackDecoder({ sink }),
  },
};

/** Jellies `value` inside a one-element list (msgpack frames hold a list) and reads it back. */
function roundTrip(value, codec = 'banana', reg = registry) {
  const encoder = codecs[codec].encoder();
  encoder.beginList(1);
  new Jellier({ registry: reg }).write(encoder, value);
  encoder.endList();
  const unjellier = new Unjellier({ registry: reg });
  let result;
  let depth = 0;
  // unwrap the outer list: forward everything inside it
  const sink = {
    beginList(n) { if (depth++ > 0) unjellier.beginList(n); },
    endList() { if (--depth > 0) unjellier.endList(); else result = unjellier.takeResult(); },
    integer: (v) => unjellier.integer(v),
    float: (v) => unjellier.float(v),
    bytes: (b) => unjellier.bytes(b),
    text: (s) => unjellier.text(s),
    symbol: (w) => unjellier.symbol(w),
  };
  codecs[codec].decoder(sink).feed(encoder.takeMessage());
  return result;
}

function jellyHex(value) {
  const encoder = new BananaEncoder();
  new Jellier({ registry }).write(encoder, value);
  return toHex(encoder.takeMessage());
}

function unjellyHex(hex, reg = registry) {
  const unjellier = new Unjellier({ registry: reg });
  new BananaDecoder({ sink: unjellier }).feed(fromHex(hex));
  return unjellier.takeResult();
}

const banana = new Map(testdata('banana/vectors.json').map((c) => [c.name, c.hex]));

describe('jelly against the golden vectors', () => {
  const cases = [
    ['jelly None', null],
    ['jelly True', true],
    ['jelly False', false],
    ["jelly 'hi'", 'hi'],
    ["jelly 'é'", 'é'],
    ["jelly b'hi'", new TextEncoder().encode('hi')],
    ["jelly b'copy'", new TextEncoder().encode('copy')],
    ['jelly 1.5', 1.5],
    ['jelly -7', -7],
    ['jelly 2**40', 2 ** 40],
    ['jelly [1, 2]', [1, 2]],
    ['jelly (1, 2)', tuple(1, 2)],
    ['jelly ()', tuple()],
    ["jelly {'a': 1}", { a: 1 }],
    ['jelly {1}', new Set([1])],
    ['jelly frozenset([2])', new FrozenSet([2])],
    ["jelly Decimal('9.95')", new Decimal(995n, -2)],
    ["jelly Decimal('-78.901')", new Decimal(-78901, -3)],
    ['jelly datetime(2020,7,11,1,16,5,344)', new TimeValue('datetime', [2020, 7, 11, 1, 16, 5, 344])],
    ['jelly date(2020,7,11)', new TimeValue('date', [2020, 7, 11])],
    ['jelly time(1,16,5,344)', new TimeValue('time', [1, 16, 5, 344])],
    ['jelly timedelta(8,4565,344)', new TimeValue('timedelta', [8, 4565, 344])],
  ];
  for (const [name, value] of cases) {
    test(`${name} is written as Twisted writes it and read back`, () => {
      assert.equal(jellyHex(value), banana.get(name));
      assert.deepEqual(unjellyHex(banana.get(name)), value);
    });
  }

  test('y=[]; y.append(y) is written as Twisted writes it and read back as a cycle', () => {
    const y = [];
    y.push(y);
    assert.equal(jellyHex(y), banana.get('jelly y=[]; y.append(y)'));
    const back = unjellyHex(banana.get('jelly y=[]; y.append(y)'));
    assert.equal(back.length, 1);
    assert.equal(back[0], back);
  });

  test('[x, x] is written as Twisted writes it and read back shared', () => {
    const x = [1];
    assert.equal(jellyHex([x, x]), banana.get('jelly [x, x]'));
    const back = unjellyHex(banana.get('jelly [x, x]'));
    assert.deepEqual(back, [[1], [1]]);
    assert.equal(back[0], back[1]);
  });

  test("Twisted's numbering in discovery order is read: [a, b, b, a]", () => {
    // (list (reference 2 (list 1)) (reference 1 (list 2)) (dereference 1) (dereference 2))
    const enc = new BananaEncoder();
    const s = (w) => enc.symbol(w);
    enc.beginList(5); s('list');
    enc.beginList(3); s('reference'); enc.integer(2); enc.beginList(2); s('list'); enc.integer(1);
    enc.beginList(3); s('reference'); enc.integer(1); enc.beginList(2); s('list'); enc.integer(2);
    enc.beginList(2); s('dereference'); enc.integer(1);
    enc.beginList(2); s('dereference'); enc.integer(2);
    const back = unjellyHex(toHex(enc.takeMessage()));
    assert.deepEqual(back, [[1], [2], [2], [1]]);
    assert.equal(back[0], back[3]);
    assert.equal(back[1], back[2]);
  });
});

describe('jelly round trips', () => {
  for (const codec of ['banana', 'msgpack']) {
    test(`every value type survives ${codec}`, () => {
      const values = [
        null, true, false, 0, 1, -1, 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER,
        2n ** 64n, -(2n ** 100n), 2n ** 447n, 1.5, -0.25, 1e300, Infinity, -Infinity, '', 'hi', 'é 😀 日本', 'copy',
        'unicode', new Uint8Array([0, 1, 255]), new Uint8Array(0), [], [1, 'a', [2]], tuple(), tuple(1, tuple(2)),
        {}, { a: 1, b: [true, null] }, { copy: 'tuple', __proto__x: 1 }, new Map([[1, 'one'], [tuple(1, 2), 'pair']]),
        new Set([1, 'a']), new FrozenSet(['x']), new Decimal(-5n, 3), new TimeValue('date', [2024, 2, 29]),
        new Unpersistable('nope'),
      ];
      for (const value of values) {
        const back = roundTrip(value, codec);
        assert.deepEqual(back, value, `${codec}: ${String(value)}`);
      }
    });

    test(`numbers keep their kind over ${codec}: safe integers are ints, other numbers floats`, () => {
      assert.equal(roundTrip(3, codec), 3);
      assert.ok(Object.is(roundTrip(-0, codec), -0), '-0 travels as the float -0.0');
      assert.ok(Number.isNaN(roundTrip(NaN, codec)));
      assert.equal(roundTrip(2 ** 53, codec), 2 ** 53, 'an unsafe integral number travels as a float');
      assert.equal(roundTrip(2n ** 53n, codec), 2n ** 53n, 'a bigint beyond 2^53 stays a bigint');
      assert.equal(roundTrip(5n, codec), 5, 'a received safe integer is a number');
      assert.equal(roundTrip(undefined, codec), null);
    });

    test(`shared and cyclic containers keep their shape over ${codec}`, () => {
      const shared = { n: 1 };
      const list = [shared, shared, tuple(shared)];
      const back = roundTrip(list, codec);
      assert.equal(back[0], back[1]);
      assert.equal(back[2][0], back[0]);

      const d = { name: 'self' };
      d.self = d;
      const dBack = roundTrip(d, codec);
      assert.equal(dBack.self, dBack);

      const m = new Map([[1, 'one']]);
      m.set(2, m);
      m.set(3, [m]);
      const mBack = roundTrip(m, codec);
      assert.ok(mBack instanceof Map);
      assert.equal(mBack.get(2), mBack, 'a cyclic dictionary with int keys is a Map pointing to itself');
      assert.equal(mBack.get(3)[0], mBack);

      const s = new Set();
      const holder = [s];
      s.add(tuple(holder));
      const sBack = roundTrip(holder, codec);
      assert.equal([...sBack[0]][0][0], sBack);

      const p = new Point(1, 2);
      const pBack = roundTrip([p, p], codec);
      assert.ok(pBack[0] instanceof Point);
      assert.equal(pBack[0], pBack[1], 'a copy sent twice in one value arrives once');
    });
  }

  test('received dictionaries are plain objects when every key is text, else Maps', () => {
    assert.deepEqual(roundTrip(new Map([['a', 1]])), { a: 1 });
    const mixed = roundTrip(new Map([['a', 1], [new Uint8Array([98]), 2]]));
    assert.ok(mixed instanceof Map);
    const danger = roundTrip(new Map([['__proto__', 1]]));
    assert.equal(Object.getPrototypeOf(danger), Object.prototype, '__proto__ is an ordinary key');
    assert.equal(Object.getOwnPropertyDescriptor(danger, '__proto__').value, 1);
  });

  test('tuples are Tuples and lists are Arrays', () => {
    const back = roundTrip([tuple(1), [1]]);
    assert.ok(back[0] instanceof Tuple);
    assert.ok(!(back[1] instanceof Tuple));
  });
});

describe('jelly copies and security', () => {
  test('a copy of a registered type is built by its factory', () => {
    const back = roundTrip(new Point(3, 4));
    assert.ok(back instanceof Point);
    assert.deepEqual([back.x, back.y], [3, 4]);
  });

  test('a class registered with registerCopy is sent and built without its constructor', () => {
    let constructed = 0;
    class Tag {
      constructor() {
        constructed++;
        this.label = 'made';
      }
    }
    const reg = new CopyRegistry().registerCopy('example.Tag', Tag);
    const tag = new Tag();
    tag.label = 'sent';
    const back = roundTrip(tag, 'banana', reg);
    assert.ok(back instanceof Tag);
    assert.equal(back.label, 'sent');
    assert.equal(constructed, 1);
  });

  test('a copy of an unregistered type is refused with InsecureJellyError naming it', () => {
    assert.throws(() => roundTrip(new Point(1, 2), 'banana', new CopyRegistry()),
      (e) => e instanceof InsecureJellyError && e.typeName === 'pbj.demo.Point' && /pbj\.demo\.Point/.test(e.message));
  });

  test("tags PB never builds (class, module, instance) are refused as types", () => {
    const hex = '02 80 05 82 63 6c 61 73 73 0d 82 62 75 69 6c 74 69 6e 73 2e 64 69 63 74'; // (class "builtins.dict")
    assert.throws(() => unjellyHex(hex), InsecureJellyError);
  });

  test('the failure record is understood by every registry', () => {
    const back = roundTrip(new CopiedValue('twisted.spread.pb.CopyableFailure', { type: 'x' }), 'banana',
      new CopyRegistry());
    assert.ok(back instanceof CopiedValue);
  });

  test('malformed Jelly is a ProtocolError', () => {
    assert.throws(() => unjellyHex('01 80 01 81'), ProtocolError, 'a list without a tag');
    assert.throws(() => unjellyHex('00 80'), ProtocolError, 'an empty list');
    assert.throws(() => unjellyHex('02 80 03 87 05 81'), ProtocolError, 'a dangling dereference');
    assert.throws(() => unjellyHex('02 80 07 82 62 6f 6f 6c 65 61 6e 01 81'), ProtocolError, '(boolean 1)');
    assert.throws(() => unjellyHex('02 80 10 87 01 81'), ProtocolError, '(remote 1) without a connection');
  });

  test('values nested beyond maxDepth are refused before anything is written', () => {
    let deep = [];
    for (let i = 0; i < 20; i++) deep = [deep];
    const encoder = new BananaEncoder();
    assert.throws(() => new Jellier({ registry, maxDepth: 10 }).write(encoder, deep), LimitExceededError);
  });

  test('values that are not Jelly values are refused', () => {
    const encoder = new BananaEncoder();
    assert.throws(() => new Jellier({ registry }).write(encoder, () => 1), TypeError);
    assert.throws(() => new Jellier({ registry }).write(encoder, new Date()), /cannot send a Date/);
    assert.throws(() => new Jellier({ registry }).write(encoder, Symbol('s')), TypeError);
  });
});
