#!/usr/bin/python3
"""Regenerates vectors.json and invalid.json in this folder from real Twisted.

Run with the Python that has Twisted 22.4 installed:

    /usr/bin/python3 testdata/banana/capture.py [--reference PROTOCOL-REFERENCE.md]

Every byte string written here comes from Twisted itself: single values from Banana's encoder in the "pb" or
"none" dialect (with jelly.jelly for Jelly values), whole messages from a real PB client and server talking
through an in-memory loopback (the bytes of each transport.write are one message). Every case is checked back
through Twisted's decoder, whole and one byte at a time; every invalid case is checked to make Twisted's
decoder fail. With --reference, every hex sequence quoted in that document must appear among the vectors.

The token notation is described in README.md.
"""

import argparse
import datetime
import decimal
import gc
import json
import math
import os
import re
import sys

from twisted.cred import checkers, portal
from twisted.cred.credentials import Anonymous, UsernamePassword
from twisted.internet.testing import StringTransport
from twisted.logger import globalLogBeginner
from twisted.python import failure
from twisted.spread import banana, jelly, pb
from zope.interface import implementer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB = banana.Banana.outgoingVocabulary
PREFIX_LIMIT = 64


# --- Twisted's banana, used directly -------------------------------------------------------------------------


def banana_for(dialect, prefix_limit=PREFIX_LIMIT):
    b = banana.Banana(isClient=1)
    b.setPrefixLimit(prefix_limit)
    b.currentDialect = dialect.encode() if dialect else None
    return b


def tw_encode(value, dialect):
    out = []
    banana_for(dialect)._encode(value, out.append)
    return b"".join(out)


def tw_decode(data, dialect, bytewise=False, prefix_limit=PREFIX_LIMIT):
    b = banana_for(dialect, prefix_limit)
    got = []
    b.expressionReceived = got.append
    if bytewise:
        for i in range(len(data)):
            b.dataReceived(data[i : i + 1])
    else:
        b.dataReceived(data)
    return got


# --- the neutral token notation ------------------------------------------------------------------------------


class Text:
    """A Python str handed to Jelly: the encoder's text() token, sent as (unicode <utf-8>)."""

    def __init__(self, s):
        self.s = s


def fmt_float(f):
    if math.isnan(f):
        return "nan"
    if math.isinf(f):
        return "inf" if f > 0 else "-inf"
    return repr(f)


def parse_float(s):
    return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}.get(s) if s in ("nan", "inf", "-inf") else float(s)


def tokens_of(value, dialect):
    """The tokens a decoder emits for a banana value as Twisted encodes it (vocabulary words as symbols)."""
    out = []

    def walk(v):
        if isinstance(v, Text):
            out.append(["text", v.s])
        elif isinstance(v, (list, tuple)):
            out.append(["list", len(v)])
            for e in v:
                walk(e)
            out.append(["end"])
        elif isinstance(v, bool):
            raise TypeError("banana has no booleans")
        elif isinstance(v, int):
            out.append(["int", str(v)])
        elif isinstance(v, float):
            out.append(["float", fmt_float(v)])
        elif isinstance(v, bytes):
            if dialect == "pb" and v in VOCAB:
                out.append(["symbol", v.decode("ascii")])
            else:
                out.append(["bytes", v.hex()])
        else:
            raise TypeError(repr(v))

    walk(value)
    return out


def value_of(tokens):
    """The Python value Twisted's decoder produces for a token stream (symbols and text read as Twisted does)."""
    stack = [[]]
    for t in tokens:
        kind = t[0]
        if kind == "list":
            stack.append([])
            continue
        if kind == "end":
            item = stack.pop()
        elif kind == "int":
            item = int(t[1])
        elif kind == "float":
            item = parse_float(t[1])
        elif kind == "bytes":
            item = bytes.fromhex(t[1])
        elif kind == "symbol":
            item = t[1].encode("ascii")
        elif kind == "text":
            item = [b"unicode", t[1].encode("utf-8")]
        else:
            raise ValueError(kind)
        stack[-1].append(item)
    (value,) = stack[0]
    return value


def same(a, b):
    """Equality that tells -0.0 from 0.0 and lets NaN equal NaN."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    return type(a) == type(b) and a == b


def hexstr(data):
    return " ".join("%02x" % c for c in data)


# --- building the cases --------------------------------------------------------------------------------------

CASES = []
INVALID = []


def add_value(name, value, dialect="pb", **extra):
    """A value encoded by Twisted; its tokens are what a decoder reports, so the case works both ways."""
    data = tw_encode(value, dialect)
    add_case(name, tokens_of(value, dialect), data, dialect, **extra)


def add_case(name, tokens, data, dialect="pb", encode_only=False, decode_only=False, note=None):
    value = value_of(tokens)
    if not decode_only:
        encoded = tw_encode(value, dialect)
        assert encoded == data, f"{name}: Twisted encodes {hexstr(encoded)}, case says {hexstr(data)}"
    if not encode_only:
        for bytewise in (False, True):
            got = tw_decode(data, dialect, bytewise)
            assert len(got) == 1 and same(list_of(got[0]), value), f"{name}: Twisted decodes {got!r}"
        bidirectional = tokens == tokens_of(value, dialect)
        assert bidirectional or decode_only, f"{name}: a decoder would not report these tokens"
    case = {"name": name, "dialect": dialect, "hex": hexstr(data), "tokens": tokens}
    if encode_only:
        case["encodeOnly"] = True
    if decode_only:
        case["decodeOnly"] = True
    if note:
        case["note"] = note
    assert all(c["name"] != name for c in CASES), name
    CASES.append(case)


def list_of(v):
    return [list_of(e) for e in v] if isinstance(v, (list, tuple)) else v


def add_invalid(name, data, error, dialect="pb", limits=None, twisted=True, note=None):
    """Bytes a decoder must refuse. twisted=False marks PBJ's own guards (Twisted accepts those bytes)."""
    case = {"name": name, "dialect": dialect, "hex": hexstr(data), "error": error}
    if limits:
        case["limits"] = limits
    if twisted:
        prefix_limit = (limits or {}).get("maxPrefixLength", PREFIX_LIMIT)
        for bytewise in (False, True):
            try:
                got = tw_decode(data, dialect, bytewise, prefix_limit)
            except (banana.BananaError, NotImplementedError, KeyError) as e:
                case["twistedError"] = type(e).__name__
            else:
                raise AssertionError(f"{name}: Twisted accepted it: {got!r}")
    if note:
        case["note"] = note
    INVALID.append(case)


def sym(word):
    return ["symbol", word]


def byt(data):
    return ["bytes", data.hex()]


# §2.3 integers, and test_banana's integer tests.
INTEGERS = [
    0, 1, 127, 128, 255, 300, 1015, 10151, 2**31 - 3, 2**31 - 2, 2**31 - 1, 2**31, 2**31 + 1, 2**31 + 2,
    2**32, 2**40, 2**63 - 1, 2**63, 2**64, 1024**10, 2**448 - 1,
    -1, -7, -128, -1015, -(2**31) + 2, -(2**31) + 1, -(2**31), -(2**31) - 1, -(2**31) - 2, -(2**31) - 3,
    -(2**63) + 1, -(2**63), -(2**63) - 1, -(2**64), -(2**448) + 1,
]


def add_scalars():
    for n in INTEGERS:
        add_value(f"int {n}" if abs(n) < 2**128 else f"int {'-' if n < 0 else ''}(2^448-1)", n)
    # test_int2b128: the prefixes of 0-99, 1000-1099, 1000000-1000099, as lists of INTs.
    for lo in (0, 1000, 1000000):
        add_value(f"int2b128 {lo}..{lo + 99}", list(range(lo, lo + 100)))
    for f in (1.5, 2.5, -0.0, 0.0, 1015.0, 30.5, 40.2, -1.25, 1e300, 5e-324, math.inf, -math.inf, math.nan):
        add_value(f"float {fmt_float(f)}", f)
    for name, b in [
        ("empty", b""), ("hi", b"hi"), ("hello", b"hello"), ("six", b"six"),
        ("all 256 byte values", bytes(range(256))), ("127 bytes", b"x" * 127), ("128 bytes", b"y" * 128),
        ("high bytes", b"\x80\x81\xff"), ("unicode is not a word", b"unicode"), ("root", b"root"),
    ]:
        add_value(f"bytes {name}", b)
    add_value("list empty", [])
    add_value("list [1, [2]]", [1, [2]])
    add_value('list [1, b"a", [2]]', [1, b"a", [2]])
    add_value("list nested empties", [[[]], []])
    add_value("list of 200 ints", list(range(200)))


def add_vocabulary():
    for word, index in VOCAB.items():
        w = word.decode()
        add_case(f"vocab {w} as symbol", [sym(w)], bytes([index, 0x87]))
        add_case(f"vocab {w} as bytes is compressed", [byt(word)], bytes([index, 0x87]), encode_only=True)
        add_value(f"vocab {w} in dialect none", word, dialect="none")
        add_case(f"vocab {w} as symbol in dialect none", [sym(w)], tw_encode(word, "none"), "none",
                 encode_only=True)
    add_case("vocab word spelled out decodes as bytes", [byt(b"copy")], bytes.fromhex("04 82 63 6f 70 79"),
             decode_only=True, note="Twisted's decoder accepts a vocabulary word as a plain STRING")
    add_case("symbol that is not a word goes as STRING", [sym("unicode")], tw_encode(b"unicode", "pb"),
             encode_only=True)
    add_case("remote in pb (DialectTests)", [sym("remote")], bytes.fromhex("10 87"))


def add_decode_only():
    for name, data, tokens in [
        ("empty prefix INT is 0", "81", [["int", "0"]]),
        ("empty prefix STRING is empty", "82", [byt(b"")]),
        ("empty prefix LIST is empty", "80", [["list", 0], ["end"]]),
        ("zero-padded prefix", "01 00 00 81", [["int", "1"]]),
        ("NEG zero is 0", "00 83", [["int", "0"]]),
        ("INT beyond 2^31 is read as is", "00 00 00 00 08 81", [["int", str(2**31)]]),
        ("LONGINT of a small value", "01 85", [["int", "1"]]),
        ("LONGNEG of a small value", "01 86", [["int", "-1"]]),
        ("FLOAT prefix is ignored", "05 84 3f f8 00 00 00 00 00 00", [["float", "1.5"]]),
        ("64 prefix bytes accepted", "00 " * 63 + "01 81", [["int", str(2**441)]]),
    ]:
        add_case(name, tokens, bytes.fromhex(data), decode_only=True)


def add_text():
    for s in ["hi", "é", "", "copy", "unicode", "tuple x", "😀 grin", "a\x00b"]:
        add_case(f"text {s!r}", [["text", s]], tw_encode(jelly.jelly(s), "pb"), encode_only=True,
                 note="decodes as the list of its jelly form")
    add_case("text 'hi' in dialect none", [["text", "hi"]], tw_encode(jelly.jelly("hi"), "none"), "none",
             encode_only=True)


def add_jelly():
    """PROTOCOL-REFERENCE §3.8: jelly.jelly of each value, banana-encoded in pb."""
    y = []
    y.append(y)
    x = [1]
    for name, value in [
        ("None", None), ("True", True), ("False", False), ("'hi'", "hi"), ("'é'", "é"), ("b'hi'", b"hi"),
        ("b'copy'", b"copy"), ("1.5", 1.5), ("-7", -7), ("2**40", 2**40), ("[1, 2]", [1, 2]), ("(1, 2)", (1, 2)),
        ("()", ()), ("{'a': 1}", {"a": 1}), ("{1}", {1}), ("frozenset([2])", frozenset([2])),
        ("Decimal('9.95')", decimal.Decimal("9.95")), ("Decimal('-78.901')", decimal.Decimal("-78.901")),
        ("datetime(2020,7,11,1,16,5,344)", datetime.datetime(2020, 7, 11, 1, 16, 5, 344)),
        ("date(2020,7,11)", datetime.date(2020, 7, 11)), ("time(1,16,5,344)", datetime.time(1, 16, 5, 344)),
        ("timedelta(8,4565,344)", datetime.timedelta(8, 4565, 344)), ("y=[]; y.append(y)", y), ("[x, x]", [x, x]),
    ]:
        add_value(f"jelly {name}", jelly.jelly(value))


def add_banana_tests():
    """test_banana's cases (PROTOCOL-REFERENCE §10 items 1-7) not already covered above."""
    foo = [1, 2, [3, 4], [30.5, 40.2], 5, [b"six", b"seven", [b"eight", 9]], [10], []]
    add_value("test_list", foo, dialect="none")
    partial = foo[:-1] + [sys.maxsize * 3, sys.maxsize * 2, sys.maxsize * -2]
    add_value("test_partial", partial, dialect="none")
    add_value("test_string", b"hello", dialect="none")
    add_value("test_float", 1015.0, dialect="none")
    add_value("test_crashNegativeLong", -2147483648, dialect="none")


def add_invalid_cases():
    add_invalid("test_oversizedList", bytes.fromhex("02 01 01 01 01 80"), "limit:maxListLength")
    add_invalid("test_oversizedString", bytes.fromhex("02 01 01 01 01 82"), "limit:maxStringLength")
    add_invalid("test_crashString", bytes.fromhex("00 00 00 00 04 80"), "limit:maxListLength")
    add_invalid("string of 655361 bytes", bytes.fromhex("01 00 28 82"), "limit:maxStringLength")
    add_invalid("list of 655361 elements", bytes.fromhex("01 00 28 80"), "limit:maxListLength")
    add_invalid("test_statelessDecode 65 prefix bytes", b"\x7f" * 65 + b"\x85", "limit:maxPrefixLength")
    add_invalid("65 zero prefix bytes without a type byte", b"\x00" * 65, "limit:maxPrefixLength")
    add_invalid("65 prefix bytes inside a list", bytes.fromhex("02 80 01 81") + b"\x01" * 65 + b"\x81",
                "limit:maxPrefixLength")
    add_invalid("string too long inside a list", bytes.fromhex("02 80 01 00 28 82"), "limit:maxStringLength")
    add_invalid("unknown type byte 0x88", bytes.fromhex("01 88"), "protocol")
    add_invalid("unknown type byte 0xff", bytes.fromhex("ff"), "protocol")
    add_invalid("unknown type byte after a list", bytes.fromhex("01 80 a0"), "protocol")
    add_invalid("test_receiveIllegalPb", bytes.fromhex("7a 87"), "protocol")
    add_invalid("vocab index 0", bytes.fromhex("00 87"), "protocol")
    add_invalid("vocab index 32", bytes.fromhex("20 87"), "protocol")
    add_invalid("vocab with an empty prefix", bytes.fromhex("87"), "protocol")
    add_invalid("test_dialectNotSet remote in none", bytes.fromhex("10 87"), "protocol", dialect="none")
    add_invalid("version in none as vocab", bytes.fromhex("02 80 13 87 06 81"), "protocol", dialect="none")
    add_invalid("lists nested 1001 deep", bytes.fromhex("01 80") * 1000 + bytes.fromhex("00 80"), "limit:maxDepth",
                twisted=False, note="PBJ's own guard, Limits.maxDepth 1000; Twisted has none")
    add_invalid("custom maxStringLength 10 refuses 11", bytes.fromhex("0b 82") + b"x" * 11, "limit:maxStringLength",
                limits={"maxStringLength": 10}, twisted=False)
    add_invalid("custom maxListLength 2 refuses 3", bytes.fromhex("03 80 01 81 02 81 03 81"),
                "limit:maxListLength", limits={"maxListLength": 2}, twisted=False)
    add_invalid("custom maxPrefixLength 2 refuses 3 bytes", bytes.fromhex("00 00 01 81"), "limit:maxPrefixLength",
                limits={"maxPrefixLength": 2})
    add_invalid("custom maxDepth 2 refuses 3", bytes.fromhex("01 80 01 80 00 80"), "limit:maxDepth",
                limits={"maxDepth": 2}, twisted=False)


# --- whole messages from a real PB session -------------------------------------------------------------------


class RecordingTransport(StringTransport):
    def __init__(self, log, direction):
        super().__init__()
        self.log = log
        self.direction = direction

    def write(self, data):
        self.log.append((self.direction, bytes(data)))
        super().write(data)


class Loopback:
    """A PB client and server joined in memory; each transport.write is one whole banana expression."""

    def __init__(self, server_factory):
        self.log = []
        self.client_factory = pb.PBClientFactory()
        self.server = server_factory.buildProtocol(("127.0.0.1", 0))
        self.client = self.client_factory.buildProtocol(("127.0.0.1", 0))
        self.st = RecordingTransport(self.log, "S>C")
        self.ct = RecordingTransport(self.log, "C>S")
        self.server.makeConnection(self.st)
        self.client.makeConnection(self.ct)
        self.pump()

    def pump(self):
        moved = True
        while moved:
            moved = False
            for transport, peer in ((self.st, self.client), (self.ct, self.server)):
                data = transport.value()
                if data:
                    transport.clear()
                    peer.dataReceived(data)
                    moved = True

    def root(self):
        return self.wait(self.client_factory.getRootObject())

    def wait(self, d):
        result = []
        d.addBoth(result.append)
        self.pump()
        assert result, "no result"
        if isinstance(result[0], failure.Failure):
            return result[0]
        return result[0]

    def call(self, ref, name, *args, **kw):
        d = ref.callRemote(name, *args, **kw)
        if d is None:
            self.pump()
            return None
        return self.wait(d)

    def take(self):
        self.pump()
        out = list(self.log)
        del self.log[:]
        return out


class Thing(pb.Referenceable):
    def __init__(self, n):
        self.n = n

    def remote_add(self, x):
        return self.n + x


class MyCopy(pb.Copyable):
    def __init__(self):
        self.x = 1
        self.name = "copy"
        self.data = b"raw"


class MyCache(pb.Cacheable):
    def __init__(self):
        self.value = 10
        self.observers = []

    def getStateToCacheAndObserveFor(self, perspective, observer):
        self.observers.append(observer)
        return {"value": self.value}

    def stoppedObserving(self, perspective, observer):
        if observer in self.observers:
            self.observers.remove(observer)

    def set(self, value):
        self.value = value
        for o in self.observers:
            o.callRemote("setValue", value)


class RemoteMyCopy(pb.RemoteCopy):
    pass


class RemoteMyCache(pb.RemoteCache):
    def observe_setValue(self, value):
        self.value = value


pb.setUnjellyableForClass(MyCopy, RemoteMyCopy)
pb.setUnjellyableForClass(MyCache, RemoteMyCache)


class Callee(pb.Referenceable):
    def remote_hello(self, word):
        return "hello " + word


class Root(pb.Root):
    def __init__(self):
        self.same = Thing(3)
        self.cache = MyCache()
        self.pending = None

    def remote_echo(self, value):
        return value

    def remote_echoKw(self, *args, **kw):
        return args, kw

    def remote_getRef(self, n):
        return Thing(n)

    def remote_getSameRef(self):
        return self.same

    def remote_isSameThing(self, thing):
        return thing is self.same

    def remote_getCopy(self):
        return MyCopy()

    def remote_getNone(self):
        return None

    def remote_getCache(self):
        return self.cache

    def remote_setCacheValue(self, value):
        self.cache.set(value)
        return value

    def remote_getCacheTwice(self):
        return [self.cache, self.cache]

    def remote_isSameCache(self, cache):
        return cache is self.cache

    def remote_callBack(self, ref, word):
        return ref.callRemote("hello", word)

    def remote_fail(self):
        raise pb.Error("nope")

    def remote_failValue(self):
        raise ValueError("bad value")

    def remote_later(self, n):
        from twisted.internet import defer

        self.pending = defer.Deferred()
        return self.pending.addCallback(lambda _: n + 1)


MESSAGES = []


def record(title, entries):
    for i, (direction, data) in enumerate(entries):
        MESSAGES.append((f"{title} {direction}" + (f" #{i + 1}" if len(entries) > 1 else ""), data))


def run_session():
    lb = Loopback(pb.PBServerFactory(Root()))
    record("9.1 handshake", lb.take())
    root = lb.root()
    record("9.1 getRootObject sends nothing", lb.take())
    lb.call(root, "echo", "hi")
    record("9.2 echo text", lb.take())
    lb.call(root, "echo", b"hi")
    record("9.3 echo bytes", lb.take())
    lb.call(root, "echo", [1, 2.5, None, True, (1,), {"k": "v"}, {1}, -5, 2**40])
    record("9.4 echo mixed", lb.take())
    lb.call(root, "echoKw", 1, kw1="x")
    record("9.4 echoKw", lb.take())
    ref = lb.call(root, "getRef", 7)
    record("9.5 getRef", lb.take())
    lb.call(ref, "add", 5)
    record("9.5 add by luid", lb.take())
    del ref
    gc.collect()
    record("9.5 decref", lb.take())
    same1 = lb.call(root, "getSameRef")
    same2 = lb.call(root, "getSameRef")
    record("9.5 getSameRef twice", lb.take())
    lb.call(root, "isSameThing", same2)
    record("9.5 isSameThing local", lb.take())
    del same1, same2
    gc.collect()
    record("9.5 decref each remote", lb.take())
    copy = lb.call(root, "getCopy")
    assert isinstance(copy, RemoteMyCopy), copy
    record("9.6 copy", lb.take())
    lb.call(root, "getNone")
    record("9.6 None answer", lb.take())
    cache = lb.call(root, "getCache")
    record("9.7 cache", lb.take())
    lb.call(root, "setCacheValue", 42)
    record("9.7 cachemessage", lb.take())
    twice = lb.call(root, "getCacheTwice")
    record("9.7 cached twice", lb.take())
    lb.call(root, "isSameCache", cache)
    record("9.7 lcache", lb.take())
    del cache, twice
    gc.collect()
    record("9.7 decache and uncache", lb.take())
    lb.call(root, "callBack", Callee(), "world")
    record("9.8 callback into the client", lb.take())
    failure.count = 4  # the captured CopyableFailure says count 5
    lb.call(root, "fail")
    record("9.8 error pb.Error", lb.take())
    lb.call(root, "failValue")
    record("9.8 error ValueError", lb.take())
    lb.call(root, "nosuch")
    record("9.8 error NoSuchMethod", lb.take())
    lb.client.currentRequestID = 21
    d22 = root.callRemote("later", 1)
    lb.call(root, "echo", "fast")
    lb.server.factory.root.pending.callback(None)
    lb.wait(d22)
    record("9.6 out of order", lb.take())
    lb.call(root, "echo", "noanswer", pbanswer=0)
    record("9.6 answerRequired 0", lb.take())


@implementer(portal.IRealm)
class Realm:
    def requestAvatar(self, avatar_id, mind, *interfaces):
        return pb.IPerspective, Avatar(avatar_id), lambda: None


class Avatar(pb.Avatar):
    def __init__(self, name):
        self.name = name

    def perspective_whoami(self):
        return self.name


class Mind(pb.Referenceable):
    pass


def run_login():
    pb.challenge = lambda: bytes.fromhex("d7855f062d8b00d50da03cf79daec0af")  # the captured one
    checker = checkers.InMemoryUsernamePasswordDatabaseDontUse(alice=b"secret")
    p = portal.Portal(Realm(), [checker, checkers.AllowAnonymousAccess()])

    lb = Loopback(pb.PBServerFactory(p))
    lb.take()
    avatar = lb.wait(lb.client_factory.login(UsernamePassword(b"alice", b"secret"), client=Mind()))
    gc.collect()
    record("9.9 login", lb.take())
    lb.call(avatar, "whoami")
    record("9.9 whoami", lb.take())

    lb = Loopback(pb.PBServerFactory(p))
    lb.take()
    lb.wait(lb.client_factory.login(Anonymous(), client=Mind()))
    gc.collect()
    record("9.10 anonymous login", lb.take())


def add_messages():
    run_session()
    run_login()
    before_dialect = {"9.1 handshake S>C #1", "9.1 handshake C>S #2"}
    for name, data in MESSAGES:
        if name in before_dialect:
            # Sent before a dialect is chosen: no vocabulary applies, so "none" decodes it exactly.
            dialect = "none"
        else:
            dialect = "pb"
        value = tw_decode(data, dialect)
        assert len(value) == 1, name
        add_case(name, tokens_of(value[0], dialect), data, dialect, note=sexp(value[0], dialect))
    add_case("9.1 version in dialect none", tokens_of([b"version", 6], "none"), tw_encode([b"version", 6], "none"),
             "none")


def sexp(value, dialect):
    """PROTOCOL-REFERENCE's notation: (list ...), vocabulary words starred, byte strings quoted."""
    if isinstance(value, list):
        return "(" + " ".join(sexp(v, dialect) for v in value) + ")"
    if isinstance(value, bytes):
        if dialect == "pb" and value in VOCAB:
            return value.decode() + "*"
        return '"' + "".join(chr(c) if 0x20 <= c < 0x7F and c != 0x22 else "\\x%02x" % c for c in value) + '"'
    return repr(value)


# --- checking the reference document -------------------------------------------------------------------------


def reference_hex(path):
    """Every hex sequence the document quotes: spans in backticks, and the captures of a section 9 if any."""
    text = open(path, encoding="utf-8").read()
    found = set()
    for m in re.finditer(r"`((?:[0-9a-f]{2} )+[0-9a-f]{2})`", text):
        found.add(m.group(1))
    section9 = text[text.index("## 9. "): text.index("## 10. ")] if "## 9. " in text else ""
    current = None
    for line in section9.split("\n"):
        m = re.match(r"^(?:S→C|C→S) ((?:[0-9a-f]{2} ?)+)", line)
        if m:
            current = [m.group(1).strip()]
            found.add(current[0])
            continue
        m = re.match(r"^    ((?:[0-9a-f]{2} )*[0-9a-f]{2})(?:\s|$)", line)
        if m and current is not None:
            found.discard(" ".join(current))
            current.append(m.group(1))
            found.add(" ".join(current))
        else:
            current = None
    # Prefix examples carry no type byte; they are not whole tokens.
    return {h for h in found if any(int(b, 16) >= 0x80 for b in h.split())}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reference", help="PROTOCOL-REFERENCE.md to check against")
    args = parser.parse_args()
    # The session raises errors on purpose; Twisted would print their tracebacks.
    globalLogBeginner.beginLoggingTo([lambda event: None], redirectStandardIO=False)

    add_scalars()
    add_vocabulary()
    add_decode_only()
    add_text()
    add_jelly()
    add_banana_tests()
    add_messages()
    add_invalid_cases()

    with open(os.path.join(HERE, "vectors.json"), "w", encoding="utf-8") as f:
        write_json(f, CASES)
    with open(os.path.join(HERE, "invalid.json"), "w", encoding="utf-8") as f:
        write_json(f, INVALID)
    print(f"{len(CASES)} vectors, {len(INVALID)} invalid cases")

    if args.reference:
        captured = {c["hex"] for c in CASES} | {c["hex"] for c in INVALID}
        # A client's dialect choice and its (version 6) leave in one TCP segment: the reference quotes them joined.
        captured |= {hexstr(a + b) for (n1, a), (n2, b) in zip(MESSAGES, MESSAGES[1:]) if n1[:-3] == n2[:-3]}
        missing = sorted(reference_hex(args.reference) - captured)
        for h in missing:
            print("not produced by Twisted:", h)
        print(f"reference check: {len(missing)} quoted sequences not among the vectors")
        return 1 if missing else 0
    return 0


def write_json(f, cases):
    """One case per line: diffs stay readable and the file stays small."""
    f.write("[\n")
    for i, case in enumerate(cases):
        f.write("  " + json.dumps(case, ensure_ascii=False, separators=(", ", ": ")))
        f.write(",\n" if i + 1 < len(cases) else "\n")
    f.write("]\n")


if __name__ == "__main__":
    sys.exit(main())
