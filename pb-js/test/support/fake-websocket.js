// A WebSocket for `connect(url, { WebSocket })` with no network: it opens on the next turn, takes the first
// subprotocol offered that its server speaks, and carries frames to and from a JS server broker in memory. Its
// `bufferedAmount` is a plain property the test sets: the socket never changes it, so a test decides when the
// socket is "full".
import { Broker } from '../../src/broker.js';
import { makeLimits } from '../../src/limits.js';
import { SERIALIZERS } from '../../src/serializers.js';
import { demoServerCopies } from './demo.js';

/**
 * A WebSocket class whose sockets talk to a server broker serving `root`. Returns `{ WebSocket, sockets }`;
 * each socket has `sent` (the frames handed to `send`, in order), `server` (the broker at the other end),
 * `bufferedAmount` (set it), `receive(bytes)` (a frame from the server, as if its broker had sent it) and
 * `drop()` (the network goes away: the socket closes with 1006). With `extensions: false` the server is one
 * that knows no `+pbj` subprotocol (an older PBJ, or Twisted behind a WebSocket). Setting `down` on the returned
 * object to true makes the server unreachable: sockets made then fail on the next turn (an error event, then close
 * 1006), as a refused TCP connection does; they are in `sockets` too, with `refused` true.
 */
export function fakeWebSocket(root, { extensions = true } = {}) {
  const sockets = [];
  const control = { sockets, down: false };

  class FakeWebSocket {
    constructor(url, protocols) {
      this.url = url;
      this.protocols = protocols;
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
      this.refused = control.down;
      if (this.refused) {
        setImmediate(() => {
          this.readyState = 3;
          this.onerror?.({ message: 'connect ECONNREFUSED (fake)' });
          this.onclose?.({ code: 1006, reason: '' });
        });
        return;
      }
      const chosen = protocols.find((p) => Object.hasOwn(SERIALIZERS, p.replace(/\+pbj$/, ''))
        && (extensions || !p.endsWith('+pbj')));
      const serializer = SERIALIZERS[chosen.replace(/\+pbj$/, '')];
      this.server = new Broker({
        link: {
          send: (bytes) => setImmediate(() => {
            if (this.readyState === 1) this.onmessage({ data: bytes.buffer.slice(0) });
          }),
          close: () => this.drop(),
        },
        serializer, registry: demoServerCopies(), limits: makeLimits(), root, extensions: chosen.endsWith('+pbj'),
      });
      setImmediate(() => {
        if (this.readyState !== 0) return; // closed before it opened
        this.protocol = chosen;
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
      if (this.refused) return;
      this.#closed(code ?? 1005, reason ?? '');
    }

    receive(bytes) {
      setImmediate(() => {
        if (this.readyState === 1) this.onmessage({ data: bytes.slice().buffer });
      });
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

  control.WebSocket = FakeWebSocket;
  return control;
}
