// A WebSocket for `connect(url, { WebSocket })` with no network: it opens on the next turn, takes the first
// subprotocol offered, and carries frames to and from a JS server broker in memory. Its `bufferedAmount` is a
// plain property the test sets: the socket never changes it, so a test decides when the socket is "full".
import { Broker } from '../../src/broker.js';
import { makeLimits } from '../../src/limits.js';
import { SERIALIZERS } from '../../src/serializers.js';
import { demoServerCopies } from './demo.js';

/**
 * A WebSocket class whose sockets talk to a server broker serving `root`. Returns `{ WebSocket, sockets }`;
 * each socket has `sent` (the frames handed to `send`, in order), `server` (the broker at the other end),
 * `bufferedAmount` (set it) and `drop()` (the network goes away: the socket closes with 1006).
 */
export function fakeWebSocket(root) {
  const sockets = [];

  class FakeWebSocket {
    constructor(url, protocols) {
      this.url = url;
      this.protocol = '';
      this.readyState = 0;
      this.binaryType = 'blob';
      this.bufferedAmount = 0;
      this.sent = [];
      this.closeCalls = [];
      this.onopen = null;
      this.onmessage = null;
      this.onclose = null;
      this.onerror = null;
      sockets.push(this);
      const serializer = SERIALIZERS[protocols[0]];
      this.server = new Broker({
        link: {
          send: (bytes) => setImmediate(() => {
            if (this.readyState === 1) this.onmessage({ data: bytes.buffer.slice(0) });
          }),
          close: () => this.drop(),
        },
        serializer, registry: demoServerCopies(), limits: makeLimits(), root,
      });
      setImmediate(() => {
        this.protocol = protocols[0];
        this.readyState = 1;
        this.onopen();
        this.server.sendVersion();
      });
    }

    send(bytes) {
      if (this.readyState !== 1) throw new Error(`send in readyState ${this.readyState}`);
      this.sent.push(bytes);
      setImmediate(() => {
        if (this.readyState === 1) this.server.receiveFrame(bytes);
      });
    }

    close(code, reason) {
      this.closeCalls.push([code, reason]);
      this.#closed(code ?? 1005, reason ?? '');
    }

    drop() {
      this.#closed(1006, '');
    }

    #closed(code, reason) {
      if (this.readyState === 3) return;
      this.readyState = 3;
      this.server.connectionLost(new Error('the fake socket closed'));
      setImmediate(() => this.onclose({ code, reason }));
    }
  }

  return { WebSocket: FakeWebSocket, sockets };
}
