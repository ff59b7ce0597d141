// The demo contract's behaviour suite through connect(): a JS server over a real WebSocket on the loopback.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { connect, ConnectionLostError, ProtocolError } from '../../src/index.js';
import { defineScenarios } from '../support/scenarios.js';
import { startServer } from '../support/wsserver.js';

let server;
before(async () => {
  server = await startServer();
});
after(() => server.close());

defineScenarios('demo contract over WebSocket (JS server)', async ({ serializer, copies }) => {
  const connection = await connect(server.url, { serializer, copies, WebSocket });
  return { connection, kill: async () => server.kill() };
});

describe('connect', () => {
  test('refuses an unknown serializer and a missing WebSocket implementation', async () => {
    await assert.rejects(connect(server.url, { serializer: 'json', WebSocket }), /unknown serializer 'json'/);
    await assert.rejects(connect(server.url, { WebSocket: undefined }), /no WebSocket implementation/);
  });

  test('rejects when nothing listens', async () => {
    const probe = await startServer();
    const url = probe.url;
    await probe.close();
    await assert.rejects(connect(url, { WebSocket }), ConnectionLostError);
  });

  test('rejects when the server does not take the subprotocol', async () => {
    const bananaOnly = await startServer({ protocols: ['banana'] });
    try {
      await assert.rejects(connect(bananaOnly.url, { WebSocket, serializer: 'msgpack' }),
        (e) => e instanceof ProtocolError || e instanceof ConnectionLostError);
    } finally {
      await bananaOnly.close();
    }
  });

  test('close rejects pending calls and runs disconnect callbacks; later calls are DeadReferenceError', async () => {
    const connection = await connect(server.url, { WebSocket, serializer: 'msgpack' });
    assert.equal(connection.serializer, 'msgpack');
    const root = await connection.getRootObject();
    assert.equal(await root.callRemote('echo', 'x'), 'x');
    let disconnected = 0;
    const undo = connection.onDisconnect(() => disconnected++);
    connection.onDisconnect(() => disconnected++);
    undo();
    const pending = root.callRemote('echo', 'late');
    connection.close();
    await assert.rejects(pending, ConnectionLostError);
    assert.equal(disconnected, 1);
    await assert.rejects(root.callRemote('echo', 1), (e) => e.name === 'DeadReferenceError');
  });
});
