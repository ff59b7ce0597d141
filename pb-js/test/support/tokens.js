// The token notation of testdata/*/README.md, and the golden vector files read from the repository.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../testdata/', import.meta.url));

/** The parsed JSON of testdata/<path>, read in place (never copied into pb-js). */
export function testdata(path) {
  return JSON.parse(readFileSync(root + path, 'utf8'));
}

/** Whether testdata/<path> exists. */
export function hasTestdata(path) {
  try {
    readFileSync(root + path);
    return true;
  } catch {
    return false;
  }
}

export function fromHex(hex) {
  const clean = hex.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(clean.substr(2 * i, 2), 16);
  }
  return out;
}

export function toHex(bytes, separator = ' ') {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(separator);
}

/** Python's repr of a double, as the vectors spell floats. */
export function floatRepr(value) {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (Object.is(value, -0)) return '-0.0';
  const s = String(value);
  if (/^-?\d+$/.test(s)) return `${s}.0`;
  return s.replace(/e([+-])(\d)$/, 'e$10$2').replace(/e\+0(\d)$/, 'e+0$1');
}

export function parseFloatToken(s) {
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  if (s === 'nan') return NaN;
  return Number(s);
}

/** A sink that records what it receives, in the notation. */
export class TokenRecorder {
  constructor() {
    this.tokens = [];
  }

  beginList(n) {
    this.tokens.push(['list', n]);
  }

  endList() {
    this.tokens.push(['end']);
  }

  integer(v) {
    if (typeof v === 'number' && !Number.isSafeInteger(v)) {
      throw new Error(`integer token not a safe integer: ${v}`);
    }
    if (typeof v === 'number' && Object.is(v, -0)) {
      throw new Error('integer token -0');
    }
    this.tokens.push(['int', String(v)]);
  }

  float(v) {
    this.tokens.push(['float', v]);
  }

  bytes(b) {
    this.tokens.push(['bytes', toHex(b, '')]);
  }

  text(s) {
    this.tokens.push(['text', s]);
  }

  symbol(w) {
    this.tokens.push(['symbol', w]);
  }
}

/** Compares recorded tokens with the notation: floats by bit pattern. */
export function sameTokens(actual, expected) {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (a[0] !== e[0]) return false;
    if (a[0] === 'float') {
      if (!Object.is(a[1], parseFloatToken(e[1]))) return false;
    } else if (a[0] === 'list') {
      if (a[1] !== e[1]) return false;
    } else if (a.length > 1 && a[1] !== e[1]) {
      return false;
    }
  }
  return true;
}

/** Pushes notation tokens into a sink. */
export function play(tokens, sink) {
  for (const t of tokens) {
    switch (t[0]) {
      case 'list': sink.beginList(t[1]); break;
      case 'end': sink.endList(); break;
      case 'int': {
        const big = BigInt(t[1]);
        const safe = big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER);
        sink.integer(safe ? Number(big) : big);
        break;
      }
      case 'float': sink.float(parseFloatToken(t[1])); break;
      case 'bytes': sink.bytes(fromHex(t[1])); break;
      case 'text': sink.text(t[1]); break;
      case 'symbol': sink.symbol(t[1]); break;
      default: throw new Error(`unknown token ${JSON.stringify(t)}`);
    }
  }
}

/** Feeds `bytes` whole, one byte at a time, and split at every offset; returns each way's recorder. */
export function feedEveryWay(makeDecoder, bytes) {
  const ways = [];
  const whole = new TokenRecorder();
  makeDecoder(whole).feed(bytes);
  ways.push(['whole', whole]);
  const trickle = new TokenRecorder();
  const d = makeDecoder(trickle);
  for (let i = 0; i < bytes.length; i++) d.feed(bytes.subarray(i, i + 1));
  ways.push(['byte at a time', trickle]);
  for (let cut = 1; cut < bytes.length && bytes.length <= 512; cut++) {
    const split = new TokenRecorder();
    const s = makeDecoder(split);
    s.feed(bytes.slice(0, cut));
    s.feed(bytes.slice(cut));
    ways.push([`split at ${cut}`, split]);
  }
  return ways;
}
