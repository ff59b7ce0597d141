// The PBJ demo page: the shared chat room of `pbj demo`, through pbj-client over this server's WebSocket.
// The room is the server's Cacheable `pbj.demo.Room`; this page holds a RemoteCache replica of it that the server
// keeps up to date (said, joined, left), whoever changed it: another tab, `pbj call`, a Java or Twisted client.
import { connect, registerCache, RemoteCache, UnauthorizedLoginError } from './pbj-client.js';

/** The page's replica of the room: applies each change the server observes to it, then the page re-renders. */
class RoomCache extends RemoteCache {
  setCopyableState(state) {
    this.topic = state.topic;
    this.members = [...state.members];
    this.messages = [...state.messages];
  }

  said(text) {
    this.messages.push(text);
  }

  joined(name) {
    this.members.push(name);
  }

  left(name) {
    const i = this.members.indexOf(name);
    if (i >= 0) this.members.splice(i, 1);
  }
}
registerCache('pbj.demo.Room', RoomCache);

const MAX_SHOWN = 500;
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const serializer = params.get('serializer') === 'msgpack' ? 'msgpack' : 'banana';
const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/pb`;

const state = { connection: null, root: null, room: null, avatar: null, user: null };
window.pbjDemo = state; // for poking at from the console

function setStatus(kind, text) {
  const status = $('status');
  status.dataset.state = kind;
  status.textContent = text;
  status.title = url;
  const usable = kind === 'connected';
  for (const id of ['text', 'send', 'login', 'anonymous', 'logout']) $(id).disabled = !usable;
}

function showError(id, message) {
  const element = $(id);
  element.textContent = message ?? '';
  element.hidden = !message;
}

/** A stable colour per name, so that each speaker is easy to follow. */
function hue(name) {
  let h = 0;
  for (const c of name) h = (h * 31 + c.codePointAt(0)) % 360;
  return h;
}

function messageItem(text) {
  const li = document.createElement('li');
  const match = /^([^:\s]{1,40}): /.exec(text);
  if (match) {
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = match[1];
    who.style.color = `hsl(${hue(match[1])} 55% 38%)`;
    li.append(who, document.createTextNode(text.slice(match[1].length)));
    if (match[1] === state.user) li.classList.add('mine');
  } else {
    li.textContent = text;
    li.classList.add('plain');
  }
  return li;
}

function render() {
  const room = state.room;
  if (room === null) return;
  $('topic').textContent = room.topic;
  const shown = room.messages.slice(-MAX_SHOWN);
  const list = $('messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...shown.map(messageItem));
  if (shown.length === 0) {
    const empty = document.createElement('li');
    empty.className = 'empty';
    empty.textContent = 'No messages yet: say hello.';
    list.replaceChildren(empty);
  }
  if (atBottom) list.scrollTop = list.scrollHeight;
  $('room-info').textContent = `${room.messages.length} message${room.messages.length === 1 ? '' : 's'}`;
  const members = [...new Set(room.members)];
  $('members').replaceChildren(...members.map((name) => {
    const li = document.createElement('li');
    const dot = document.createElement('span');
    dot.className = 'dot';
    dot.style.background = `hsl(${hue(name)} 55% 45%)`;
    li.append(dot, document.createTextNode(name));
    if (name === state.user) li.classList.add('me');
    return li;
  }));
  $('member-count').textContent = members.length ? `(${members.length})` : '';
  $('no-members').hidden = members.length > 0;
}

function setUser(name) {
  state.user = name;
  const whoami = $('whoami');
  whoami.textContent = name ?? 'nobody';
  whoami.dataset.user = name ?? '';
  $('login').hidden = name !== null;
  $('anonymous').hidden = name !== null;
  $('user').hidden = name !== null;
  $('password').hidden = name !== null;
  $('logout').hidden = name === null;
  $('text').placeholder = name === null ? 'Say something to the room' : `Shout something as ${name}`;
  render();
}

async function logIn(username, password) {
  showError('login-error', null);
  try {
    const avatar = username === null ? await state.connection.loginAnonymous()
      : await state.connection.login(username, password);
    const name = await avatar.callRemote('whoami');
    state.avatar = avatar;
    $('password').value = '';
    setUser(name);
  } catch (e) {
    showError('login-error', e instanceof UnauthorizedLoginError
      ? `Login refused: wrong user name or password (${e.remoteType})`
      : `Login failed: ${e.message}`);
  }
}

function logOut() {
  state.avatar?.release(); // releasing the avatar logs out: the room's members lose this user
  state.avatar = null;
  setUser(null);
}

async function send() {
  const input = $('text');
  const text = input.value.trim();
  if (text === '') return;
  showError('send-error', null);
  try {
    if (state.avatar !== null) {
      await state.avatar.callRemote('shout', text); // "<user>: <text>"
    } else {
      await state.root.callRemote('say', text);
    }
    input.value = '';
  } catch (e) {
    showError('send-error', `Not sent: ${e.message}`);
  }
  input.focus();
}

async function main() {
  $(serializer === 'msgpack' ? 'use-msgpack' : 'use-banana').classList.add('current');
  $('say-form').addEventListener('submit', (event) => {
    event.preventDefault();
    send();
  });
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const user = $('user').value.trim();
    if (user !== '') logIn(user, $('password').value);
  });
  $('anonymous').addEventListener('click', () => logIn(null));
  $('logout').addEventListener('click', logOut);

  setStatus('connecting', `connecting (${serializer})…`);
  try {
    state.connection = await connect(url, { serializer });
    state.connection.onDisconnect((cause) => {
      setStatus('disconnected', `disconnected${cause?.message ? `: ${cause.message}` : ''}`);
    });
    state.root = await state.connection.getRootObject();
    state.room = await state.root.callRemote('room');
    for (const change of ['said', 'joined', 'left']) state.room.on(change, render);
    setStatus('connected', `connected · ${serializer}`);
    render();
    $('text').focus();
  } catch (e) {
    setStatus('disconnected', `disconnected: ${e.message}`);
  }
}

main();
