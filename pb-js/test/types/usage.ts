// Typed usage of pbj-client's public API, checked by `tsc --noEmit -p test/types` (test/unit/types.test.js) and
// never run: each line is what a TypeScript user writes, each `@ts-expect-error` a mistake the types must catch.
import {
  connect, Connection, ConnectionLostError, DeadlineExceededError, keepConnected, kw, NotConnectedError, PbError,
  ReconnectingConnection, Referenceable, RemoteError, RemoteReference, tuple, withCallContext,
} from 'pbj-client';
import type { CallContext, RemoteInterface, UntypedStub } from 'pbj-client';

declare const WebSocket: new (url: string, protocols?: string | string[]) => unknown;

/** The demo root, as a TypeScript user describes it for `as()`. */
interface Demo {
  echo<T>(value: T): Promise<T>;
  add(a: number | bigint, b: number | bigint): Promise<number | bigint>;
  counter(start?: ReturnType<typeof kw>): Promise<RemoteReference>;
  callback(target: Referenceable, value: string): Promise<string>;
}

interface Counter {
  increment(by?: number): Promise<number>;
  value(): Promise<number>;
}

interface Greeter {
  greet(name: string): Promise<string>;
}

/** Not a remote interface: a result that is not a Promise. */
interface Synchronous {
  greet(name: string): string;
}

/** Not a remote interface: a stub is never a thenable. */
interface Thenable {
  then(onFulfilled: (value: unknown) => void): Promise<void>;
}

export async function usage(url: string): Promise<void> {
  const conn: Connection = await connect(url, { serializer: 'msgpack', WebSocket, callTimeout: 10_000 });
  // @ts-expect-error: there is no serializer 'json'
  await connect(url, { serializer: 'json' });
  const root: RemoteReference = await conn.getRootObject();

  const echoed: string = await root.callRemote<string>('echo', 'hi');
  const sum = await root.callRemote<bigint>('add', 2n ** 64n, 1);
  const both: bigint = sum + 1n;
  await root.callRemoteWith({ timeout: 2000, signal: AbortSignal.timeout(1000) }, 'echo', tuple(1, 'a'));
  // @ts-expect-error: callRemote's first argument is the method's name
  await root.callRemote(42);
  // @ts-expect-error: an unknown call option
  await root.callRemoteWith({ timout: 5 }, 'echo');
  const patient: RemoteReference = root.withDeadline(500);

  // typed stubs
  const g = root.as<Greeter>();
  const s: string = await g.greet('x');
  // @ts-expect-error: greet takes a string
  await g.greet(42);
  // @ts-expect-error: greet answers a string, not a number
  const n: number = await g.greet('x');
  // @ts-expect-error: Greeter has no method shout
  await g.shout('x');
  // @ts-expect-error: a method of a remote interface returns a Promise
  root.as<Synchronous>();
  // @ts-expect-error: a remote interface has no then
  root.as<Thenable>();
  const demo = patient.as<Demo>();
  const counterRef = await demo.counter(kw({ start: 5 }));
  const counter: Counter = counterRef.as<Counter>();
  const six: number = await counter.increment();
  const untyped: UntypedStub = root.as();
  const anything: unknown = await untyped.whatever(1, 'two');
  const checked: RemoteInterface<Greeter> = g;
  counterRef.release();

  // being called
  const mind = new Referenceable({
    got: (x: string) => `got ${x}`,
    slow: withCallContext(async (call: CallContext, name: string) => {
      call.onCancel((reason) => console.log(reason));
      return `${name} in ${call.timeRemaining() ?? Infinity} ms`;
    }),
  });
  await demo.callback(mind, 'hi');
  // @ts-expect-error: withCallContext's method takes the CallContext first
  withCallContext((name: string) => name);

  // errors
  try {
    await root.callRemote('fail', 'nope');
  } catch (e) {
    if (e instanceof RemoteError) {
      const type: string = e.remoteType;
      const isPb: boolean = e.isA(PbError.TWISTED_TYPE) && e.isPbError;
    } else if (e instanceof DeadlineExceededError) {
      const ms: number = e.deadline;
    } else if (e instanceof ConnectionLostError) {
      conn.close();
    }
  }

  // staying connected
  const handle: ReconnectingConnection = keepConnected(url, {
    WebSocket, login: { username: 'alice', password: 'wonderland' }, whileDisconnected: 'wait', maxAttempts: 10,
  });
  // @ts-expect-error: whileDisconnected is 'fail' or 'wait'
  keepConnected(url, { whileDisconnected: 'retry' });
  const undo: () => void = handle.on('disconnected', (event) => console.log(event.retryIn, event.cause.message));
  undo();
  const whoami: string = await handle.avatar().callRemote<string>('whoami');
  const stable = handle.root().withDeadline(1000).as<Greeter>();
  const hello: string = await stable.greet('again');
  try {
    await handle.whenConnected();
  } catch (e) {
    if (e instanceof NotConnectedError) handle.close();
  }
  console.log(echoed, both, s, n, six, anything, checked, whoami, hello);
}
