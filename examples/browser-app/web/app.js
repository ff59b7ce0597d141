// The page's script: connects to the server it came from, calls the Java root (BrowserApp.Desk) and shows each
// answer. pbj-client is served beside this file (pb-js/src, copied by the build).
import { connect, Referenceable } from './pbj-client/index.js';

const show = (id, text) => {
  document.getElementById(id).textContent = text;
};
const status = (state, text) => {
  const element = document.getElementById('status');
  element.dataset.state = state;
  element.textContent = text;
};

try {
  const connection = await connect(`ws://${location.host}/pb`, { serializer: 'banana' });
  const desk = await connection.getRootObject();

  show('greet', await desk.callRemote('greet', 'browser'));
  show('add', String(await desk.callRemote('add', 2, 40)));

  const counter = await desk.callRemote('counter'); // a reference to a Java object
  let value;
  for (let i = 0; i < 3; i++) value = await counter.callRemote('increment');
  show('counter', `the counter is at ${value}`);

  // an object of the page, passed by reference: Java calls its methods
  const page = new Referenceable({ favouriteColour: () => 'teal' });
  show('callback', await desk.callRemote('askPage', page));

  try {
    await desk.callRemote('divide', 1, 0);
    show('error', 'no error?');
  } catch (error) {
    show('error', `refused: ${error.message} (${error.remoteType})`);
  }
  status('done', `connected · ${connection.serializer} · every call answered`);
} catch (error) {
  status('failed', `failed: ${error.message}`);
  throw error;
}
