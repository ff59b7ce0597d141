#!/usr/bin/python3
"""Regenerates vectors.json and invalid.json in this folder.

    /usr/bin/python3 testdata/msgpack/generate.py        # needs msgpack-python (Debian: python3-msgpack)

The bytes of every two-way case come from msgpack-python, an implementation independent of the Java
msgpack-core that pb-serial-msgpack uses, so the Java tests compare two implementations. Every case, and every
invalid case, is also checked against ref_decode below: PB's rules written straight from the MessagePack
specification, byte by byte, without any library. Decode-only cases (forms no encoder writes: non-minimal ints,
float 32, ext 1 holding a small value ...) are written by hand and checked the same way.

Whole messages mirror the banana captures in ../banana/vectors.json (same names): the token stream a PBJ peer
writes for the same call, which differs from banana's decoded stream in three ways: text is a native token (the
("unicode" <utf-8>) list becomes ["text", ...]), Jelly's tags are symbols (banana spells "boolean" or "set" as
byte strings), and a method name is a byte string (banana turns "login" into a vocabulary word).

The token notation and the JSON fields are described in README.md.
"""

import json
import math
import os
import struct
import sys

import msgpack
from msgpack import ExtType

sys.setrecursionlimit(10000)  # tokens_of walks the 1000-deep case
HERE = os.path.dirname(os.path.abspath(__file__))
BANANA_VECTORS = os.path.join(HERE, "..", "banana", "vectors.json")

EXT_SYMBOL = 0
EXT_BIG_INTEGER = 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
DEFAULT_LIMITS = {
    "maxStringLength": 640 * 1024,
    "maxListLength": 640 * 1024,
    "maxDepth": 1000,
    "maxMessageLength": 16 * 1024 * 1024,
}
# Byte strings that start a Jelly list and that PBJ's Jelly writes as symbols.
JELLY_TAGS = {"boolean", "set", "frozenset", "decimal", "datetime", "date", "time", "timedelta"}


# --- the token notation ---------------------------------------------------------------------------------------


def fmt_float(f):
    if math.isnan(f):
        return "nan"
    if math.isinf(f):
        return "inf" if f > 0 else "-inf"
    return repr(f)


def parse_float(s):
    return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}[s] if s in ("nan", "inf", "-inf") else float(s)


def big_integer_payload(n):
    """Java's BigInteger.toByteArray(): the shortest two's complement, big-endian, with room for the sign bit."""
    bits = (n if n >= 0 else ~n).bit_length()
    return n.to_bytes(bits // 8 + 1, "big", signed=True)


def value_of(tokens):
    """The msgpack-python value an encoder writes for a token stream (ext types for symbols and big integers)."""
    stack = [[]]
    for t in tokens:
        kind = t[0]
        if kind == "list":
            stack.append([])
            continue
        if kind == "end":
            item = stack.pop()
        elif kind == "int":
            n = int(t[1])
            item = n if INT64_MIN <= n <= INT64_MAX else ExtType(EXT_BIG_INTEGER, big_integer_payload(n))
        elif kind == "float":
            item = parse_float(t[1])
        elif kind == "bytes":
            item = bytes.fromhex(t[1])
        elif kind == "text":
            item = t[1]
        elif kind == "symbol":
            item = ExtType(EXT_SYMBOL, t[1].encode("ascii"))
        else:
            raise ValueError(kind)
        stack[-1].append(item)
    (value,) = stack[0]
    return value


def tokens_of(value):
    """The tokens a decoder emits for a value msgpack-python decoded."""
    out = []

    def walk(v):
        if isinstance(v, ExtType):  # a namedtuple: before the list case
            if v.code == EXT_SYMBOL:
                out.append(["symbol", v.data.decode("ascii")])
            elif v.code == EXT_BIG_INTEGER:
                out.append(["int", str(int.from_bytes(v.data, "big", signed=True))])
            else:
                raise TypeError(f"not a PB token: {v!r}")
        elif isinstance(v, list):
            out.append(["list", len(v)])
            for e in v:
                walk(e)
            out.append(["end"])
        elif isinstance(v, bool) or v is None or isinstance(v, dict):
            raise TypeError(f"not a PB token: {v!r}")
        elif isinstance(v, int):
            out.append(["int", str(v)])
        elif isinstance(v, float):
            out.append(["float", fmt_float(v)])
        elif isinstance(v, bytes):
            out.append(["bytes", v.hex()])
        elif isinstance(v, str):
            out.append(["text", v])
        else:
            raise TypeError(f"not a PB token: {v!r}")

    walk(value)
    return out


def frame(body):
    return len(body).to_bytes(4, "big") + body


def hexstr(data):
    return " ".join("%02x" % c for c in data)


# --- PB's rules, straight from the MessagePack spec -----------------------------------------------------------


class Refused(Exception):
    def __init__(self, kind, why):
        super().__init__(f"{kind}: {why}")
        self.kind = kind


def ref_decode(data, limits=None):
    """Every message in a stream of frames, as token lists; raises Refused with the error kind of invalid.json."""
    lim = dict(DEFAULT_LIMITS, **(limits or {}))
    messages = []
    pos = 0
    while pos < len(data):
        if len(data) - pos < 4:
            raise Refused("truncated", "frame header cut short")
        n = int.from_bytes(data[pos : pos + 4], "big")
        pos += 4
        if n == 0:
            raise Refused("protocol", "zero-length frame")
        if n > lim["maxMessageLength"]:
            raise Refused("limit:maxMessageLength", n)
        if len(data) - pos < n:
            raise Refused("truncated", "frame body cut short")
        messages.append(ref_message(data[pos : pos + n], lim))
        pos += n
    return messages


def ref_message(f, lim):
    p = 0
    tokens = []
    remaining = []  # elements still expected by each open array, innermost last

    def take(k):
        nonlocal p
        if len(f) - p < k:
            raise Refused("protocol", f"{k} bytes needed, {len(f) - p} left in the frame")
        p += k
        return f[p - k : p]

    def u(k):
        return int.from_bytes(take(k), "big")

    def s(k):
        return int.from_bytes(take(k), "big", signed=True)

    def sized(length, what):
        if length > lim["maxStringLength"]:
            raise Refused("limit:maxStringLength", f"{what} of {length} bytes")
        return take(length)

    while True:
        b = take(1)[0]
        if not tokens and not (0x90 <= b <= 0x9F or b in (0xDC, 0xDD)):
            raise Refused("protocol", "a message is an array, not 0x%02x" % b)
        if 0x90 <= b <= 0x9F or b in (0xDC, 0xDD):
            count = b & 0x0F if b <= 0x9F else u(2 if b == 0xDC else 4)
            if count > lim["maxListLength"]:
                raise Refused("limit:maxListLength", count)
            if len(remaining) == lim["maxDepth"]:
                raise Refused("limit:maxDepth", len(remaining) + 1)
            if count > len(f) - p:
                raise Refused("protocol", f"array of {count} in {len(f) - p} bytes")
            tokens.append(["list", count])
            if count:
                remaining.append(count)
                continue
            tokens.append(["end"])
        elif b <= 0x7F or b >= 0xE0:
            tokens.append(["int", str(b if b <= 0x7F else b - 256)])
        elif 0xCC <= b <= 0xCF:
            tokens.append(["int", str(u(1 << (b - 0xCC)))])
        elif 0xD0 <= b <= 0xD3:
            tokens.append(["int", str(s(1 << (b - 0xD0)))])
        elif b == 0xCA:
            tokens.append(["float", fmt_float(struct.unpack(">f", take(4))[0])])
        elif b == 0xCB:
            tokens.append(["float", fmt_float(struct.unpack(">d", take(8))[0])])
        elif 0xC4 <= b <= 0xC6:
            tokens.append(["bytes", sized(u(1 << (b - 0xC4)), "bin").hex()])
        elif 0xA0 <= b <= 0xBF or 0xD9 <= b <= 0xDB:
            length = b & 0x1F if b <= 0xBF else u(1 << (b - 0xD9))
            try:
                tokens.append(["text", sized(length, "str").decode("utf-8")])
            except UnicodeDecodeError as e:
                raise Refused("protocol", e)
        elif 0xD4 <= b <= 0xD8 or 0xC7 <= b <= 0xC9:
            length = 1 << (b - 0xD4) if b >= 0xD4 else u(1 << (b - 0xC7))
            ext = s(1)
            if ext not in (EXT_SYMBOL, EXT_BIG_INTEGER):
                raise Refused("protocol", f"ext type {ext}")
            payload = sized(length, "ext")
            if ext == EXT_SYMBOL:
                if any(c >= 0x80 for c in payload):
                    raise Refused("protocol", "symbol not ASCII")
                tokens.append(["symbol", payload.decode("ascii")])
            else:
                if not payload:
                    raise Refused("protocol", "empty big integer")
                tokens.append(["int", str(int.from_bytes(payload, "big", signed=True))])
        else:
            raise Refused("protocol", "0x%02x: nil, bool, map or never used" % b)
        while remaining:
            remaining[-1] -= 1
            if remaining[-1]:
                break
            remaining.pop()
            tokens.append(["end"])
        if not remaining:
            break
    if p != len(f):
        raise Refused("protocol", f"{len(f) - p} bytes after the message")
    return tokens


# --- building the cases ---------------------------------------------------------------------------------------

CASES = []
INVALID = []


def add_case(name, tokens, data=None, decode_only=False, note=None):
    """A two-way case (bytes from msgpack-python), or a decode-only one with hand-written bytes."""
    try:
        encoded = frame(msgpack.packb(value_of(tokens), use_bin_type=True))
    except ValueError:
        encoded = None  # nested deeper than msgpack-python's recursion limit (512): bytes written by hand
    if data is None:
        assert not decode_only, name
        data = encoded
    elif encoded is not None:
        assert decode_only != (encoded == data), f"{name}: an encoder writes {hexstr(encoded)}"
    decoded = tokens_of(msgpack.unpackb(data[4:], raw=False, strict_map_key=False))
    assert decoded == tokens, f"{name}: msgpack-python decodes {decoded}"
    assert ref_decode(data) == [tokens], f"{name}: ref_decode gives {ref_decode(data)}"
    case = {"name": name, "dialect": "msgpack", "hex": hexstr(data), "tokens": tokens}
    if decode_only:
        case["decodeOnly"] = True
    if note:
        case["note"] = note
    assert all(c["name"] != name for c in CASES), name
    CASES.append(case)


def one(token):
    return [["list", 1], token, ["end"]]


def add_invalid(name, data, error, limits=None, note=None):
    try:
        ref_decode(data, limits)
    except Refused as e:
        assert e.kind == error, f"{name}: ref_decode refuses it as {e}, case says {error}"
    else:
        raise AssertionError(f"{name}: ref_decode accepts it")
    case = {"name": name, "dialect": "msgpack", "hex": hexstr(data), "error": error}
    if limits:
        case["limits"] = limits
    if note:
        case["note"] = note
    INVALID.append(case)


INTEGERS = [
    0, 1, 127, 128, 255, 256, 65535, 65536, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**63 - 1,
    -1, -32, -33, -128, -129, -32768, -32769, -(2**31), -(2**31) - 1, -(2**63),
    # outside the 64-bit range: ext 1
    2**63, 2**64 - 1, 2**64, 2**100, -(2**63) - 1, -(2**64), -(2**100),
]
FLOATS = [0.0, -0.0, 1.5, -2.5, 0.1, 1e300, 5e-324, math.inf, -math.inf, math.nan]


def add_atoms():
    for n in INTEGERS:
        add_case(f"int {n}", one(["int", str(n)]))
    for f in FLOATS:
        add_case(f"float {fmt_float(f)}", one(["float", fmt_float(f)]))
    for n in (0, 1, 31, 32, 255, 256, 300):
        add_case(f"bytes {n}", one(["bytes", bytes((i * 7 + 1) % 256 for i in range(n)).hex()]))
    texts = {
        "text empty": "", "text 'hi'": "hi", "text 'é'": "é", "text '☃'": "☃", "text '😀'": "😀",
        "text 31 chars": "abcdefghijklmnopqrstuvwxyz01234", "text 32 chars": "abcdefghijklmnopqrstuvwxyz012345",
        "text 40 chars": "The quick brown fox jumps over a lazy do", "text 300 chars": "PB " * 100,
        "text 'copy'": "copy", "text 'unicode'": "unicode", "text mixed": "naïve ☃ 😀 日本",
    }
    for name, s in texts.items():
        add_case(name, one(["text", s]))
    for word in ("message", "tuple", "unicode", "answer", "None", "copy", "dictionary", "cachemessage",
                 "didNotUnderstand", "a", "ab", ""):
        add_case(f"symbol '{word}'", one(["symbol", word]),
                 note={1: "fixext 1", 2: "fixext 2", 4: "fixext 4", 8: "fixext 8", 16: "fixext 16"}.get(
                     len(word), "ext 8"))


def add_lists():
    add_case("list empty", [["list", 0], ["end"]])
    add_case("list of an empty list", [["list", 1], ["list", 0], ["end"], ["end"]])
    nested = [["list", 2], ["int", "1"], ["list", 2], ["int", "2"], ["list", 1], ["int", "3"], ["end"], ["end"],
              ["end"]]
    add_case("list nested [1, [2, [3]]]", nested)
    for n in (15, 16, 300):
        add_case(f"list of {n} ints", [["list", n]] + [["int", str(i)] for i in range(n)] + [["end"]],
                 note="fixarray" if n < 16 else "array 16")
    depth = 1000
    add_case("list nested 1000 deep", [["list", 1]] * (depth - 1) + [["list", 0]] + [["end"]] * depth,
             frame(b"\x91" * (depth - 1) + b"\x90"), note="exactly the default maxDepth")
    add_case("list of every token kind",
             [["list", 8], ["list", 0], ["end"], ["int", "-5"], ["int", str(2**70)], ["float", "2.5"],
              ["bytes", "00ff"], ["text", "hé"], ["symbol", "tuple"], ["list", 1], ["symbol", "None"], ["end"],
              ["end"]])


def add_decode_only():
    """Forms an encoder never writes but a decoder accepts: other int and float widths, non-minimal lengths."""
    cases = [
        ("uint 64 2^63 as big integer", "cf 80 00 00 00 00 00 00 00", ["int", str(2**63)]),
        ("uint 64 2^64-1 as big integer", "cf ff ff ff ff ff ff ff ff", ["int", str(2**64 - 1)]),
        ("uint 64 holding 1", "cf 00 00 00 00 00 00 00 01", ["int", "1"]),
        ("uint 8 holding 5", "cc 05", ["int", "5"]),
        ("int 8 holding 5", "d0 05", ["int", "5"]),
        ("int 64 holding -1", "d3 ff ff ff ff ff ff ff ff", ["int", "-1"]),
        ("float 32 1.5", "ca 3f c0 00 00", ["float", "1.5"]),
        ("float 32 -0.0", "ca 80 00 00 00", ["float", "-0.0"]),
        ("float 32 inf", "ca 7f 80 00 00", ["float", "inf"]),
        ("float 32 nan", "ca 7f c0 00 00", ["float", "nan"]),
        ("float 32 0.1", "ca 3d cc cc cd", ["float", repr(struct.unpack(">f", bytes.fromhex("3dcccccd"))[0])]),
        ("ext 1 holding 5", "d4 01 05", ["int", "5"]),
        ("ext 1 holding -2^63", "d7 01 80 00 00 00 00 00 00 00", ["int", str(-(2**63))]),
        ("ext 1 holding 2^63 with leading zeros", "c7 0a 01 00 00 80 00 00 00 00 00 00 00", ["int", str(2**63)]),
        ("ext 1 holding -2^64 with leading ff", "c7 0a 01 ff ff 00 00 00 00 00 00 00 00", ["int", str(-(2**64))]),
        ("str 8 'hi'", "d9 02 68 69", ["text", "hi"]),
        ("str 16 'hi'", "da 00 02 68 69", ["text", "hi"]),
        ("str 32 'hi'", "db 00 00 00 02 68 69", ["text", "hi"]),
        ("bin 16 one byte", "c5 00 01 ff", ["bytes", "ff"]),
        ("bin 32 one byte", "c6 00 00 00 01 ff", ["bytes", "ff"]),
        ("ext 8 symbol 'copy'", "c7 04 00 63 6f 70 79", ["symbol", "copy"]),
        ("ext 16 symbol 'tuple'", "c8 00 05 00 74 75 70 6c 65", ["symbol", "tuple"]),
        ("ext 32 symbol 'tuple'", "c9 00 00 00 05 00 74 75 70 6c 65", ["symbol", "tuple"]),
    ]
    for name, hx, token in cases:
        add_case(f"decode {name}", one(token), frame(bytes.fromhex("91 " + hx)), decode_only=True)
    add_case("decode array 16 of one", one(["int", "1"]), frame(bytes.fromhex("dc 00 01 01")), decode_only=True)
    add_case("decode array 32 of one", one(["int", "1"]), frame(bytes.fromhex("dd 00 00 00 01 01")),
             decode_only=True)


def pbj_tokens(tokens):
    """A banana-decoded message as a PBJ peer writes it in msgpack (see the module docstring)."""
    out = []
    i = 0
    unicode_hex = b"unicode".hex()
    while i < len(tokens):
        t = tokens[i]
        if t == ["list", 2] and tokens[i + 1] == ["bytes", unicode_hex] and tokens[i + 3] == ["end"]:
            payload = tokens[i + 2]
            out.append(["text", payload[1] if payload[0] == "symbol" else bytes.fromhex(payload[1]).decode()])
            i += 4
            continue
        if t[0] == "bytes" and i > 0 and tokens[i - 1][0] == "list" and bytes.fromhex(t[1]).decode(
                "latin-1") in JELLY_TAGS:
            out.append(["symbol", bytes.fromhex(t[1]).decode("ascii")])
        elif t[0] == "symbol" and len(out) == 4 and out[1] in (["symbol", "message"], ["symbol", "cachemessage"]):
            out.append(["bytes", t[1].encode("ascii").hex()])  # a method name that is a banana vocabulary word
        else:
            out.append(t)
        i += 1
    return out


def add_messages():
    with open(BANANA_VECTORS, encoding="utf-8") as f:
        banana = json.load(f)
    for c in banana:
        name = c["name"]
        if not name[:1].isdigit() or c["dialect"] != "pb" or c.get("decodeOnly") or c.get("encodeOnly"):
            continue
        tokens = c["tokens"]
        if tokens[0][0] != "list" or tokens[1][0] != "symbol":
            continue  # the dialect exchange of 9.1 is banana's own
        add_case(name, pbj_tokens(tokens), note=f"testdata/banana '{name}': {c.get('note', '')}")


def add_invalid_cases():
    h = bytes.fromhex
    add_invalid("frame header cut short", h("00 00 00"), "truncated",
                note="not an error while feeding; the decoder reports inMessage() and the stream ends there")
    add_invalid("frame body cut short", h("00 00 00 05 93 01 02"), "truncated")
    add_invalid("zero-length frame", h("00 00 00 00"), "protocol")
    add_invalid("zero-length frame after a good one", h("00 00 00 02 91 01 00 00 00 00"), "protocol")
    add_invalid("frame length 16 MiB + 1", h("01 00 00 01"), "limit:maxMessageLength",
                note="refused from the header alone, before any body arrives")
    add_invalid("frame length 2^32-1", h("ff ff ff ff"), "limit:maxMessageLength", note="the length is unsigned")
    add_invalid("frame length 9 over a limit of 8", h("00 00 00 09 99 01 02 03 04 05 06 07 08"),
                "limit:maxMessageLength", limits={"maxMessageLength": 8})
    add_invalid("banana bytes (version 6)", h("02 80 13 87 06 81"), "limit:maxMessageLength",
                note="a peer still speaking banana: 02 80 13 87 reads as a 41,948,039-byte frame")
    add_invalid("bytes after the message in the frame", h("00 00 00 03 91 01 02"), "protocol")
    add_invalid("two arrays in one frame", h("00 00 00 04 91 01 91 02"), "protocol")
    add_invalid("map inside", h("00 00 00 05 92 01 81 01 02"), "protocol")
    add_invalid("empty map as the message", h("00 00 00 01 80"), "protocol")
    add_invalid("nil inside", h("00 00 00 02 91 c0"), "protocol")
    add_invalid("true inside", h("00 00 00 02 91 c3"), "protocol")
    add_invalid("false inside", h("00 00 00 02 91 c2"), "protocol")
    add_invalid("ext type 5", h("00 00 00 04 91 d4 05 00"), "protocol")
    add_invalid("timestamp (ext type -1)", h("00 00 00 07 91 d6 ff 00 00 00 00"), "protocol")
    add_invalid("int as the message", h("00 00 00 01 01"), "protocol")
    add_invalid("str as the message", h("00 00 00 03 a2 68 69"), "protocol")
    add_invalid("symbol as the message", h("00 00 00 07 d6 00 63 6f 70 79 00"), "protocol")
    add_invalid("never-used byte 0xc1", h("00 00 00 02 91 c1"), "protocol")
    add_invalid("never-used byte 0xc1 as the message", h("00 00 00 01 c1"), "protocol")
    add_invalid("int 16 cut short by the frame", h("00 00 00 03 91 cd 01"), "protocol")
    add_invalid("float 64 cut short by the frame", h("00 00 00 05 91 cb 3f f8 00"), "protocol")
    add_invalid("array announcing more elements than the frame holds", h("00 00 00 02 93 01"), "protocol")
    add_invalid("array 32 of 655360 in a 6-byte frame", h("00 00 00 06 91 dd 00 0a 00 00"), "protocol",
                note="within maxListLength, but the frame cannot hold it: refused before any element")
    add_invalid("str running past the frame", h("00 00 00 03 91 a5 68"), "protocol")
    add_invalid("str that is not UTF-8", h("00 00 00 04 91 a2 c3 28"), "protocol")
    add_invalid("str with a UTF-8 surrogate", h("00 00 00 05 91 a3 ed a0 80"), "protocol")
    add_invalid("str with an overlong UTF-8 form", h("00 00 00 04 91 a2 c0 af"), "protocol")
    add_invalid("symbol that is not ASCII", h("00 00 00 05 91 d5 00 c3 a9"), "protocol")
    add_invalid("big integer with an empty payload", h("00 00 00 04 91 c7 00 01"), "protocol")
    add_invalid("str of 5 over a limit of 4", h("00 00 00 07 91 a5 68 65 6c 6c 6f"), "limit:maxStringLength",
                limits={"maxStringLength": 4})
    add_invalid("bin of 5 over a limit of 4", h("00 00 00 08 91 c4 05 01 02 03 04 05"), "limit:maxStringLength",
                limits={"maxStringLength": 4})
    add_invalid("symbol of 5 over a limit of 4", h("00 00 00 09 91 c7 05 00 74 75 70 6c 65"),
                "limit:maxStringLength", limits={"maxStringLength": 4})
    add_invalid("big integer of 9 bytes over a limit of 4", h("00 00 00 0c 91 c7 09 01 00 80 00 00 00 00 00 00 00"),
                "limit:maxStringLength", limits={"maxStringLength": 4})
    add_invalid("str 32 of 655361 bytes in a 6-byte frame", h("00 00 00 06 91 db 00 0a 00 01"),
                "limit:maxStringLength", note="refused from the str header, before the frame is found short")
    add_invalid("bin 32 of 2^32-1 bytes", h("00 00 00 06 91 c6 ff ff ff ff"), "limit:maxStringLength")
    add_invalid("array of 3 over a limit of 2", h("00 00 00 04 93 01 02 03"), "limit:maxListLength",
                limits={"maxListLength": 2})
    add_invalid("array 32 of 655361 in a 6-byte frame", h("00 00 00 06 91 dd 00 0a 00 01"), "limit:maxListLength")
    add_invalid("array 32 of 2^32-1", h("00 00 00 05 dd ff ff ff ff"), "limit:maxListLength")
    add_invalid("4 nested arrays over a depth of 3", h("00 00 00 05 91 91 91 91 01"), "limit:maxDepth",
                limits={"maxDepth": 3})
    add_invalid("empty array at depth 4 over a depth of 3", h("00 00 00 04 91 91 91 90"), "limit:maxDepth",
                limits={"maxDepth": 3})
    add_invalid("depth bomb: 2000 nested arrays", frame(b"\x91" * 1999 + b"\x90"), "limit:maxDepth")


def write_json(path, cases):
    """One case per line: diffs stay readable."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("[\n")
        for i, case in enumerate(cases):
            f.write("  " + json.dumps(case, ensure_ascii=False, separators=(", ", ": ")))
            f.write(",\n" if i + 1 < len(cases) else "\n")
        f.write("]\n")


def main():
    add_atoms()
    add_lists()
    add_decode_only()
    add_messages()
    add_invalid_cases()
    # Every two-way case, as one stream of frames, decodes to every message in order.
    stream = b"".join(bytes.fromhex(c["hex"]) for c in CASES)
    assert ref_decode(stream) == [c["tokens"] for c in CASES]
    write_json(os.path.join(HERE, "vectors.json"), CASES)
    write_json(os.path.join(HERE, "invalid.json"), INVALID)
    print(f"{len(CASES)} vectors ({sum(1 for c in CASES if c.get('decodeOnly'))} decode-only), "
          f"{len(INVALID)} invalid cases; msgpack-python {'.'.join(map(str, msgpack.version))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
