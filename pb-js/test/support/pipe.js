// Two JS brokers joined by an in-memory pipe (like pb-core's MemoryLink): each frame sent is delivered to the
// other side on a later turn of the event loop, in order; every frame is recorded for golden comparisons.
import { Broker } from '../../src/broker.js';
import { Connection } from '../../src/connection.js';
import { CopyRegistry } from '../../src/copies.js';
import { makeLimits } from '../../src/limits.js';
import { SERIALIZERS } from '../../src/serializers.js';

class MemoryLink {
  constructor(name) {
    this.name = name;
    this.sent = [];
    this.peer = null;
    this.broker = null;
    this.closed = false;
  }

  send(bytes) {
    if (this.closed) return;
    this.sent.push(bytes);
    const peer = this.peer;
    setImmediate(() => {
      if (!peer.closed) peer.broker.receiveFrame(bytes);
    });
  }

  /** Delivers raw bytes to this end as if the peer had sent them. */
  inject(bytes) {
    setImmediate(() => {
      if (!this.closed) this.broker.receiveFrame(bytes);
    });
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.peer.closed = true;
    const peer = this.peer;
    setImmediate(() => {
      this.broker.connectionLost(null);
      peer.broker.connectionLost(new Error(`${this.name} closed the pipe`));
    });
  }
}

/**
 * A client and a server broker over one pipe. Returns `{ client, server, connection, clientLink, serverLink }`:
 * `connection` is the client's Connection, as `connect` would give it. `extensions`: whether both sides speak
 * PBJ's (as if the subprotocol had been `S+pbj`); `callTimeout`: the client's default call timeout.
 */
export function brokerPair({
  serializer = 'banana', root = null, clientCopies = new CopyRegistry(), serverCopies = new CopyRegistry(),
  limits, serverLimits, extensions = false, callTimeout,
} = {}) {
  const clientLink = new MemoryLink('client');
  const serverLink = new MemoryLink('server');
  clientLink.peer = serverLink;
  serverLink.peer = clientLink;
  const warnings = [];
  const client = new Broker({
    link: clientLink, serializer: SERIALIZERS[serializer], registry: clientCopies, limits: makeLimits(limits),
    onWarning: (w) => warnings.push(w), extensions, callTimeout,
  });
  const server = new Broker({
    link: serverLink, serializer: SERIALIZERS[serializer], registry: serverCopies,
    limits: makeLimits(serverLimits ?? limits), root, onWarning: (w) => warnings.push(w), extensions,
  });
  clientLink.broker = client;
  serverLink.broker = server;
  client.sendVersion();
  server.sendVersion();
  const connection = new Connection(client, () => clientLink.close(), `memory:${serializer}`);
  return { client, server, connection, clientLink, serverLink, warnings };
}

/** Resolves after every frame in flight has been delivered (a few turns of the event loop). */
export async function settle(turns = 5) {
  for (let i = 0; i < turns; i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}
