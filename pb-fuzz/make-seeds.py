#!/usr/bin/env python3
"""Writes pb-fuzz's seed corpus (Jazzer's regression inputs) from the golden vectors and the hostile inputs.

Run from anywhere: python3 pb-fuzz/make-seeds.py. Files go under
src/test/resources/dev/pbj/<package>/<TestClass>Inputs/<method>/, named `seed-…`; inputs a fuzzing run found are
kept beside them as `crash-…`/`finding-…` and never rewritten here. Regenerate after the vectors change, then
minimise again with `pb-fuzz/fuzz.sh -m` (it keeps `finding-…` and `seed-bomb-…`, and of the other seeds only
those that add coverage).
"""
import json
import os
import re
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RES = os.path.join(HERE, "src", "test", "resources", "dev", "pbj")


def target(package, cls, method):
    d = os.path.join(RES, package, cls + "Inputs", method)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):  # only our own seeds are regenerated
        if f.startswith("seed-"):
            os.remove(os.path.join(d, f))
    return d


def write(d, name, data):
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_")[:80]
    with open(os.path.join(d, "seed-" + safe), "wb") as f:
        f.write(data)


def unhex(h):
    return bytes.fromhex(h.replace(" ", ""))


def load(path):
    with open(os.path.join(ROOT, "testdata", path)) as f:
        return json.load(f)


# ---- banana and msgpack encoders for the hand-made hostile inputs

def b_prefix(n):
    out = bytearray()
    while True:
        out.append(n & 0x7F)
        n >>= 7
        if n == 0:
            return bytes(out)


def b_list(n):
    return b_prefix(n) + b"\x80"


def b_int(n):
    return b_prefix(abs(n)) + (b"\x81" if n >= 0 else b"\x83")


def b_str(s):
    s = s.encode() if isinstance(s, str) else s
    return b_prefix(len(s)) + b"\x82" + s


def m_frame(body):
    return len(body).to_bytes(4, "big") + body


def m_array_header(n):
    if n < 16:
        return bytes([0x90 | n])
    if n < 65536:
        return b"\xdc" + n.to_bytes(2, "big")
    return b"\xdd" + n.to_bytes(4, "big")


def m_symbol(w):
    w = w.encode()
    return b"\xc7" + bytes([len(w)]) + b"\x00" + w if len(w) not in (1, 2, 4, 8, 16) else \
        bytes([{1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8}[len(w)]]) + b"\x00" + w


def m_int(n):
    if 0 <= n < 128:
        return bytes([n])
    return b"\xd3" + n.to_bytes(8, "big", signed=True)


def m_bin(b):
    return b"\xc4" + bytes([len(b)]) + b


GIB2 = 2 ** 31
LIST_LIMIT = 640 * 1024


def banana_bombs():
    """Inputs that claim memory they never send; each must be refused by a limit before it is allocated."""
    yield "bomb-string-claims-2GiB", b_prefix(GIB2) + b"\x82" + b"x" * 16
    yield "bomb-list-claims-2GiB", b_prefix(GIB2) + b"\x80"
    yield "bomb-prefix-of-64-digits", b"\x7f" * 64 + b"\x82"
    # (tuple (tuple (tuple …))) 1000 deep, each tuple claiming 640 Ki - 1 elements: a few bytes per level
    level = b_list(LIST_LIMIT) + b"\x0b\x87"  # 0x0b: vocabulary "tuple"
    yield "bomb-nested-tuples-640Ki", level * 999 + b_int(1)
    level = b_list(LIST_LIMIT) + b"\x08\x87"  # "list"
    yield "bomb-nested-lists-640Ki", level * 999 + b_int(1)
    level = b_list(LIST_LIMIT) + b"\x05\x87"  # "dictionary"
    yield "bomb-nested-dictionaries-640Ki", level * 999
    yield "bomb-depth-1001", b_list(1) * 1001 + b_int(0)
    yield "bomb-5000-lists-of-one", b_list(1) * 5000 + b_int(0)
    # a sharing bomb: (reference k (tuple (dereference k-1) (dereference k-1))), 64 levels: 2^64 leaves
    deref = lambda k: b_list(2) + b"\x03\x87" + b_int(k)
    ref = lambda k, v: b_list(3) + b"\x04\x87" + b_int(k) + v
    value = ref(0, b_list(2) + b"\x0b\x87" + b_int(7))
    chain = [value]
    for k in range(1, 65):
        chain.append(ref(k, b_list(3) + b"\x0b\x87" + deref(k - 1) + deref(k - 1)))
    body = b"".join(chain)
    yield "bomb-sharing-64-levels", b_list(66) + b"\x08\x87" + body
    # the same DAG as a set's element, where hashing it walks it as a tree: (tuple (list …) (set (dereference 64)))
    yield "bomb-sharing-hashed-in-a-set", b_list(3) + b"\x0b\x87" + b_list(66) + b"\x08\x87" + body \
        + b_list(2) + b_str("set") + deref(64)


def banana_message(fields):
    return b_list(len(fields)) + b"".join(fields)


def copies():
    """Copies and caches of the demo types with states the types must refuse, typed."""
    point = lambda state: b_list(2) + b_str("pbj.demo.Point") + state
    dictionary = lambda *pairs: b_list(len(pairs) + 1) + b"\x05\x87" + b"".join(b_list(2) + k + v for k, v in pairs)
    yield "point with a byte string for its state", point(b_str("x"))
    yield "point with x a byte string", point(dictionary((b_str("x"), b_str("a")), (b_str("y"), b_int(1))))
    yield "point without y", point(dictionary((b_str("x"), b_int(1))))
    yield "point with a huge x", point(dictionary((b_str("x"), b_prefix(2 ** 70) + b"\x85"), (b_str("y"), b_int(1))))
    yield "room cache with a byte string for its state", b_list(3) + b_str("pbj.demo.Room") + b_int(1) + b_str("x")
    yield "room cache with an empty state", b_list(3) + b_str("pbj.demo.Room") + b_int(1) + dictionary()


def broker_bombs():
    """Whole C>S messages carrying the bombs as call arguments: (message 1 "root" "echo" 1 (tuple X) (dictionary))."""
    for name, value in list(banana_bombs()) + list(copies()):
        yield name, banana_message([b"\x1a\x87", b_int(1), b_str("root"), b_str("echo"), b_int(1),
                                    b_list(2) + b"\x0b\x87" + value, b_list(1) + b"\x05\x87"])


def msgpack_bombs(big=True):
    yield "bomb-frame-claims-2GiB", (GIB2).to_bytes(4, "big") + b"\x91\x00"
    yield "bomb-bin-claims-2GiB", m_frame(b"\x91\xc6" + GIB2.to_bytes(4, "big") + b"x" * 16)
    yield "bomb-array-claims-2GiB", m_frame(b"\x91\xdd" + GIB2.to_bytes(4, "big") + b"\x00" * 16)
    # nested arrays each claiming 640 Ki - 1 elements, in a frame long enough to pass the bytes-left check
    if big:  # 640 KiB on disk: only where Jelly builds values (the decoder allocates nothing per list)
        body = (m_array_header(LIST_LIMIT) + m_symbol("tuple")) * 999 + b"\x00" * LIST_LIMIT
        yield "bomb-nested-tuples-640Ki", m_frame(body)
    yield "bomb-depth-1001", m_frame(b"\x91" * 1001 + b"\x00")
    # the sharing bomb as msgpack spells it: [reference k [tuple [dereference k-1] [dereference k-1]]], 64 levels
    deref = lambda k: b"\x92" + m_symbol("dereference") + m_int(k)
    ref = lambda k, v: b"\x93" + m_symbol("reference") + m_int(k) + v
    chain = [ref(0, b"\x92" + m_symbol("tuple") + m_int(7))]
    for k in range(1, 65):
        chain.append(ref(k, b"\x93" + m_symbol("tuple") + deref(k - 1) + deref(k - 1)))
    body = b"".join(chain)
    yield "bomb-sharing-64-levels", m_frame(m_array_header(66) + m_symbol("list") + body)
    yield "bomb-sharing-hashed-in-a-set", m_frame(b"\x93" + m_symbol("tuple") + m_array_header(66) + m_symbol("list")
                                                  + body + b"\x92" + m_symbol("set") + deref(64))


def write_codec_seeds():
    banana = load("banana/vectors.json") + load("banana/invalid.json")
    d = target("fuzz", "BananaDecoderFuzzTest", "decode")
    for case in banana:
        write(d, case["name"], unhex(case["hex"]))
    for name, data in banana_bombs():
        write(d, name, data)
    u = target("fuzz", "UnjellierFuzzTest", "banana")
    for case in load("banana/vectors.json"):
        write(u, case["name"], unhex(case["hex"]))
    for name, data in list(banana_bombs()) + list(copies()):
        write(u, name, data)

    msgpack = load("msgpack/vectors.json") + load("msgpack/invalid.json")
    d = target("fuzz", "MsgpackDecoderFuzzTest", "decode")
    for case in msgpack:
        write(d, case["name"], unhex(case["hex"]))
    for name, data in msgpack_bombs(big=False):
        write(d, name, data)
    u = target("fuzz", "UnjellierFuzzTest", "msgpack")
    for case in load("msgpack/vectors.json"):
        write(u, case["name"], unhex(case["hex"]))
    for name, data in msgpack_bombs():
        write(u, name, data)


def scenarios(cases):
    """The client's messages of each captured exchange, in order, as one stream (section + scenario name)."""
    out = {}
    for case in cases:
        m = re.match(r"(9\.\d+ .*) C>S( #\d+)?$", case["name"])
        if m and not m.group(1).startswith("9.1 handshake"):
            out.setdefault(m.group(1), []).append(unhex(case["hex"]))
    return {k: b"".join(v) for k, v in out.items()}


BANANA_HOSTILE = {  # pb-interop BadInputTest: hostile messages after the handshake
    "garbage type byte": "ff ff ff ff",
    "unknown type byte 0x88": "01 88",
    "oversized string header": "00 00 00 01 82",
    "oversized list header": "00 00 00 01 80",
    "unknown vocabulary index": "02 80 7a 87 01 81",
    "unknown message kind": "02 80 0a 82 66726f626e6963617465 01 81",
    "top-level atom": "01 81",
    "empty message": "00 80",
    "wrong version": "02 80 13 87 07 81",
    "decref of an unknown object": "02 80 1d 87 63 81",
    "answer to no call": "03 80 1b 87 09 81 01 81",
    "message with missing fields": "03 80 1a 87 01 81 01 81",
    "decache of an unknown cache": "02 80 1e 87 63 81",
    "uncache of an unknown cache": "02 80 1f 87 63 81",
    "message to a released object":
        "07 80 1a 87 01 81 04 82 726f6f74 05 82 636f756e746572 01 81 01 80 0b 87 01 80 05 87"
        "02 80 1d 87 01 81"
        "07 80 1a 87 02 81 01 81 09 82 696e6372656d656e74 01 81 01 80 0b 87 01 80 05 87",
    "malformed login response":
        "07 80 1a 87 01 81 04 82 726f6f74 14 87 01 81 02 80 0b 87 05 82 616c696365 01 80 05 87"
        "07 80 1a 87 02 81 01 81 07 82 726573706f6e64 01 81 03 80 0b 87 03 82 616263 01 80 01 87 01 80 05 87",
}

MSGPACK_HOSTILE = {
    "malformed msgpack": "00000001 c1",
    "nil instead of a message": "00000001 c0",
    "map inside a message": "00000004 93c70600 80",
    "zero-length frame": "00000000",
    "oversized frame": "7fffffff 92",
    "bytes over the string limit": "00000008 92c6000a0001 0000",
    "frame with trailing bytes": "00000003 9001 02",
    "a peer switching to banana mid-stream": "02801387 0681",
}

VERSION_BANANA = unhex("02 80 13 87 06 81")


def write_broker_seeds():
    d = target("fuzz", "BrokerFuzzTest", "banana")
    for name, data in scenarios(load("banana/vectors.json")).items():
        write(d, name, VERSION_BANANA + data)
    for name, h in BANANA_HOSTILE.items():
        write(d, "hostile " + name, VERSION_BANANA + unhex(h))
    for name, data in broker_bombs():
        write(d, name, VERSION_BANANA + data)
    d = target("fuzz", "BrokerFuzzTest", "msgpack")
    version = m_frame(b"\x92" + m_symbol("version") + b"\x06")
    for name, data in scenarios(load("msgpack/vectors.json")).items():
        write(d, name, version + data)
    for name, h in MSGPACK_HOSTILE.items():
        write(d, "hostile " + name, version + unhex(h))
    for name, data in msgpack_bombs():
        write(d, name, version + data)


def write_handshake_seeds():
    d = target("fuzz", "DialectHandshakeFuzzTest", "handshake")
    cases = {c["name"]: unhex(c["hex"]) for c in load("banana/vectors.json") if c["name"].startswith("9.1")}
    for name, data in cases.items():
        write(d, name, data)
    offer = lambda names: b_list(len(names)) + b"".join(b_str(n) for n in names)
    write(d, "PBJ offer", offer(["msgpack+pbj", "msgpack", "pb+pbj", "pb", "none+pbj", "none"]))
    write(d, "offer then a message", offer(["pb", "none"]) + VERSION_BANANA)
    write(d, "choice pb+pbj", b_str("pb+pbj"))
    write(d, "33 dialects", offer(["x"] * 33))
    write(d, "name of 65 bytes", offer(["a" * 65]))
    write(d, "9 prefix bytes", b"\x7f" * 9 + b"\x80")
    write(d, "list claims 2GiB", b_list(GIB2))
    write(d, "empty offer", b_list(0))
    write(d, "integer instead", b_int(1))


def write_websocket_seeds():
    # an event script (see WebSocketLinkFuzzTest): op byte, then a 2-byte length and a payload for the data ops
    d = target("websocket", "WebSocketLinkFuzzTest", "messages")

    def part(payload, last=True):
        return bytes([0 if last else 1]) + len(payload).to_bytes(2, "big") + payload

    version = m_frame(b"\x92" + m_symbol("version") + b"\x06")
    for name, data in scenarios(load("msgpack/vectors.json")).items():
        write(d, name, part(version) + part(data))
    frames = [c for c in load("msgpack/vectors.json") if c["name"].startswith("9.2 echo text C>S")]
    echo = unhex(frames[0]["hex"])
    write(d, "echo in fragments", part(version) + part(echo[:5], False) + part(echo[5:20], False) + part(echo[20:]))
    write(d, "text frame", part(version) + b"\x02" + part(b"hi")[1:])
    write(d, "close 1000", part(version) + b"\x03" + part(b"\x03\xe8bye")[1:])
    write(d, "close without code", b"\x03" + part(b"")[1:])
    write(d, "pause, message, resume", part(version) + b"\x04" + part(echo) + b"\x05")
    write(d, "two messages in one frame", part(version + echo))
    write(d, "message over the frame limit", part(version) + part(b"\x00" * 1200, False) + part(b"\x00" * 1200))
    for name, h in MSGPACK_HOSTILE.items():
        write(d, "hostile " + name, part(version) + part(unhex(h)))


if __name__ == "__main__":
    write_codec_seeds()
    write_broker_seeds()
    write_handshake_seeds()
    write_websocket_seeds()
    total = sum(len(fs) for _, _, fs in os.walk(RES))
    print("seeds and findings under", os.path.relpath(RES, ROOT) + ":", total, "files")
