// A JS PB server over WebSocket (the `ws` package), serving the JS demo root at /pb: the peer for testing
// `connect` itself, with the same subprotocols and framing as PBJ's Java server. `protocols` is its preference
// (each `S+pbj` before `S`, as PBJ's); one without `+pbj` names is a server that predates the extensions.
import { WebSocketServer } from 'ws';
import { Broker } from '../../src/broker.js';
import { makeLimits } from '../../src/limits.js';
import { SERIALIZERS } from '../../src/serializers.js';
import { DemoRoot, demoServerCopies } from './demo.js';

export async function startServer({ protocols = ['banana+pbj', 'banana', 'msgpack+pbj', 'msgpack'], limits } = {}) {
  const root = new DemoRoot();
  const copies = demoServerCopies();
  const sockets = new Set();
  const brokers = new Set();
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    path: '/pb',
    handleProtocols: (offered) => protocols.find((p) => offered.has(p)) ?? false,
  });
  wss.on('connection', (ws) => {
    const serializer = ws.protocol.replace(/\+pbj$/, '');
    if (!Object.hasOwn(SERIALIZERS, serializer)) {
      ws.close(1002, 'no serializer');
      return;
    }
    sockets.add(ws);
    const broker = new Broker({
      link: { send: (bytes) => ws.send(bytes), close: (code, reason) => ws.close(code, reason) },
      serializer: SERIALIZERS[serializer], registry: copies, limits: makeLimits(limits), root,
      extensions: ws.protocol.endsWith('+pbj'),
    });
    brokers.add(broker);
    ws.on('message', (data, isBinary) => {
      if (isBinary) broker.receiveFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      else broker.fail(new Error('text frame'));
    });
    ws.on('close', () => {
      sockets.delete(ws);
      brokers.delete(broker);
      broker.connectionLost(new Error('socket closed'));
    });
    broker.sendVersion();
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  const { port } = wss.address();
  return {
    url: `ws://127.0.0.1:${port}/pb`,
    brokers,
    /** Drops every connection abruptly, as a killed process would. */
    kill() {
      for (const ws of sockets) ws.terminate();
    },
    close() {
      for (const ws of sockets) ws.terminate();
      return new Promise((resolve) => wss.close(resolve));
    },
  };
}
