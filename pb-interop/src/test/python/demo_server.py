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
connections.
"""

import argparse
import os
import queue
import sys
import threading

from twisted.internet import defer, reactor
from twisted.logger import (
    FilteringLogObserver,
    LogLevel,
    LogLevelFilterPredicate,
    globalLogBeginner,
    textFileLogObserver,
)
from twisted.spread import pb

ROOT_NAME = b"root"


class Counter(pb.Referenceable):
    """What ``counter(start)`` hands out: a Referenceable holding one integer."""

    def __init__(self, start):
        self.current = start

    def remote_increment(self, n=1):
        self.current += n
        return self.current

    def remote_value(self):
        return self.current


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


class InteropRoot(pb.Root):
    """The interop root. The instance given to PBServerFactory only makes
    per-connection instances; each of those knows its own broker."""

    def __init__(self, broker=None):
        self.broker = broker
        self.heldReference = None
        # Deferreds handed out by never()/disconnect(); kept so they stay
        # pending (and are not collected) for the life of the connection.
        self.pending = []

    def rootObject(self, broker):
        return InteropRoot(broker)

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

    factory = pb.PBServerFactory(InteropRoot(), unsafeTracebacks=args.unsafe_tracebacks)
    port = reactor.listenTCP(args.port, factory, interface="127.0.0.1")
    sys.stdout.write("LISTENING %d\n" % port.getHost().port)
    sys.stdout.flush()

    threading.Thread(target=watch_stdin, name="stdin-watch", daemon=True).start()
    reactor.run()


if __name__ == "__main__":
    main()
