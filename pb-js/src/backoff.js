/**
 * How long a reconnecting connection waits before each attempt: exponential backoff with jitter and a cap, as
 * gRPC's connection backoff (and its defaults). Pure: the random source is a parameter, so tests pick the jitter.
 */
import { MAX_TIMEOUT } from './deadlines.js';

/** The defaults of {@link makeBackoff}'s options: gRPC's (1 s, ×1.6, ±20 %, at most 120 s), as PBJ's Java client. */
export const DEFAULT_BACKOFF = Object.freeze({
  initialDelay: 1000,
  maxDelay: 120000,
  multiplier: 1.6,
  jitter: 0.2,
  maxAttempts: Infinity,
});

function describe(value) {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

function checkNumber(name, value, low, high, expected) {
  if (typeof value !== 'number') {
    throw new TypeError(`${name}: expected a number (${expected}), got ${typeof value} ${describe(value)}`);
  }
  if (!(value >= low && value <= high)) {
    throw new RangeError(`${name}: ${describe(value)} (expected ${expected})`);
  }
  return value;
}

/**
 * The backoff of the options `initialDelay` (ms before the first retry, above 0, at most 2^31 − 1), `maxDelay` (ms, the cap:
 * no wait is longer; at least initialDelay), `multiplier` (each wait's growth, 1 or more), `jitter` (the fraction,
 * 0 to 1, by which each wait is randomly made longer or shorter), `maxAttempts` (attempts in a row before giving up:
 * an integer, 1 or more, or Infinity) and `random` (a function returning a number in [0, 1), default
 * `Math.random`). Each is checked: a TypeError or RangeError names the option.
 */
export function makeBackoff(options = {}) {
  const {
    initialDelay = DEFAULT_BACKOFF.initialDelay, maxDelay = Math.max(DEFAULT_BACKOFF.maxDelay, initialDelay),
    multiplier = DEFAULT_BACKOFF.multiplier, jitter = DEFAULT_BACKOFF.jitter,
    maxAttempts = DEFAULT_BACKOFF.maxAttempts, random = Math.random,
  } = options;
  // 0 is refused: a wait that never grows past 0 would retry in a tight loop
  checkNumber('initialDelay', initialDelay, Number.MIN_VALUE, MAX_TIMEOUT,
    `milliseconds above 0, at most ${MAX_TIMEOUT}`);
  checkNumber('maxDelay', maxDelay, Number.MIN_VALUE, MAX_TIMEOUT, `milliseconds above 0, at most ${MAX_TIMEOUT}`);
  if (maxDelay < initialDelay) {
    throw new RangeError(`maxDelay: ${maxDelay} is below initialDelay (${initialDelay}): the cap must be at least`
      + ' the first wait');
  }
  checkNumber('multiplier', multiplier, 1, Number.MAX_VALUE, 'a finite number, 1 or more');
  checkNumber('jitter', jitter, 0, 1, 'a fraction from 0 to 1');
  checkNumber('maxAttempts', maxAttempts, 1, Infinity, 'an integer, 1 or more, or Infinity');
  if (maxAttempts !== Infinity && !Number.isInteger(maxAttempts)) {
    throw new RangeError(`maxAttempts: ${maxAttempts} (expected an integer, 1 or more, or Infinity)`);
  }
  if (typeof random !== 'function') {
    throw new TypeError(`random: expected a function returning a number in [0, 1), got ${typeof random}`);
  }
  return Object.freeze({
    initialDelay, maxDelay, multiplier, jitter, maxAttempts,

    /**
     * The n-th wait (whole ms, n ≥ 1) of an outage: initialDelay × multiplier^(n−1), capped at maxDelay, then moved
     * by up to ±jitter of itself, and capped again. A random value outside [0, 1] is clamped.
     */
    delay(n) {
      const base = Math.min(maxDelay, initialDelay * multiplier ** (n - 1));
      const r = random();
      const unit = typeof r === 'number' && Number.isFinite(r) ? Math.min(1, Math.max(0, r)) : 0.5;
      return Math.round(Math.min(maxDelay, Math.max(0, base * (1 + jitter * (2 * unit - 1)))));
    },
  });
}
