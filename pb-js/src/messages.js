/**
 * Reads top-level PB messages from the token stream: the command word, then each field as one Jelly value with
 * its own reference scope, built by the {@link Unjellier} as the tokens arrive. A field that fails to decode (a
 * copy of an unregistered type, malformed Jelly) is skipped to its end and recorded on the message, so one bad
 * argument costs one call, not the connection. Structural faults (a message that is not a list, an unknown
 * command, a wrong field count) throw {@link ProtocolError}.
 */
import { ProtocolError } from './errors.js';

/** PB's commands and the number of fields after the command word. */
export const MESSAGE_FIELDS = Object.freeze({
  version: 1,
  message: 6,
  cachemessage: 6,
  answer: 2,
  error: 2,
  decref: 1,
  decache: 1,
  uncache: 1,
  didNotUnderstand: 1,
});

/**
 * PBJ's extensions (docs/extensions.md) and their field counts: known only on a connection that negotiated
 * them (a subprotocol ending in `+pbj`); anywhere else they are unknown commands, as they are to Twisted.
 */
export const EXTENSION_FIELDS = Object.freeze({
  deadline: 2,
  cancel: 1,
  ping: 1,
  pong: 1,
});

const WITH_EXTENSIONS = Object.freeze({ ...MESSAGE_FIELDS, ...EXTENSION_FIELDS });

const utf8 = new TextDecoder();

export class MessageReader {
  /**
   * @param unjellier builds each field
   * @param onMessage receives `{ kind, fields, fieldError }` for each complete message
   * @param extensions whether PBJ's extension messages are known (the connection negotiated them)
   */
  constructor(unjellier, onMessage, extensions = false) {
    this.unjellier = unjellier;
    this.onMessage = onMessage;
    this.kinds = extensions ? WITH_EXTENSIONS : MESSAGE_FIELDS;
    this.depth = 0;
    this.expected = 0;
    this.index = 0;
    this.message = null;
    this.skipping = false;
  }

  beginList(length) {
    if (this.depth === 0) {
      if (length === 0) {
        throw new ProtocolError('empty message received');
      }
      this.expected = length;
      this.index = 0;
      this.message = null;
      this.depth = 1;
      return;
    }
    if (this.depth === 1) {
      this.#startField();
    }
    this.depth++;
    this.#forward((u) => u.beginList(length));
  }

  endList() {
    this.depth--;
    if (this.depth === 0) {
      const done = this.message;
      this.message = null;
      if (done === null) {
        throw new ProtocolError('a PB message must start with its command name');
      }
      this.onMessage(done);
      return;
    }
    this.#forward((u) => u.endList());
    if (this.depth === 1) {
      this.#finishField();
    }
  }

  integer(value) {
    this.#atom((u) => u.integer(value));
  }

  float(value) {
    this.#atom((u) => u.float(value));
  }

  bytes(b) {
    if (this.depth === 1 && this.index === 0) {
      this.#command(utf8.decode(b));
      return;
    }
    this.#atom((u) => u.bytes(b));
  }

  text(value) {
    if (this.depth === 1 && this.index === 0) {
      this.#command(value);
      return;
    }
    this.#atom((u) => u.text(value));
  }

  symbol(word) {
    if (this.depth === 1 && this.index === 0) {
      this.#command(word);
      return;
    }
    this.#atom((u) => u.symbol(word));
  }

  /** Whether a message has begun and not ended. */
  inMessage() {
    return this.depth > 0;
  }

  #atom(push) {
    if (this.depth === 0) {
      throw new ProtocolError('Non-list expression received: every PB message is a list');
    }
    if (this.depth === 1) {
      if (this.index === 0) {
        throw new ProtocolError('a PB message must start with its command name');
      }
      this.#startField();
    }
    this.#forward(push);
    if (this.depth === 1) {
      this.#finishField();
    }
  }

  #forward(push) {
    if (this.skipping) {
      return;
    }
    try {
      push(this.unjellier);
    } catch (e) {
      this.message.fieldError ??= e;
      this.unjellier.reset();
      this.skipping = true;
    }
  }

  #command(word) {
    const fields = Object.hasOwn(this.kinds, word) ? this.kinds[word] : undefined;
    if (fields === undefined) {
      throw new ProtocolError(`unknown message kind '${word}'`);
    }
    if (this.expected - 1 !== fields) {
      throw new ProtocolError(`'${word}' message with ${this.expected - 1} fields (expected ${fields})`);
    }
    this.message = { kind: word, fields: new Array(fields), fieldError: null };
    this.index = 1;
  }

  #startField() {
    if (this.message === null) {
      throw new ProtocolError('a PB message must start with its command name');
    }
    this.unjellier.reset();
    this.skipping = false;
  }

  #finishField() {
    if (!this.skipping) {
      this.message.fields[this.index - 1] = this.unjellier.takeResult();
    }
    this.skipping = false;
    this.index++;
  }
}
