// The demo contract of shared/DESIGN.md served by a JS broker: the fake peer the scenarios run against before
// (and beside) the Java server. Also the copy and cache types both sides register.
import { Cacheable, PbError, Referenceable, RemoteCache, tuple, UnauthorizedLoginError } from '../../src/index.js';
import { CopyRegistry } from '../../src/copies.js';
import { challengeResponse } from '../../src/md5.js';

export class Point {
  static pbTypeName = 'pbj.demo.Point';

  constructor(x, y) {
    this.x = x;
    this.y = y;
  }

  getStateToCopy() {
    return { x: this.x, y: this.y };
  }
}

/** The client's replica of the demo room; records what the owner told it. */
export class RoomCache extends RemoteCache {
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

/** What a client registers to receive the demo's copies and caches. */
export function demoClientCopies() {
  return new CopyRegistry()
    .registerCopy('pbj.demo.Point', { fromState: (s) => new Point(s.x, s.y) })
    .registerCache('pbj.demo.Room', RoomCache);
}

export function demoServerCopies() {
  return new CopyRegistry().registerCopy('pbj.demo.Point', { fromState: (s) => new Point(s.x, s.y) });
}

class Room extends Cacheable {
  static pbTypeName = 'pbj.demo.Room';

  constructor() {
    super();
    this.members = [];
    this.messages = [];
    this.observers = new Set();
  }

  getStateToCacheAndObserveFor(perspective, observer) {
    this.observers.add(observer);
    return { topic: 'PBJ demo room', members: [...this.members], messages: [...this.messages] };
  }

  stoppedObserving(perspective, observer) {
    this.observers.delete(observer);
  }

  say(text) {
    this.messages.push(text);
    for (const observer of this.observers) {
      observer.callRemote('said', text).catch(() => this.observers.delete(observer));
    }
  }
}

class Counter extends Referenceable {
  constructor(start) {
    super();
    this.current = start;
  }

  increment(n = 1) {
    this.current += typeof n === 'object' ? n.n : n;
    return this.current;
  }

  value() {
    return this.current;
  }
}

class DemoUser extends Referenceable {
  constructor(name, world) {
    super();
    this.name = name;
    this.world = world;
  }

  whoami() {
    return this.name;
  }

  shout(text) {
    const message = `${this.name}: ${text}`;
    this.world.room.say(message);
    return message;
  }
}

const USERS = new Map([['alice', 'wonderland'], ['bob', 'builder']]);
const utf8 = new TextDecoder();

function isInteger(x) {
  return typeof x === 'bigint' || Number.isSafeInteger(x);
}

/** The demo root: one per server, sharing one room between its connections. */
export class DemoRoot extends Referenceable {
  constructor() {
    super();
    this.world = { room: new Room() };
  }

  echo(x) {
    return x;
  }

  add(a, b) {
    if (isInteger(a) && isInteger(b)) {
      const sum = BigInt(a) + BigInt(b);
      return sum >= BigInt(Number.MIN_SAFE_INTEGER) && sum <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(sum) : sum;
    }
    if (typeof a === 'number' && typeof b === 'number') return a + b;
    if (typeof a === 'string' && typeof b === 'string') return a + b;
    throw new TypeError(`unsupported operand type(s) for +: ${typeof a} and ${typeof b}`);
  }

  fail(message) {
    throw new PbError(message);
  }

  crash() {
    throw new RangeError('crash requested');
  }

  async callback(ref, x) {
    try {
      return await ref.callRemote('got', x);
    } finally {
      ref.release();
    }
  }

  counter(start = 0) {
    return new Counter(typeof start === 'object' ? start.start : start);
  }

  point(x, y) {
    return new Point(x, y);
  }

  accept_point(p) { // eslint-disable-line camelcase
    if (!(p instanceof Point)) throw new PbError(`expected a pbj.demo.Point copy, got ${typeof p}`);
    return [p.x, p.y];
  }

  room() {
    return this.world.room;
  }

  say(text) {
    this.world.room.say(text);
  }

  login(username) {
    const name = utf8.decode(username);
    const challenge = crypto.getRandomValues(new Uint8Array(16));
    const world = this.world;
    let used = false;
    const challenger = new Referenceable({
      respond(response) {
        if (used) throw new PbError('this challenge was already answered');
        used = true;
        const password = USERS.get(name);
        const expected = password === undefined ? null : challengeResponse(password, challenge);
        if (expected === null || expected.length !== response.length || expected.some((b, i) => b !== response[i])) {
          throw new UnauthorizedLoginError(`login as ${name} refused: unknown user or wrong password`);
        }
        return new DemoUser(name, world);
      },
    });
    return tuple(challenge.slice(), challenger);
  }

  loginAnonymous() {
    return new DemoUser('anonymous', this.world);
  }
}
