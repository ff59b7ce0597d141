/**
 * The serializers a connection can speak, by the names the WebSocket subprotocol carries: `banana` (Twisted's
 * format with the `pb` vocabulary, one expression per frame) and `msgpack` (one length-prefixed frame per
 * message).
 */
import { BananaDecoder, BananaEncoder } from './banana.js';
import { MsgpackDecoder, MsgpackEncoder } from './msgpack.js';

export const SERIALIZERS = Object.freeze({
  banana: Object.freeze({
    name: 'banana',
    createEncoder: (limits) => new BananaEncoder({ dialect: 'pb', limits }),
    createDecoder: (limits, sink) => new BananaDecoder({ dialect: 'pb', limits, sink }),
  }),
  msgpack: Object.freeze({
    name: 'msgpack',
    createEncoder: (limits) => new MsgpackEncoder({ limits }),
    createDecoder: (limits, sink) => new MsgpackDecoder({ limits, sink }),
  }),
});

/** The serializer named `name`; an unknown name throws, listing the known ones. */
export function serializerNamed(name) {
  if (!Object.hasOwn(SERIALIZERS, name)) {
    throw new TypeError(`unknown serializer '${name}' (known: ${Object.keys(SERIALIZERS).join(', ')})`);
  }
  return SERIALIZERS[name];
}
