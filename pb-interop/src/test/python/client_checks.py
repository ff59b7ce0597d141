#!/usr/bin/python3
"""A real Twisted Perspective Broker client that checks a server serving PBJ's
"interop root" (see demo_server.py for the reference implementation).

Usage:
    /usr/bin/python3 client_checks.py --port N [--host 127.0.0.1] [--only name1,name2]

Prints one JSON object per check on stdout, in the order the checks run:
    {"check": "<name>", "ok": true|false, "detail": "<text>"}
and exits 0 if every check passed, 1 otherwise. Nothing else is written to
stdout; Twisted's log (warnings and above) goes to stderr.

Each check has a 10 second timeout. A check that raises or times out is
ok=false with the exception in its detail, and does not stop the others. Most
checks share one connection (re-opened, with a note in the next detail, if a
check lost it); checks marked "own" open their own connection, and the
checks that make the server drop the connection run last.
"""

import argparse
import decimal
import datetime
import gc
import hashlib
import io
import json
import math
import queue
import sys
import threading

from twisted.cred import credentials
from twisted.cred.error import UnauthorizedLogin
from twisted.internet import defer, reactor, task
from twisted.logger import (
    FilteringLogObserver,
    LogLevel,
    LogLevelFilterPredicate,
    globalLogBeginner,
    textFileLogObserver,
)
from twisted.python import failure, reflect
from twisted.spread import flavors, jelly, pb, util

CHECK_TIMEOUT = 10.0
MAX_DETAIL = 4000

# --------------------------------------------------------------------------
# Check registry


class CheckFailed(Exception):
    """A check's expectation did not hold; the message is the detail."""


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


CHECKS = []  # (name, coroutine function, mode); mode: "main", "own" or "last"
TIMEOUTS = {}  # name -> seconds, for the checks that need more than CHECK_TIMEOUT


def check(name, mode="main", timeout=None):
    def register(func):
        CHECKS.append((name, func, mode))
        if timeout is not None:
            TIMEOUTS[name] = timeout
        return func

    return register


# --------------------------------------------------------------------------
# Connections


class Connection:
    def __init__(self, factory, root):
        self.factory = factory
        self.root = root
        self.broker = root.broker

    @property
    def lost(self):
        return bool(self.broker.disconnected)

    def close(self):
        self.factory.disconnect()


async def open_connection(host, port):
    factory = pb.PBClientFactory()
    reactor.connectTCP(host, port, factory, timeout=CHECK_TIMEOUT)
    root = await factory.getRootObject().addTimeout(CHECK_TIMEOUT, reactor)
    return Connection(factory, root)


class Context:
    """What a check gets: the shared connection, and a way to open its own."""

    def __init__(self, host, port):
        self.host = host
        self.port = port
        self.main = None
        self.extra = []
        self.connect_error = None

    @property
    def root(self):
        return self.main.root

    @property
    def broker(self):
        return self.main.broker

    async def fresh(self):
        connection = await open_connection(self.host, self.port)
        self.extra.append(connection)
        return connection

    def close_all(self):
        for connection in [self.main] + self.extra:
            if connection is not None and not connection.lost:
                connection.close()


# --------------------------------------------------------------------------
# Helpers


async def call(ref, name, *args, **kwargs):
    """callRemote and await; a remote error raises (pb.RemoteError)."""
    return await ref.callRemote(name, *args, **kwargs)


async def settle(d):
    """Await d without raising: (True, result) or (False, failure). A
    cancellation (the check's timeout) still raises, so the check stops."""

    def failed(fail):
        if fail.check(defer.CancelledError):
            return fail
        return (False, fail)

    return await d.addCallbacks(lambda value: (True, value), failed)


def type_name(fail):
    t = fail.type
    if isinstance(t, bytes):
        return t.decode("utf-8", "replace")
    if isinstance(t, str):
        return t
    return reflect.qual(t)


def describe(fail):
    return "%s: %r" % (type_name(fail), fail.value if isinstance(fail.value, str) else str(fail.value))


def short(value, limit=200):
    if isinstance(value, failure.Failure):
        # repr() of a CopiedFailure raises on Twisted 22.4 (its type is bytes).
        return "<failure %s>" % describe(value)
    try:
        text = repr(value)
    except Exception as e:
        text = "<%s: repr failed: %s>" % (type(value).__name__, e)
    return text if len(text) <= limit else text[:limit] + "...(%d chars)" % len(text)


def canon(value):
    """A hashable, type-exact form of a hashable value (set members, dict keys)."""
    t = type(value)
    if t is float:
        return ("float", "nan" if math.isnan(value) else repr(value))
    if t is tuple:
        return ("tuple", tuple(canon(e) for e in value))
    if t is frozenset:
        return ("frozenset", frozenset(canon(e) for e in value))
    if t is decimal.Decimal:
        return ("Decimal", value.as_tuple())
    return (t.__name__, value)


_MUTABLE = (list, dict, set)


def same(expected, actual, path="value", memo=None):
    """None if actual equals expected with exact types (list is not tuple,
    bytes is not str, bool is not int, -0.0 is not 0.0, nan equals nan) and
    the same sharing of mutable containers; otherwise the first difference."""
    if memo is None:
        memo = ({}, {})
    forward, backward = memo
    te, ta = type(expected), type(actual)
    if te is not ta:
        return "%s: expected %s %s, got %s %s" % (path, te.__name__, short(expected), ta.__name__, short(actual))
    if te in _MUTABLE:
        seen = forward.get(id(expected))
        if seen is not None:
            if seen[1] is actual:
                return None
            return "%s: expected the object already seen at %s (shared/cyclic), got a distinct copy" % (path, seen[2])
        if id(actual) in backward:
            return "%s: got the object seen at %s, expected a distinct one" % (path, backward[id(actual)][2])
        forward[id(expected)] = (expected, actual, path)
        backward[id(actual)] = (expected, actual, path)
    if te in (list, tuple):
        if len(expected) != len(actual):
            return "%s: expected length %d, got %d: %s" % (path, len(expected), len(actual), short(actual))
        for i, (e, a) in enumerate(zip(expected, actual)):
            diff = same(e, a, "%s[%d]" % (path, i), memo)
            if diff:
                return diff
        return None
    if te is dict:
        ekeys = {canon(k): k for k in expected}
        akeys = {canon(k): k for k in actual}
        if set(ekeys) != set(akeys):
            return "%s: expected keys %s, got keys %s" % (path, short(list(expected)), short(list(actual)))
        for ck, ek in ekeys.items():
            diff = same(expected[ek], actual[akeys[ck]], "%s[%r]" % (path, ek), memo)
            if diff:
                return diff
        return None
    if te in (set, frozenset):
        if {canon(e) for e in expected} != {canon(a) for a in actual}:
            return "%s: expected %s, got %s" % (path, short(expected), short(actual))
        return None
    if te is float:
        if math.isnan(expected) and math.isnan(actual):
            return None
        if expected == actual and math.copysign(1.0, expected) == math.copysign(1.0, actual):
            return None
        return "%s: expected %r, got %r" % (path, expected, actual)
    if te is decimal.Decimal:
        if expected.as_tuple() == actual.as_tuple():
            return None
        return "%s: expected %r, got %r" % (path, expected, actual)
    if expected == actual:
        return None
    return "%s: expected %s, got %s" % (path, short(expected), short(actual))


async def echo_each(ctx, values):
    for value in values:
        result = await call(ctx.root, "echo", value)
        diff = same(value, result)
        expect(diff is None, "echo(%s): %s" % (short(value, 80), diff))
    return "%d values echoed" % len(values)


def exported_entries(broker, obj):
    """LUIDs under which obj is in the broker's table of local objects."""
    return [luid for luid, local in broker.localObjects.items() if local.object is obj]


async def wait_for_release(ctx, obj, seconds=2.0):
    """After a failed release check: how long until obj left the table, for the detail."""
    start = reactor.seconds()
    trips = 0
    while reactor.seconds() - start < seconds:
        await call(ctx.root, "echo", None)
        trips += 1
        if not exported_entries(ctx.broker, obj):
            return "released only after %d more round trips (%.0f ms)" % (trips, 1000 * (reactor.seconds() - start))
        await task.deferLater(reactor, 0.05, lambda: None)
    return "still not released after %.1f s" % seconds


class Catcher(pb.Referenceable):
    """The client's own Referenceable, for callbacks and references sent back."""

    def __init__(self):
        self.calls = []

    def remote_got(self, x):
        self.calls.append(x)
        if x == "boom":
            raise pb.Error("boom")
        return "got " + x


def collect():
    # CPython sends a RemoteReference's decref as soon as its last reference
    # goes; collect() also catches any that sit in a reference cycle.
    gc.collect()


# --------------------------------------------------------------------------
# Copy and cache classes (the wire names are the demo contract's)

POINT_TYPE = "pbj.demo.Point"
ROOM_TYPE = "pbj.demo.Room"
UNREGISTERED_TYPE = "__main__.Unregistered"


class Point(pb.Copyable, pb.RemoteCopy):
    """The client's ``pbj.demo.Point``: sent as {"x": x, "y": y}, and what the
    server's points arrive as (registered below)."""

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def getTypeToCopy(self):
        return POINT_TYPE.encode("ascii")

    def getStateToCopy(self):
        return {"x": self.x, "y": self.y}


pb.setUnjellyableForClass(POINT_TYPE, Point)


class Unregistered(pb.Copyable):
    """A Copyable whose type name no peer registers."""

    def getTypeToCopy(self):
        return UNREGISTERED_TYPE.encode("ascii")

    def getStateToCopy(self):
        return {"x": 1}


# Waiters for room events: (id of the cache's shared state, event, Deferred).
# Kept here, not on the cache, so a waiting check never keeps a cache alive.
ROOM_WAITERS = []


class RoomCache(pb.RemoteCache):
    """The client's ``pbj.demo.Room``. Twisted hands out one proxy per token,
    all sharing this state (``__dict__``); ``events`` records every
    observe_* call in order."""

    def setCopyableState(self, state):
        state = {k.decode("utf-8") if isinstance(k, bytes) else k: v for k, v in state.items()}
        self.state_keys = sorted(state, key=repr)
        self.state_types = {k: type(v).__name__ for k, v in state.items()}
        self.topic = state.get("topic")
        self.members = list(state.get("members", []))
        self.messages = list(state.get("messages", []))
        self.events = []

    def _event(self, kind, arg):
        event = (kind, arg)
        self.events.append(event)
        key = id(self.__dict__)
        for waiter in list(ROOM_WAITERS):
            if waiter[0] == key and waiter[1] == event and not waiter[2].called:
                ROOM_WAITERS.remove(waiter)
                waiter[2].callback(event)

    def observe_said(self, text):
        self.messages.append(text)
        self._event("said", text)

    def observe_joined(self, name):
        self.members.append(name)
        self._event("joined", name)

    def observe_left(self, name):
        if name in self.members:
            self.members.remove(name)
        self._event("left", name)


pb.setUnjellyableForClass(ROOM_TYPE, RoomCache)


def room_event(cache, kind, arg):
    """A Deferred that fires when cache (any proxy of it) gets observe_<kind>(arg).
    Make it before the call that causes the event: the event may arrive first."""
    d = defer.Deferred()
    ROOM_WAITERS.append((id(cache.__dict__), (kind, arg), d))
    return d


async def wait_event(cache, d, what, seconds=5.0):
    """Await a room_event Deferred; a CheckFailed naming what was missed on timeout."""
    timer = reactor.callLater(seconds, d.cancel)
    try:
        ok, result = await settle(d)
    except defer.CancelledError:
        raise CheckFailed("%s did not arrive within %g s; events seen: %s" % (what, seconds, short(cache.events)))
    finally:
        if timer.active():
            timer.cancel()
        for waiter in list(ROOM_WAITERS):
            if waiter[2] is d:
                ROOM_WAITERS.remove(waiter)
    expect(ok, "%s failed: %s" % (what, short(result)))
    return result


async def login(connection, username, password):
    """PBClientFactory.login on this connection; the avatar."""
    return await connection.factory.login(credentials.UsernamePassword(username, password))


async def wait_until(probe, want, trips=40, what="value"):
    """Poll the async probe() (one round trip each) until it returns want; the values seen."""
    seen = []
    for _ in range(trips):
        value = await probe()
        seen.append(value)
        if value == want:
            return seen
        await task.deferLater(reactor, 0.025, lambda: None)
    raise CheckFailed("%s never became %r; saw %s" % (what, want, short(seen, 400)))


# --------------------------------------------------------------------------
# Echo


@check("echo_none")
async def echo_none(ctx):
    return await echo_each(ctx, [None])


@check("echo_bool")
async def echo_bool(ctx):
    return await echo_each(ctx, [True, False])


INTS = [
    0, 1, -1, 127, 128, 2**31 - 1, 2**31, -(2**31), -(2**31) - 1,
    2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64, 2**100, -(2**200), 2**447,
]


@check("echo_ints")
async def echo_ints(ctx):
    return await echo_each(ctx, INTS)


@check("echo_floats")
async def echo_floats(ctx):
    return await echo_each(
        ctx, [1.5, -1.5, 0.0, -0.0, 1e300, 5e-324, float("inf"), float("-inf"), float("nan")]
    )


@check("echo_bytes")
async def echo_bytes(ctx):
    return await echo_each(ctx, [b"", b"hi", bytes(range(256)), b"copy", b"tuple", b"\x00"])


@check("echo_text")
async def echo_text(ctx):
    long_text = ("ab\u00e9\u2603\U0001d11e" * 2000)[:10000]
    assert len(long_text) == 10000
    return await echo_each(
        ctx,
        ["", "hi", "\u00e9", "\u2603 snowman", "tuple", "copy", "\U0001d11e clef", "nul\x00inside", long_text],
    )


@check("echo_list")
async def echo_list(ctx):
    return await echo_each(
        ctx,
        [
            [1, "a", b"b", None, True, 2.5, [1, 2], (3,)],
            [[]],
            [[1, [2, [3]]], {"k": [4]}],
            list(range(1000)),
        ],
    )


@check("echo_tuple")
async def echo_tuple(ctx):
    return await echo_each(ctx, [(1, "a", b"b"), (), (1,), ((1, 2), [3], (4, (5,))), ([],)])


@check("echo_dict")
async def echo_dict(ctx):
    return await echo_each(
        ctx,
        [
            {"text": 1, "other": "two"},
            {b"bytes": 1, b"copy": b"v"},
            {1: "one", -2: "minus two", 2**70: "big"},
            {(1, 2): "tuple key", (b"a", ("b",)): "nested tuple key"},
            {"text": 1, b"bytes": 2, 3: "int", (1, 2): "tuple"},
            {"nested": {"a": {"b": [1, {"c": None}]}, "t": (1, {"d": 2.5})}},
        ],
    )


@check("echo_set")
async def echo_set(ctx):
    return await echo_each(ctx, [{1, 2, 3}, {"a", b"b", (1, 2), 3}, [{1}, {2}]])


@check("echo_frozenset")
async def echo_frozenset(ctx):
    return await echo_each(ctx, [frozenset([1, 2]), frozenset(["a", b"b"]), [frozenset([3]), {4}], (frozenset([5]),)])


@check("echo_empty_containers")
async def echo_empty_containers(ctx):
    return await echo_each(
        ctx, [[], (), {}, set(), frozenset(), "", b"", [[], (), {}, set(), frozenset(), "", b""]]
    )


@check("echo_nested")
async def echo_nested(ctx):
    value = "bottom"
    for _ in range(50):
        value = [value]
    result = await call(ctx.root, "echo", value)
    depth = 0
    node = result
    while type(node) is list:
        expect(len(node) == 1, "level %d has %d elements" % (depth, len(node)))
        node = node[0]
        depth += 1
    expect(depth == 50 and node == "bottom", "depth %d, innermost %s" % (depth, short(node)))
    return "depth 50"


@check("echo_shared")
async def echo_shared(ctx):
    x = [1]
    result = await call(ctx.root, "echo", [x, x])
    diff = same([x, x], result)
    expect(diff is None, diff)
    expect(result[0] is result[1], "result[0] is not result[1]")
    d = {"k": 1}
    result = await call(ctx.root, "echo", {"a": d, "b": d, "t": (d,)})
    expect(result["a"] is result["b"] and result["t"][0] is result["a"], "shared dict arrived as copies")
    return "result[0] is result[1]"


@check("echo_shared_immutables")
async def echo_shared_immutables(ctx):
    # Twisted's jelly wraps a tuple or frozenset seen twice in reference /
    # dereference too, not only mutable containers: the server must decode that.
    t = (1, "t")
    f = frozenset([3])
    inner = (2,)
    return await echo_each(ctx, [[t, t], [f, f, t], ((inner,), (inner,)), {"a": t, "b": t}])


@check("echo_cycle")
async def echo_cycle(ctx):
    y = []
    y.append(y)
    result = await call(ctx.root, "echo", y)
    expect(type(result) is list and len(result) == 1, "got %s" % short(result))
    expect(result[0] is result, "result[0] is not result")
    return "result[0] is result"


@check("echo_dict_cycle")
async def echo_dict_cycle(ctx):
    d = {}
    d["self"] = d
    result = await call(ctx.root, "echo", d)
    expect(type(result) is dict and list(result) == ["self"], "got %s" % short(result))
    expect(result["self"] is result, 'result["self"] is not result')
    return 'result["self"] is result'


@check("echo_tuple_cycle")
async def echo_tuple_cycle(ctx):
    inner = []
    t = (inner,)
    inner.append(t)
    result = await call(ctx.root, "echo", t)
    expect(type(result) is tuple and len(result) == 1, "got %s" % short(result))
    expect(type(result[0]) is list and len(result[0]) == 1, "result[0] is %s" % short(result[0]))
    expect(result[0][0] is result, "result[0][0] is not result")
    return "result[0][0] is result"


@check("echo_decimal")
async def echo_decimal(ctx):
    D = decimal.Decimal
    return await echo_each(ctx, [D("9.95"), D("0"), D("123456"), D("-78.901"), D("1.50"), D("1E+10"), [D("2.5")]])


@check("echo_datetime")
async def echo_datetime(ctx):
    return await echo_each(
        ctx,
        [
            datetime.date(2020, 7, 11),
            datetime.time(1, 16, 5, 344),
            datetime.datetime(2020, 7, 11, 1, 16, 5, 344),
            datetime.timedelta(days=8, seconds=4565, microseconds=344),
        ],
    )


def expected_types():
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


@check("types_from_server")
async def types_from_server(ctx):
    result = await call(ctx.root, "types")
    expect(type(result) is dict, "types() returned %s" % short(result))
    expected = expected_types()
    problems = []
    bad_keys = [k for k in result if type(k) is not str]
    if bad_keys:
        problems.append("non-text keys: %s" % short(bad_keys))
    missing = sorted(set(expected) - set(result))
    extra = sorted(k for k in result if k not in expected and type(k) is str)
    if missing:
        problems.append("missing: %s" % ", ".join(missing))
    if extra:
        problems.append("unexpected: %s" % ", ".join(extra))
    for key, value in expected.items():
        if key in result:
            diff = same(value, result[key], key)
            if diff:
                problems.append(diff)
    shared = result.get("shared")
    if type(shared) is list and len(shared) == 2 and shared[0] is not shared[1]:
        problems.append("shared: the two elements are distinct objects")
    cycle = result.get("cycle")
    if type(cycle) is list and len(cycle) == 1 and cycle[0] is not cycle:
        problems.append("cycle: cycle[0] is not cycle")
    expect(not problems, "; ".join(problems))
    return "%d values with the right types (shared identity and cycle included)" % len(expected)


# --------------------------------------------------------------------------
# add


@check("add_ints")
async def add_ints(ctx):
    for a, b, want in [(2, 3, 5), (2**64, 1, 2**64 + 1), (-5, 2, -3), (2**31 - 1, 1, 2**31)]:
        got = await call(ctx.root, "add", a, b)
        expect(type(got) is int and got == want, "add(%d, %d) = %s, expected %d" % (a, b, short(got), want))
    return "2+3, 2**64+1, -5+2, 2**31-1+1"


@check("add_floats")
async def add_floats(ctx):
    got = await call(ctx.root, "add", 1.5, 2.25)
    expect(type(got) is float and got == 3.75, "add(1.5, 2.25) = %s" % short(got))
    return "1.5 + 2.25 = 3.75"


@check("add_kwargs")
async def add_kwargs(ctx):
    got = await call(ctx.root, "add", a=1, b=2)
    expect(type(got) is int and got == 3, "add(a=1, b=2) = %s" % short(got))
    got = await call(ctx.root, "add", 1, b=2)
    expect(type(got) is int and got == 3, "add(1, b=2) = %s" % short(got))
    return "add(a=1, b=2) = 3, add(1, b=2) = 3"


# --------------------------------------------------------------------------
# Errors


@check("fail_is_pb_error")
async def fail_is_pb_error(ctx):
    ok, fail = await settle(ctx.root.callRemote("fail", "nope"))
    expect(not ok, "fail('nope') answered %s" % short(fail))
    expect(fail.check(pb.Error) is not None, "failure does not check(pb.Error): %s parents=%s"
           % (describe(fail), getattr(fail, "parents", None)))
    expect(fail.value == "nope", "value is %r, expected 'nope'" % (fail.value,))
    try:
        await ctx.root.callRemote("fail", "nope")
    except pb.RemoteError as e:
        remote_type = e.remoteType
        expect(remote_type == b"twisted.spread.pb.Error", "RemoteError.remoteType is %r" % (remote_type,))
        expect(str(e) == "nope", "str(RemoteError) is %r" % str(e))
    else:
        raise CheckFailed("awaiting fail('nope') did not raise")
    return "type=%s value=%r; await raises RemoteError(remoteType=%r)" % (type_name(fail), fail.value, remote_type)


@check("crash_is_remote_error")
async def crash_is_remote_error(ctx):
    ok, fail = await settle(ctx.root.callRemote("crash"))
    expect(not ok, "crash() answered %s" % short(fail))
    detail = "type=%s value=%r traceback=%r parents=%s" % (
        type_name(fail), fail.value, getattr(fail, "traceback", None), getattr(fail, "parents", None))
    expect(fail.check(pb.Error) is None, "crash() failure is a pb.Error: " + detail)
    expect(isinstance(fail.type, bytes) and fail.type, "no remote type: " + detail)
    expect(getattr(fail, "traceback", None) == "Traceback unavailable\n", "traceback differs: " + detail)
    return detail


@check("no_such_method")
async def no_such_method(ctx):
    ok, fail = await settle(ctx.root.callRemote("nosuch"))
    expect(not ok, "nosuch() answered %s" % short(fail))
    is_nsm = fail.check(flavors.NoSuchMethod) is not None or type_name(fail) == "twisted.spread.flavors.NoSuchMethod"
    expect(is_nsm, "not a NoSuchMethod: %s parents=%s" % (describe(fail), getattr(fail, "parents", None)))
    expect(fail.value == "No such method: remote_nosuch", "value is %r" % (fail.value,))
    return "%s; check(AttributeError)=%s" % (describe(fail), fail.check(AttributeError) is not None)


@check("wrong_arity_fails")
async def wrong_arity_fails(ctx):
    ok, fail = await settle(ctx.root.callRemote("add", 1))
    expect(not ok, "add(1) answered %s" % short(fail))
    after = await call(ctx.root, "echo", "still usable")
    expect(after == "still usable", "echo after the error returned %s" % short(after))
    return "add(1) failed with %s; connection still usable" % describe(fail)


# --------------------------------------------------------------------------
# References


@check("callback_into_client")
async def callback_into_client(ctx):
    catcher = Catcher()
    got = await call(ctx.root, "callback", catcher, "hi")
    expect(got == "got hi" and type(got) is str, "callback(ref, 'hi') = %s" % short(got))
    expect(catcher.calls == ["hi"], "remote_got was called with %s" % short(catcher.calls))
    await call(ctx.root, "echo", None)
    if exported_entries(ctx.broker, catcher):
        raise CheckFailed("client still exports the callback object after the answer and one round trip; "
                          + await wait_for_release(ctx, catcher))
    return "got hi; the server released the client's object"


@check("callback_error_propagates")
async def callback_error_propagates(ctx):
    catcher = Catcher()
    ok, fail = await settle(ctx.root.callRemote("callback", catcher, "boom"))
    expect(not ok, "callback(ref, 'boom') answered %s" % short(fail))
    expect(catcher.calls == ["boom"], "remote_got was called with %s" % short(catcher.calls))
    expect("boom" in str(fail.value), "error does not mention 'boom': %s" % describe(fail))
    return "the client's pb.Error came back as %s (check(pb.Error)=%s)" % (
        describe(fail), fail.check(pb.Error) is not None)


@check("counter")
async def counter(ctx):
    root = ctx.root
    base = await call(root, "exported")
    expect(type(base) is int, "exported() = %s" % short(base))
    c1 = await call(root, "counter")
    expect(isinstance(c1, pb.RemoteReference), "counter() = %s" % short(c1))
    got = [await call(c1, "increment"), await call(c1, "increment", n=5), await call(c1, "value")]
    expect(got == [1, 6, 6], "increment(), increment(n=5), value() = %s, expected [1, 6, 6]" % got)
    c2 = await call(root, "counter", start=10)
    got = await call(c2, "value")
    expect(got == 10, "counter(start=10).value() = %s" % short(got))
    c3 = await call(root, "counter", 3)
    got = await call(c3, "value")
    expect(got == 3, "counter(3).value() = %s" % short(got))
    counts = [base, await call(root, "exported")]
    del c1
    collect()
    counts.append(await call(root, "exported"))
    del c2, c3
    collect()
    counts.append(await call(root, "exported"))
    want = [base, base + 3, base + 2, base]
    expect(counts == want, "exported() before/with 3 counters/after dropping 1/after dropping all = %s, expected %s"
           % (counts, want))
    return "1, 6, 6, 10, 3; exported() %s" % counts


@check("refcount_per_token")
async def refcount_per_token(ctx):
    root = ctx.root
    base = await call(root, "exported")
    first = await call(root, "counter", start=1)
    second = await call(root, "echo", first)  # travels out as (local N), back as (remote N)
    expect(isinstance(second, pb.RemoteReference), "echo(counter) = %s" % short(second))
    expect(second.luid == first.luid, "echo(counter) came back as luid %r, sent %r" % (second.luid, first.luid))
    same_obj = await call(root, "identity", first, second)
    expect(same_obj is True, "identity(ref, echoed ref) = %s" % short(same_obj))
    counts = [await call(root, "exported")]
    del first
    collect()
    counts.append(await call(root, "exported"))
    value = await call(second, "value")
    expect(value == 1, "value() through the second proxy = %s after dropping the first" % short(value))
    del second
    collect()
    counts.append(await call(root, "exported"))
    want = [base + 1, base + 1, base]
    expect(counts == want, "exported() with 2 tokens/after 1 decref/after 2 decrefs = %s, expected %s" % (counts, want))
    return "one luid, two tokens, two decrefs: exported() %s" % counts


@check("released_reference_invalid")
async def released_reference_invalid(ctx):
    ref = await call(ctx.root, "counter")
    luid = ref.luid
    del ref
    collect()
    await call(ctx.root, "exported")
    stale = pb.RemoteReference(None, ctx.broker, luid, 0)  # 0: never sends decref
    ok, fail = await settle(stale.callRemote("value"))
    expect(not ok, "value() on released luid %r answered %s" % (luid, short(fail)))
    expect(fail.check(pb.Error) is not None, "not a pb.Error: %s" % describe(fail))
    return "call to released luid %r: %s" % (luid, describe(fail))


@check("reference_identity")
async def reference_identity(ctx):
    ref = await call(ctx.root, "counter")
    other = await call(ctx.root, "counter")
    same_obj = await call(ctx.root, "identity", ref, ref)
    expect(same_obj is True, "identity(ref, ref) = %s" % short(same_obj))
    different = await call(ctx.root, "identity", ref, other)
    expect(different is False, "identity(ref, other) = %s" % short(different))
    return "identity(ref, ref) is True, identity(ref, other) is False"


@check("root_identity")
async def root_identity(ctx):
    same_obj = await call(ctx.root, "identity", ctx.root, ctx.root)
    expect(same_obj is True, 'identity(root, root) with (local "root") = %s' % short(same_obj))
    return '(local "root") resolves to the root'


@check("hold_and_return")
async def hold_and_return(ctx):
    catcher = Catcher()
    await call(ctx.root, "hold", catcher)
    back = await call(ctx.root, "held")
    expect(back is catcher, "held() returned %s, not the client's own object" % short(back))
    del back
    expect(exported_entries(ctx.broker, catcher), "client no longer exports the object while the server holds it")
    await call(ctx.root, "release")
    await call(ctx.root, "echo", None)
    if exported_entries(ctx.broker, catcher):
        raise CheckFailed("held() returned the very object, but after release() the client still exports it; "
                          + await wait_for_release(ctx, catcher))
    return "held() is the client's own object; release() made the server decref it"


@check("kwargs")
async def kwargs(ctx):
    ok, result = await settle(ctx.root.callRemote("kw", 1, b=2))
    if not ok:
        if result.check(flavors.NoSuchMethod) is not None or type_name(result) == "twisted.spread.flavors.NoSuchMethod":
            return "not served"
        raise CheckFailed("kw(1, b=2) failed: %s" % describe(result))
    diff = same(((1,), {"b": 2}), result)
    expect(diff is None, "kw(1, b=2): %s" % diff)
    return "kw(1, b=2) = ((1,), {'b': 2})"


@check("one_way_call")
async def one_way_call(ctx):
    nothing = ctx.root.callRemote("echo", "one-way", pbanswer=False)
    expect(nothing is None, "callRemote(pbanswer=False) returned %s" % short(nothing))
    ctx.root.callRemote("crash", pbanswer=False)
    ctx.root.callRemote("nosuch", pbanswer=False)
    # An unsolicited answer or error makes Twisted drop the connection, which
    # would fail this call.
    after = await call(ctx.root, "echo", "after")
    expect(after == "after", "echo after one-way calls = %s" % short(after))
    return "no answer or error sent for answerRequired=0 (echo, crash, nosuch)"


@check("many_calls_in_flight")
async def many_calls_in_flight(ctx):
    values = [(i, "v%d" % i, b"b" * (i % 7)) for i in range(200)]
    results = await defer.gatherResults([ctx.root.callRemote("echo", v) for v in values], consumeErrors=True)
    wrong = [i for i, (v, r) in enumerate(zip(values, results)) if same(v, r) is not None]
    expect(not wrong, "%d answers wrong, first at call %s: %s" % (len(wrong), wrong[:1], short(results[wrong[0]]) if wrong else ""))
    return "200 concurrent echoes answered correctly"


@check("big_string")
async def big_string(ctx):
    payload = (bytes(range(256)) * 2344)[:600000]
    result = await call(ctx.root, "echo", payload)
    expect(type(result) is bytes, "got %s" % type(result).__name__)
    expect(result == payload, "600000 bytes sent, %d came back different" % len(result))
    return "600000 bytes echoed"


PAGED_BYTES = 50 * 1024 * 1024


def pattern(n):
    """The demo's paging payload: byte i is i % 251."""
    return (bytes(range(251)) * (n // 251 + 1))[:n]


@check("paging_download", timeout=120)
async def paging_download(ctx):
    pages = await util.getAllPages(ctx.root, "download", PAGED_BYTES)
    data = b"".join(pages)
    expect(all(type(page) is bytes for page in pages), "page types %s" % sorted({type(p).__name__ for p in pages}))
    expect(len(data) == PAGED_BYTES, "%d bytes paged, not %d" % (len(data), PAGED_BYTES))
    expected = hashlib.sha256(pattern(PAGED_BYTES)).hexdigest()
    got = hashlib.sha256(data).hexdigest()
    expect(got == expected, "sha256 %s, not the pattern's %s" % (got, expected))
    return "%d bytes in %d pages, sha256 %s" % (len(data), len(pages), got)


class FileSource(pb.Referenceable):
    """Pages its bytes with Twisted's FilePager to whoever asks, as getAllPages(source, "getPages") does."""

    def __init__(self, data):
        self.data = data

    def remote_getPages(self, collector):
        util.FilePager(collector, io.BytesIO(self.data))


@check("paging_upload", timeout=120)
async def paging_upload(ctx):
    data = pattern(PAGED_BYTES)[::-1]
    got = await call(ctx.root, "upload", FileSource(data))
    expected = [len(data), hashlib.sha256(data).hexdigest()]
    expect(list(got) == expected, "upload answered %s, not %s" % (short(got), expected))
    return "%d bytes paged by FilePager, server saw sha256 %s" % (len(data), got[1])


@check("answers_out_of_order", mode="own")
async def answers_out_of_order(ctx):
    connection = await ctx.fresh()
    slow = connection.root.callRemote("never")
    fast = await call(connection.root, "echo", "fast")
    expect(fast == "fast", "echo('fast') = %s" % short(fast))
    expect(not slow.called, "never() answered")
    connection.close()
    ok, fail = await settle(slow)
    expect(not ok and fail.check(pb.PBConnectionLost) is not None,
           "after closing, never() gave %s" % (describe(fail) if not ok else short(fail)))
    return "echo answered while never() was pending; closing failed never() with PBConnectionLost"


# --------------------------------------------------------------------------
# Copies


@check("copy_point")
async def copy_point(ctx):
    p = await call(ctx.root, "point", 3, 4)
    expect(type(p) is Point, "point(3, 4) = %s, not the RemoteCopy registered for %s" % (short(p), POINT_TYPE))
    state = vars(p)
    expect(p.x == 3 and p.y == 4 and type(p.x) is int and type(p.y) is int, "point(3, 4) has state %s" % short(state))
    expect(sorted(state) == ["x", "y"], "point(3, 4) has state keys %s, expected x, y" % short(sorted(state)))
    return "point(3, 4) arrived as %s with x=3, y=4" % POINT_TYPE


@check("copy_accept_point")
async def copy_accept_point(ctx):
    got = await call(ctx.root, "accept_point", Point(5, 6))
    expect(same([5, 6], got) is None, "accept_point(Point(5, 6)) = %s, expected [5, 6]" % short(got))
    return "accept_point(Point(5, 6)) = [5, 6]"


@check("copy_echo_point")
async def copy_echo_point(ctx):
    sent = Point(7, -8)
    back = await call(ctx.root, "echo", sent)
    expect(type(back) is Point, "echo(Point) = %s" % short(back))
    expect(back is not sent, "echo(Point) returned the very object sent")
    expect((back.x, back.y) == (7, -8), "echo(Point(7, -8)) has x=%s, y=%s" % (short(back.x), short(back.y)))
    return "echo(Point(7, -8)) came back as a new, equal Point"


@check("copy_shared_in_list")
async def copy_shared_in_list(ctx):
    p = Point(1, 2)
    result = await call(ctx.root, "echo", [p, p])
    expect(type(result) is list and len(result) == 2, "echo([p, p]) = %s" % short(result))
    expect(all(type(r) is Point for r in result), "echo([p, p]) = %s" % short(result))
    expect(result[0] is result[1], "echo([p, p]): the two points came back as distinct objects")
    expect((result[0].x, result[0].y) == (1, 2), "echo([p, p]) point has x=%s, y=%s" % (result[0].x, result[0].y))
    return "echo([p, p]) gives result[0] is result[1]"


@check("copy_unregistered_refused")
async def copy_unregistered_refused(ctx):
    ok, fail = await settle(ctx.root.callRemote("echo", Unregistered()))
    expect(not ok, "echo(%s copy) answered %s" % (UNREGISTERED_TYPE, short(fail)))
    expect(type_name(fail) == "twisted.spread.jelly.InsecureJelly",
           "failure type is %s, expected twisted.spread.jelly.InsecureJelly (value %r)"
           % (type_name(fail), fail.value))
    after = await call(ctx.root, "echo", "still usable")
    expect(after == "still usable", "echo after the refused copy = %s" % short(after))
    return "refused with %s; connection still usable" % describe(fail)


# --------------------------------------------------------------------------
# Caches


@check("cache_room")
async def cache_room(ctx):
    room = await call(ctx.root, "room")
    expect(type(room) is RoomCache, "room() = %s, not the RemoteCache registered for %s" % (short(room), ROOM_TYPE))
    expect(room.state_keys == ["members", "messages", "topic"], "state keys %s" % short(room.state_keys))
    types = room.state_types
    expect(types == {"topic": "str", "members": "list", "messages": "list"},
           "state value types %s, expected topic str, members list, messages list" % short(types))
    for key in ("members", "messages"):
        value = getattr(room, key)
        expect(all(type(v) is str for v in value), "%s = %s, expected a list of text" % (key, short(value)))
    text = "hello from client"
    said = room_event(room, "said", text)
    answer = await call(ctx.root, "say", text)
    expect(answer is None, "say() = %s" % short(answer))
    await wait_event(room, said, "observe_said(%r)" % text)
    expect(room.messages and room.messages[-1] == text, "messages = %s" % short(room.messages[-3:]))
    return "topic %r, %d members, %d messages; observe_said arrived and messages ends with it" % (
        room.topic, len(room.members), len(room.messages))


@check("cache_same_object")
async def cache_same_object(ctx):
    first = await call(ctx.root, "room")
    second = await call(ctx.root, "room")
    expect(type(first) is RoomCache and type(second) is RoomCache, "room() twice = %s, %s" % (short(first), short(second)))
    shares = first is second or first.__dict__ is second.__dict__
    expect(shares, "the two room() proxies do not share state")
    text = "seen by both proxies"
    said = room_event(first, "said", text)
    await call(ctx.root, "say", text)
    await wait_event(first, said, "observe_said(%r)" % text)
    expect(second.messages[-1:] == [text], "second proxy's messages end %s" % short(second.messages[-3:]))
    results = [await call(ctx.root, "is_room", first), await call(ctx.root, "is_room", second)]
    expect(results == [True, True], "is_room(first), is_room(second) = %s" % results)
    return "%s; the second proxy sees the first's update; is_room(cache) is True" % (
        "one object" if first is second else "two proxies sharing one state")


@check("cache_release_stops_observing")
async def cache_release_stops_observing(ctx):
    collect()
    room = await call(ctx.root, "room")
    expect(type(room) is RoomCache, "room() = %s" % short(room))
    again = await call(ctx.root, "room")  # two tokens: both must be decached
    n = await call(ctx.root, "room_observers")
    expect(type(n) is int and n >= 1, "room_observers() = %s while this client observes" % short(n))
    del room, again
    collect()
    seen = await wait_until(lambda: call(ctx.root, "room_observers"), n - 1, what="room_observers()")
    return "room_observers() %d while observing, %d after %d round trip(s) once released" % (n, n - 1, len(seen))


# --------------------------------------------------------------------------
# Login (twisted.cred), perspectives and viewables


@check("login_alice", mode="own")
async def login_alice(ctx):
    connection = await ctx.fresh()
    try:
        avatar = await login(connection, b"alice", b"wonderland")
        expect(isinstance(avatar, pb.RemoteReference), "login gave %s" % short(avatar))
        who = await call(avatar, "whoami")
        expect(who == "alice" and type(who) is str, "whoami() = %s" % short(who))
        shout = await call(avatar, "shout", "hi")
        expect(shout == "alice: hi" and type(shout) is str, "shout('hi') = %s" % short(shout))
        board = await call(avatar, "board")
        expect(isinstance(board, pb.RemoteReference), "board() = %s" % short(board))
        post = await call(board, "post", "x")
        expect(post == "alice posted x" and type(post) is str, "board().post('x') = %s" % short(post))
        return "whoami() = 'alice', shout('hi') = 'alice: hi', board().post('x') = 'alice posted x'"
    finally:
        connection.close()


@check("viewable_sees_each_caller", mode="own")
async def viewable_sees_each_caller(ctx):
    alice_connection = await ctx.fresh()
    bob_connection = await ctx.fresh()
    try:
        alice = await login(alice_connection, b"alice", b"wonderland")
        bob = await login(bob_connection, b"bob", b"builder")
        alice_board = await call(alice, "board")
        bob_board = await call(bob, "board")
        posts = [await call(alice_board, "post", "a"), await call(bob_board, "post", "b")]
        expect(posts == ["alice posted a", "bob posted b"], "posts = %s" % short(posts))
        return "alice's post: %r, bob's post: %r" % tuple(posts)
    finally:
        alice_connection.close()
        bob_connection.close()


@check("login_wrong_password", mode="own")
async def login_wrong_password(ctx):
    connection = await ctx.fresh()
    try:
        ok, fail = await settle(connection.factory.login(credentials.UsernamePassword(b"alice", b"looking-glass")))
        expect(not ok, "login with a wrong password gave %s" % short(fail))
        expect(fail.check(UnauthorizedLogin) is not None, "failure is %s parents=%s"
               % (describe(fail), getattr(fail, "parents", None)))
        avatar = await login(connection, b"alice", b"wonderland")
        who = await call(avatar, "whoami")
        expect(who == "alice", "whoami() after the retry = %s" % short(who))
        return "wrong password: %s; the retry on the same connection logged in as alice" % describe(fail)
    finally:
        connection.close()


@check("login_unknown_user", mode="own")
async def login_unknown_user(ctx):
    connection = await ctx.fresh()
    try:
        ok, fail = await settle(connection.factory.login(credentials.UsernamePassword(b"mallory", b"wonderland")))
        expect(not ok, "login as an unknown user gave %s" % short(fail))
        expect(fail.check(UnauthorizedLogin) is not None, "failure is %s parents=%s"
               % (describe(fail), getattr(fail, "parents", None)))
        return "unknown user: %s" % describe(fail)
    finally:
        connection.close()


@check("login_anonymous", mode="own")
async def login_anonymous(ctx):
    connection = await ctx.fresh()
    try:
        avatar = await connection.factory.login(credentials.Anonymous())
        expect(isinstance(avatar, pb.RemoteReference), "anonymous login gave %s" % short(avatar))
        who = await call(avatar, "whoami")
        expect(who == "anonymous" and type(who) is str, "whoami() = %s" % short(who))
        return "anonymous login; whoami() = 'anonymous'"
    finally:
        connection.close()


@check("members_join_and_leave", mode="own")
async def members_join_and_leave(ctx):
    observer = await ctx.fresh()
    bob_connection = await ctx.fresh()
    try:
        room = await call(observer.root, "room")
        expect(type(room) is RoomCache, "room() = %s" % short(room))
        before = room.members.count("bob")
        joined = room_event(room, "joined", "bob")
        bob = await login(bob_connection, b"bob", b"builder")
        await wait_event(room, joined, "observe_joined('bob')")
        expect(room.members.count("bob") == before + 1, "members after bob logged in: %s" % short(room.members))
        left = room_event(room, "left", "bob")
        bob_connection.close()
        await wait_event(room, left, "observe_left('bob') after bob's connection closed")
        expect(room.members.count("bob") == before, "members after bob left: %s" % short(room.members))
        del bob
        return "joined('bob') and left('bob') arrived; members %s" % short(room.members)
    finally:
        observer.close()
        bob_connection.close()


@check("root_methods_and_login_share_a_port", mode="own")
async def root_methods_and_login_share_a_port(ctx):
    connection = await ctx.fresh()
    try:
        got = await call(connection.root, "echo", "before")
        expect(got == "before", "echo('before') = %s" % short(got))
        avatar = await login(connection, b"alice", b"wonderland")
        who = await call(avatar, "whoami")
        expect(who == "alice", "whoami() = %s" % short(who))
        got = await call(connection.root, "echo", "after")
        expect(got == "after", "echo('after') = %s" % short(got))
        return "echo and login on one connection's root"
    finally:
        connection.close()


@check("pending_call_fails_on_disconnect", mode="last")
async def pending_call_fails_on_disconnect(ctx):
    connection = await ctx.fresh()
    broker_notified = defer.Deferred()
    ref_notified = defer.Deferred()
    connection.broker.notifyOnDisconnect(lambda: broker_notified.callback(None))
    connection.root.notifyOnDisconnect(lambda ref: ref_notified.callback(ref))
    pending = connection.root.callRemote("never")
    dropped = connection.root.callRemote("disconnect")
    results = []
    for name, d in (("never()", pending), ("disconnect()", dropped)):
        ok, fail = await settle(d)
        expect(not ok, "%s answered %s" % (name, short(fail)))
        expect(fail.check(pb.PBConnectionLost) is not None, "%s failed with %s" % (name, describe(fail)))
        results.append("%s: PBConnectionLost" % name)
    await broker_notified
    ref = await ref_notified
    expect(ref is connection.root, "RemoteReference.notifyOnDisconnect got %s" % short(ref))
    try:
        d = connection.root.callRemote("echo", 1)
    except pb.DeadReferenceError as e:
        results.append("later callRemote raised DeadReferenceError(%s)" % e)
    else:
        d.addErrback(lambda f: None)
        raise CheckFailed("callRemote after the disconnect returned %s instead of raising DeadReferenceError" % d)
    results.append("notifyOnDisconnect callbacks ran")
    return "; ".join(results)


# --------------------------------------------------------------------------
# Runner


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


def emit(name, ok, detail):
    if len(detail) > MAX_DETAIL:
        detail = detail[:MAX_DETAIL] + "...(truncated)"
    sys.stdout.write(json.dumps({"check": name, "ok": ok, "detail": detail}) + "\n")
    sys.stdout.flush()


def explain(fail):
    if fail.check(CheckFailed):
        return str(fail.value)
    if fail.check(defer.TimeoutError, defer.CancelledError):
        return "timed out after %g s" % CHECK_TIMEOUT
    if fail.check(pb.RemoteError):
        e = fail.value
        return "remote error %s: %s" % (e.remoteType.decode("utf-8", "replace") if isinstance(e.remoteType, bytes)
                                        else e.remoteType, e)
    return "%s: %s" % (reflect.qual(fail.type) if not isinstance(fail.type, (bytes, str)) else type_name(fail),
                       fail.getErrorMessage())


async def run_one(ctx, name, func):
    d = defer.Deferred.fromCoroutine(func(ctx))
    d.addTimeout(TIMEOUTS.get(name, CHECK_TIMEOUT), reactor)
    ok, result = await d.addCallbacks(lambda value: (True, value), lambda fail: (False, fail))
    if ok:
        return True, "" if result is None else str(result)
    return False, explain(result)


async def ensure_main(ctx):
    """Open (or re-open) the shared connection; a note for the detail if it was re-opened.
    After one failed attempt the later checks fail at once with the same error."""
    if ctx.main is not None and not ctx.main.lost:
        return ""
    if ctx.connect_error is not None:
        raise ctx.connect_error
    note = "" if ctx.main is None else "[the shared connection was lost before this check; reconnected] "
    try:
        ctx.main = await open_connection(ctx.host, ctx.port)
    except Exception as e:
        ctx.connect_error = e
        raise
    return note


async def main(reactor_, argv):
    parser = argparse.ArgumentParser(description="Check a PB server serving the PBJ interop root.")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--only", default=None, help="comma-separated check names (run in the standard order)")
    parser.add_argument("--verbose", action="store_true", help="log at info level to stderr")
    args = parser.parse_args(argv)

    start_logging(args.verbose)

    names = [name for name, _, _ in CHECKS]
    selected = CHECKS
    unknown = []
    if args.only:
        wanted = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in wanted if n not in names]
        selected = [c for c in CHECKS if c[0] in wanted]
    ordered = [c for c in selected if c[2] != "last"] + [c for c in selected if c[2] == "last"]

    ctx = Context(args.host, args.port)
    all_ok = not unknown
    for name in unknown:
        emit(name, False, "unknown check; known: " + ", ".join(names))
    for name, func, mode in ordered:
        note = ""
        if mode == "main":
            try:
                note = await ensure_main(ctx)
            except Exception as e:
                emit(name, False, "could not connect to %s:%d: %s: %s" % (args.host, args.port, type(e).__name__, e))
                all_ok = False
                continue
        ok, detail = await run_one(ctx, name, func)
        emit(name, ok, note + detail)
        all_ok = all_ok and ok
    ctx.close_all()
    # Let the closes reach the server before the reactor stops.
    await task.deferLater(reactor, 0.05, lambda: None)
    raise SystemExit(0 if all_ok else 1)


if __name__ == "__main__":
    task.react(lambda r: defer.Deferred.fromCoroutine(main(r, sys.argv[1:])))
