"""A Twisted observer of the demo room on one PBJ server while another server, which shares the room with it
through Redis (pbj serve --cluster), is told to say things and to log alice in and out: prints one JSON line with
what was sent and what the observer's RemoteCache saw, in order. Run by ClusterObserverInteropTest."""

import argparse
import json
import sys

from twisted.cred import credentials
from twisted.internet import defer, task
from twisted.spread import pb

ROOM_TYPE = "pbj.demo.Room"
TIMEOUT = 20.0


def text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value


class RoomCache(pb.RemoteCache):
    """The observer's pbj.demo.Room: its state as it arrived, and every observe_* call in order."""

    def setCopyableState(self, state):
        state = {text(k): v for k, v in state.items()}
        self.messages = [text(m) for m in state.get("messages", [])]
        self.events = []

    def observe_said(self, message):
        self.messages.append(text(message))
        self.events.append(["said", text(message)])

    def observe_joined(self, name):
        self.events.append(["joined", text(name)])

    def observe_left(self, name):
        self.events.append(["left", text(name)])


pb.setUnjellyableForClass(ROOM_TYPE, RoomCache)


async def connect(reactor, port):
    factory = pb.PBClientFactory()
    reactor.connectTCP("127.0.0.1", port, factory)
    return factory


async def until(reactor, condition, what):
    deadline = reactor.seconds() + TIMEOUT
    while not condition():
        if reactor.seconds() > deadline:
            raise RuntimeError("no %s within %s s" % (what, TIMEOUT))
        await task.deferLater(reactor, 0.02, lambda: None)


async def main(reactor, argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--observe", type=int, required=True, help="the port of the server observed")
    parser.add_argument("--say", type=int, required=True, help="the port of the server told to say")
    parser.add_argument("--count", type=int, default=10)
    args = parser.parse_args(argv)

    observed = await connect(reactor, args.observe)
    room = await (await observed.getRootObject()).callRemote("room")
    if not isinstance(room, RoomCache):
        raise RuntimeError("room() is %r, not the registered RemoteCache" % (room,))
    told = await connect(reactor, args.say)
    root = await told.getRootObject()
    expected = []
    for i in range(args.count):
        message = "said through the other server %d" % i
        await root.callRemote("say", message)
        expected.append(["said", message])
    login = await connect(reactor, args.say)
    alice = await login.login(credentials.UsernamePassword(b"alice", b"wonderland"))
    expected.append(["joined", "alice"])
    shouted = text(await alice.callRemote("shout", "hi from the other server"))
    expected.append(["said", shouted])
    login.disconnect()
    expected.append(["left", "alice"])
    # the logout happens when the server sees the connection close: wait for it, so that "end" comes after
    await until(reactor, lambda: ["left", "alice"] in room.events, "alice leaving")
    await root.callRemote("say", "end")
    expected.append(["said", "end"])
    await until(reactor, lambda: ["said", "end"] in room.events, "'end' on the observed server")
    print(json.dumps({"expected": expected, "events": room.events, "messages": room.messages}))
    observed.disconnect()
    told.disconnect()


if __name__ == "__main__":
    task.react(lambda r: defer.Deferred.fromCoroutine(main(r, sys.argv[1:])))
