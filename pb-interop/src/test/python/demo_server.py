#!/usr/bin/python3
"""A real Twisted Perspective Broker server serving PBJ's "interop root".

Usage:
    /usr/bin/python3 demo_server.py [--port 0] [--unsafe-tracebacks]

Listens on 127.0.0.1 (port 0 picks an ephemeral port), prints exactly one line
``LISTENING <port>`` to stdout, then serves until it is killed (SIGTERM/SIGINT)
or its stdin reaches EOF, so that it dies with the process that started it.
Everything else (Twisted's log, warnings and above) goes to stderr.

Each connection gets its own root object (``InteropRoot.rootObject``), so the
per-connection state (``hold``/``held``, ``exported``) never leaks between
connections. The room (a Cacheable), the board (a Viewable) and the portal are
shared by all connections. The same root also answers PB's login calls
(``login``, ``loginAnonymous``) exactly as the root of ``PBServerFactory(portal)``
would.
"""

import argparse
import hashlib
import os
import queue
import sys
import tempfile
import threading

from zope.interface import implementer

from twisted.cred import checkers, portal
from twisted.internet import defer, reactor
from twisted.logger import (
    FilteringLogObserver,
    Logger,
    LogLevel,
    LogLevelFilterPredicate,
    globalLogBeginner,
    textFileLogObserver,
)
from twisted.spread import pb, util

ROOT_NAME = b"root"
PATTERN_PERIOD = 251  # the demo's paging payload: byte i is i % 251
POINT_TYPE = "pbj.demo.Point"
ROOM_TYPE = "pbj.demo.Room"
ROOM_TOPIC = "PBJ demo room"
USERS = {"alice": b"wonderland", "bob": b"builder"}
ANONYMOUS_NAME = "anonymous"

log = Logger()


class Counter(pb.Referenceable):
    """What ``counter(start)`` hands out: a Referenceable holding one integer."""

    def __init__(self, start):
        self.current = start

    def remote_increment(self, n=1):
        self.current += n
        return self.current

    def remote_value(self):
        return self.current


class Point(pb.Copyable, pb.RemoteCopy):
    """``pbj.demo.Point``: sent by value as ``{"x": x, "y": y}``. Both Copyable
    and RemoteCopy (registered for its wire name), so the server can receive
    points and send received ones back (``echo``)."""

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def getTypeToCopy(self):
        return POINT_TYPE.encode("ascii")

    def getStateToCopy(self):
        return {"x": self.x, "y": self.y}


pb.setUnjellyableForClass(POINT_TYPE, Point)


class Room(pb.Cacheable):
    """``pbj.demo.Room``: the server's single shared Cacheable.

    State ``{"topic": str, "members": [str], "messages": [str]}``; every
    observer gets ``said(text)``, ``joined(name)`` and ``left(name)``.

    Twisted's own RemoteCacheObserver comparison is broken on Python 3 once two
    brokers observe one Cacheable (``'<' not supported between instances of
    'Broker' and 'Broker'``), so ``observers.remove(observer)`` would raise and
    leave dead observers behind. Observers are matched here by identity of their
    broker instead: a broker caches one Cacheable under one LUID at a time, so
    (broker, cacheable) names an observer uniquely.
    """

    def __init__(self, topic):
        self.topic = topic
        self.members = []
        self.messages = []
        self.observers = []

    def getTypeToCopy(self):
        return ROOM_TYPE.encode("ascii")

    def getStateToCacheAndObserveFor(self, perspective, observer):
        self.observers.append(observer)
        return {"topic": self.topic, "members": list(self.members), "messages": list(self.messages)}

    def stoppedObserving(self, perspective, observer):
        self.observers = [
            o for o in self.observers if not (o.broker is observer.broker and o.cached is observer.cached)
        ]

    def notify(self, name, *args):
        for observer in list(self.observers):
            try:
                d = observer.callRemote(name, *args)
            except Exception as e:  # e.g. DeadReferenceError for a broker that just went away
                log.info("room: {name} to an observer failed: {e!r}", name=name, e=e)
                continue
            d.addErrback(
                lambda f, name=name: log.info("room: {name} to an observer failed: {f}", name=name, f=f.getErrorMessage())
            )

    def say(self, text):
        self.messages.append(text)
        self.notify("said", text)

    def join(self, name):
        self.members.append(name)
        self.notify("joined", name)

    def leave(self, name):
        if name in self.members:
            self.members.remove(name)
        self.notify("left", name)


class Board(pb.Viewable):
    """The shared board: a Viewable, so each caller reaches it through a
    ViewPoint that passes the caller's perspective (their Avatar)."""

    def view_post(self, perspective, text):
        return "%s posted %s" % (perspective.name, text)


class Avatar(pb.Avatar):
    """What a login hands out (a perspective: calls go to ``perspective_*``)."""

    def __init__(self, name, shared):
        self.name = name
        self.shared = shared

    def perspective_whoami(self):
        return self.name

    def perspective_shout(self, text):
        message = "%s: %s" % (self.name, text)
        self.shared.room.say(message)
        return message

    def perspective_board(self):
        return self.shared.board


@implementer(portal.IRealm)
class Realm:
    """One Avatar per login. A named user joins the room's members on login and
    leaves on logout (the connection drops, or the client releases the avatar);
    anonymous users are not members."""

    def __init__(self, shared):
        self.shared = shared

    def requestAvatar(self, avatarId, mind, *interfaces):
        if pb.IPerspective not in interfaces:
            raise NotImplementedError("only pb.IPerspective avatars are served")
        if avatarId == checkers.ANONYMOUS:
            return pb.IPerspective, Avatar(ANONYMOUS_NAME, self.shared), lambda: None
        name = avatarId.decode("utf-8") if isinstance(avatarId, bytes) else avatarId
        room = self.shared.room
        room.join(name)
        return pb.IPerspective, Avatar(name, self.shared), lambda: room.leave(name)


class Shared:
    """Server-wide state: the room, the board and the portal."""

    def __init__(self):
        self.room = Room(ROOM_TOPIC)
        self.board = Board()
        self.portal = portal.Portal(
            Realm(self),
            [checkers.InMemoryUsernamePasswordDatabaseDontUse(**USERS), checkers.AllowAnonymousAccess()],
        )


def sample_types():
    """The values ``types()`` answers, built fresh on every call."""
    shared_item = [1, 2]
    cycle = []
    cycle.append(cycle)
    return {
        "none": None,
        "true": True,
        "false": False,
        "int": 42,
        "neg": -7,
        "big": 2**100,
        "bigneg": -(2**70),
        "int31": 2**31,
        "negint31": -(2**31),
        "float": 2.5,
        "negzero": -0.0,
        "inf": float("inf"),
        "bytes": b"\x00\xffhi",
        "text": "h\u00e9llo \u2603",
        "empty_list": [],
        "empty_tuple": (),
        "empty_dict": {},
        "list": [1, [2, [3]]],
        "tuple": (1, "a", b"b"),
        "dict": {(1, 2): "tuple key", b"k": [None]},
        "set": {1, 2, 3},
        "frozenset": frozenset([4, 5]),
        "shared": [shared_item, shared_item],
        "cycle": cycle,
    }


class RecordingBroker(pb.Broker):
    """Twisted's broker, noting each command it does not understand (it answers
    those with didNotUnderstand), so that a test can tell that PBJ sent it
    nothing but PB."""

    def connectionMade(self):
        self.unknownCommands = []
        pb.Broker.connectionMade(self)

    def expressionReceived(self, sexp):
        if isinstance(sexp, list) and sexp:
            command = sexp[0]
            if isinstance(command, bytes):
                command = command.decode("utf8", "replace")
            if not hasattr(self, "proto_%s" % command):
                self.unknownCommands.append(command)
        return pb.Broker.expressionReceived(self, sexp)


class InteropRoot(pb.Root):
    """The interop root. The instance given to PBServerFactory only makes
    per-connection instances; each of those knows its own broker."""

    def __init__(self, shared, broker=None):
        self.shared = shared
        self.broker = broker
        self.heldReference = None
        # Deferreds handed out by never()/disconnect(); kept so they stay
        # pending (and are not collected) for the life of the connection.
        self.pending = []
        # What PBServerFactory(portal) would use as this connection's root.
        self.portalWrapper = pb._PortalWrapper(shared.portal, broker) if broker is not None else None

    def rootObject(self, broker):
        return InteropRoot(self.shared, broker)

    def remote_echo(self, x):
        return x

    def remote_add(self, a, b):
        return a + b

    def remote_fail(self, message):
        raise pb.Error(message)

    def remote_crash(self):
        return 1 / 0

    def remote_callback(self, ref, x):
        return ref.callRemote("got", x)

    def remote_counter(self, start=0):
        return Counter(start)

    def remote_exported(self):
        return sum(1 for key in self.broker.localObjects if key != ROOT_NAME)

    def remote_never(self):
        d = defer.Deferred()
        self.pending.append(d)
        return d

    def remote_disconnect(self):
        self.broker.transport.loseConnection()
        # Never answer: an answer written now could still reach the peer.
        return self.remote_never()

    def remote_download(self, collector, nbytes):
        """Pages nbytes of the demo pattern to collector from a real file, with Twisted's FilePager."""
        if nbytes < 0:
            raise pb.Error("nbytes must not be negative, got %d" % nbytes)
        period = bytes(range(PATTERN_PERIOD))
        source = tempfile.TemporaryFile()
        chunk = period * (1048576 // PATTERN_PERIOD + 1)
        written = 0
        while written < nbytes:
            piece = chunk[written % PATTERN_PERIOD:][: min(1048576, nbytes - written)]
            source.write(piece)
            written += len(piece)
        source.seek(0)
        pager = util.FilePager(collector, source)
        pager.deferred.addBoth(lambda _: source.close())

    def remote_upload(self, source):
        """Pulls every page of source with getAllPages(source, "getPages"); answers [length, sha256 hex]."""

        def digest(pages):
            data = b"".join(pages)
            return [len(data), hashlib.sha256(data).hexdigest()]

        return util.getAllPages(source, "getPages").addCallback(digest)

    def remote_unknown_commands(self):
        return list(getattr(self.broker, "unknownCommands", []))

    def remote_identity(self, a, b):
        return a is b

    def remote_kw(self, *args, **kwargs):
        return (args, kwargs)

    def remote_types(self):
        return sample_types()

    def remote_hold(self, ref):
        self.heldReference = ref

    def remote_held(self):
        return self.heldReference

    def remote_release(self):
        # Dropping the last Python reference makes RemoteReference.__del__
        # send the decref right away (CPython refcounting).
        self.heldReference = None

    # Copies

    def remote_point(self, x, y):
        return Point(x, y)

    def remote_accept_point(self, p):
        if not isinstance(p, Point):
            raise pb.Error("expected a %s copy, got %s" % (POINT_TYPE, type(p).__name__))
        return [p.x, p.y]

    # The room (a Cacheable)

    def remote_room(self):
        return self.shared.room

    def remote_say(self, text):
        self.shared.room.say(text)

    def remote_room_observers(self):
        return len(self.shared.room.observers)

    def remote_is_room(self, r):
        return r is self.shared.room

    # Login, answered as the root of PBServerFactory(portal) would

    def remote_login(self, username):
        return self.portalWrapper.remote_login(username)

    def remote_loginAnonymous(self, mind):
        return self.portalWrapper.remote_loginAnonymous(mind)


class BackgroundWriter:
    """A file-like object for the log that never blocks the reactor: lines are
    written by a daemon thread, and dropped (counted) if more than
    max_pending are waiting, e.g. when nobody drains our stderr pipe."""

    def __init__(self, stream, max_pending=1000):
        self.stream = stream
        self.pending = queue.Queue(max_pending)
        self.dropped = 0
        threading.Thread(target=self._drain, name="log-writer", daemon=True).start()

    def write(self, text):
        try:
            self.pending.put_nowait(text)
        except queue.Full:
            self.dropped += 1

    def flush(self):
        pass

    def _drain(self):
        while True:
            text = self.pending.get()
            dropped, self.dropped = self.dropped, 0
            if dropped:
                text = "[%d log lines dropped: stderr was not being read]\n%s" % (dropped, text)
            try:
                self.stream.write(text)
                self.stream.flush()
            except (OSError, ValueError):
                return


def start_logging(verbose):
    level = LogLevel.info if verbose else LogLevel.warn
    globalLogBeginner.beginLoggingTo(
        [
            FilteringLogObserver(
                textFileLogObserver(BackgroundWriter(sys.stderr)),
                [LogLevelFilterPredicate(defaultLogLevel=level)],
            )
        ],
        redirectStandardIO=False,
    )


def stop_reactor():
    if reactor.running:
        reactor.stop()


def watch_stdin():
    """Stop the reactor once stdin reaches EOF (the parent went away)."""
    try:
        while os.read(sys.stdin.fileno(), 65536):
            pass
    except (AttributeError, OSError, ValueError):  # no stdin at all counts as EOF
        pass
    reactor.callFromThread(stop_reactor)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0 = ephemeral)")
    parser.add_argument(
        "--unsafe-tracebacks",
        action="store_true",
        help="send real Python tracebacks in failures instead of 'Traceback unavailable'",
    )
    parser.add_argument("--verbose", action="store_true", help="log at info level to stderr")
    args = parser.parse_args(argv)

    start_logging(args.verbose)

    factory = pb.PBServerFactory(InteropRoot(Shared()), unsafeTracebacks=args.unsafe_tracebacks)
    factory.protocol = RecordingBroker
    port = reactor.listenTCP(args.port, factory, interface="127.0.0.1")
    sys.stdout.write("LISTENING %d\n" % port.getHost().port)
    sys.stdout.flush()

    threading.Thread(target=watch_stdin, name="stdin-watch", daemon=True).start()
    reactor.run()


if __name__ == "__main__":
    main()
