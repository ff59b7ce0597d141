/**
 * Back-pressure on what one connection sends. A WebSocket takes every frame it is given (`send` never blocks) and
 * buffers it, so a peer that stops reading would let a busy client grow without bound. The socket's
 * `bufferedAmount` is the only signal, and a browser has no drain event: so frames go to the socket only while
 * that amount is at or below the high water mark; past it they wait here, in order, while a timer polls the
 * socket, and once it has drained to the low water mark they are handed over again. The two marks keep the
 * connection from flapping between waiting and sending at every frame.
 */

export const DEFAULT_HIGH_WATER_MARK = 4 * 1024 * 1024;
export const DEFAULT_LOW_WATER_MARK = 2 * 1024 * 1024;
/** How often a waiting outbox looks at the socket, in ms: short enough not to add latency a user would see. */
const POLL_INTERVAL = 10;

/**
 * The water marks of `connect`'s options, checked: `highWaterMark` a number of bytes ≥ 0 (`Infinity` turns the
 * waiting off), `lowWaterMark` from 0 to it. By default 4 MiB and 2 MiB; a high mark given alone brings the
 * default low mark down to half of it when that is less than 2 MiB, so that the pair stays ordered.
 */
export function waterMarks(highWaterMark = DEFAULT_HIGH_WATER_MARK, lowWaterMark = undefined) {
  if (typeof highWaterMark !== 'number' || Number.isNaN(highWaterMark) || highWaterMark < 0) {
    throw new RangeError(`highWaterMark: ${highWaterMark} (expected a number of bytes, 0 or more)`);
  }
  const low = lowWaterMark ?? Math.min(DEFAULT_LOW_WATER_MARK, Math.floor(highWaterMark / 2));
  if (typeof low !== 'number' || !Number.isFinite(low) || low < 0 || low > highWaterMark) {
    throw new RangeError(`lowWaterMark: ${low} (expected a number of bytes from 0 to highWaterMark,`
      + ` ${highWaterMark})`);
  }
  return { high: highWaterMark, low };
}

/**
 * The frames of one connection on their way to its socket (anything with `send(bytes)` and `bufferedAmount`).
 * Frames are never reordered: while any wait, new ones wait behind them.
 */
export class Outbox {
  #socket;
  #high;
  #low;
  #onError;
  #interval;
  /** The waiting frames are `#queue[#head…]`; the array is compacted now and then rather than shifted. */
  #queue = [];
  #head = 0;
  #queuedBytes = 0;
  #timer = null;
  #closed = false;

  /**
   * @param socket the WebSocket
   * @param marks from {@link waterMarks}
   * @param onError receives an error the socket threw while waiting frames were handed over (no caller is
   *   there to take it); the connection should close
   */
  constructor(socket, { high, low }, onError, interval = POLL_INTERVAL) {
    this.#socket = socket;
    this.#high = high;
    this.#low = low;
    this.#onError = onError;
    this.#interval = interval;
  }

  /** Hands `bytes` to the socket, or queues them while the socket holds more than the high water mark. */
  send(bytes) {
    if (this.#closed) {
      return;
    }
    if (this.#waiting === 0 && this.#socket.bufferedAmount <= this.#high) {
      this.#socket.send(bytes);
      return;
    }
    this.#queue.push(bytes);
    this.#queuedBytes += bytes.byteLength;
    if (this.#timer === null) {
      this.#timer = setInterval(() => this.#poll(), this.#interval);
    }
  }

  /** Bytes not yet on the wire: those waiting here and those the socket buffers. */
  get bufferedAmount() {
    return this.#queuedBytes + (this.#socket.bufferedAmount ?? 0);
  }

  /** Frames waiting here. */
  get #waiting() {
    return this.#queue.length - this.#head;
  }

  /** Drops the waiting frames (their calls fail with the connection) and stops polling. Idempotent. */
  close() {
    this.#closed = true;
    this.#queue = [];
    this.#head = 0;
    this.#queuedBytes = 0;
    this.#stopPolling();
  }

  #poll() {
    if (this.#closed || this.#socket.bufferedAmount > this.#low) {
      return;
    }
    try {
      while (this.#waiting > 0 && this.#socket.bufferedAmount <= this.#high) {
        const bytes = this.#queue[this.#head];
        this.#queue[this.#head++] = undefined;
        this.#queuedBytes -= bytes.byteLength;
        this.#socket.send(bytes);
      }
    } catch (e) {
      this.close();
      this.#onError(e);
      return;
    }
    if (this.#waiting === 0) {
      this.#queue = [];
      this.#head = 0;
      this.#stopPolling();
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #stopPolling() {
    if (this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }
}
