// The demo contract's behaviour suite against a JS server broker over an in-memory pipe.
import { brokerPair } from '../support/pipe.js';
import { DemoRoot, demoServerCopies } from '../support/demo.js';
import { defineScenarios } from '../support/scenarios.js';

defineScenarios('demo contract over an in-memory pipe', async ({ serializer, copies }) => {
  const pair = brokerPair({ serializer, root: new DemoRoot(), clientCopies: copies, serverCopies: demoServerCopies() });
  return { connection: pair.connection, kill: async () => pair.serverLink.close() };
});
