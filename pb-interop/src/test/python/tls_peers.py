#!/usr/bin/python3
"""Real Twisted Perspective Broker peers over TLS (twisted.internet.ssl, pyOpenSSL).

Usage:
    tls_peers.py server --port 0 --cert CERT.pem --key KEY.pem [--client-ca CA.pem]
    tls_peers.py client --port PORT --ca CA.pem [--hostname localhost] [--cert CERT.pem --key KEY.pem]

``server`` serves demo_server.py's interop root with ``reactor.listenSSL`` on
127.0.0.1; with ``--client-ca`` a client must present a certificate that CA
signed (mutual TLS). It prints ``LISTENING <port>`` and serves until stdin
reaches EOF.

``client`` connects with ``reactor.connectSSL``, checking the server's
certificate against ``--ca`` and its name against ``--hostname``
(``ssl.optionsForClientTLS``), presenting ``--cert``/``--key`` if given, then
runs a few calls and a login, and closes (``close``: the connection is lost
once the server has answered TLS's close_notify). It prints one JSON line per check,
``{"check": NAME, "ok": BOOL, "detail": TEXT}``, and exits 0 when all passed.
The certificates are PEM files as openssl writes them (keys in PKCS#8 or
PKCS#1/SEC1 form).

Unlike the other scripts, this one cannot run with DeprecationWarnings turned
into errors on Twisted 26.4: its own ``CertificateOptions`` passes pyOpenSSL
``X509`` objects to ``Context.use_certificate``, which pyOpenSSL 26 deprecates
(a warning on stderr, nothing else).
"""

import argparse
import json
import sys
import threading

from twisted.cred import credentials
from twisted.internet import defer, reactor, ssl, task
from twisted.spread import pb

import demo_server

CHECK_TIMEOUT = 20


def read(path):
    with open(path, "rb") as f:
        return f.read()


def private_certificate(cert, key):
    # PrivateCertificate.loadPEM reads the key and the (first) certificate from one PEM text
    return ssl.PrivateCertificate.loadPEM(read(key) + b"\n" + read(cert))


def serve(args):
    demo_server.start_logging(args.verbose)
    identity = private_certificate(args.cert, args.key)
    if args.client_ca:
        # a trust root makes CertificateOptions verify the client and require its certificate
        options = identity.options(ssl.Certificate.loadPEM(read(args.client_ca)))
    else:
        options = identity.options()
    factory = pb.PBServerFactory(demo_server.InteropRoot(demo_server.Shared()))
    port = reactor.listenSSL(args.port, factory, options, interface="127.0.0.1")
    sys.stdout.write("LISTENING %d\n" % port.getHost().port)
    sys.stdout.flush()
    threading.Thread(target=demo_server.watch_stdin, name="stdin-watch", daemon=True).start()
    reactor.run()


def short(value):
    """repr(value), cut to 80 characters: a check's detail stays one readable line."""
    text = repr(value)
    return text if len(text) <= 80 else "%s... (%d characters of repr)" % (text[:80], len(text))


def emit(name, ok, detail=""):
    sys.stdout.write(json.dumps({"check": name, "ok": bool(ok), "detail": detail}) + "\n")
    sys.stdout.flush()


class ClientFactory(pb.PBClientFactory):
    """PBClientFactory whose ``lost`` fires once its connection is gone."""

    def __init__(self):
        pb.PBClientFactory.__init__(self)
        self.lost = defer.Deferred()

    def clientConnectionLost(self, connector, reason, reconnecting=0):
        pb.PBClientFactory.clientConnectionLost(self, connector, reason, reconnecting)
        if not self.lost.called:
            self.lost.callback(None)


async def run_client(args):
    demo_server.start_logging(args.verbose)
    client_certificate = private_certificate(args.cert, args.key) if args.cert else None
    options = ssl.optionsForClientTLS(
        args.hostname,
        trustRoot=ssl.Certificate.loadPEM(read(args.ca)),
        clientCertificate=client_certificate,
    )
    factory = ClientFactory()
    reactor.connectSSL(args.host, args.port, factory, options, timeout=CHECK_TIMEOUT)
    all_ok = True
    try:
        root = await factory.getRootObject().addTimeout(CHECK_TIMEOUT, reactor)
        emit("connect", True, "root over TLS")
    except Exception as e:
        emit("connect", False, "%s: %s" % (type(e).__name__, e))
        raise SystemExit(1)

    async def check(name, run, expected):
        nonlocal all_ok
        try:
            got = await defer.ensureDeferred(run()).addTimeout(CHECK_TIMEOUT, reactor)
            ok = got == expected
            emit(name, ok, "got %s, expected %s" % (short(got), short(expected)))
        except Exception as e:
            ok = False
            emit(name, False, "%s: %s" % (type(e).__name__, e))
        all_ok = all_ok and ok

    await check("echo", lambda: root.callRemote("echo", ["over", "TLS", 1, 2.5, None]), ["over", "TLS", 1, 2.5, None])
    await check("add", lambda: root.callRemote("add", 2 ** 70, 1), 2 ** 70 + 1)
    big = "x" * 300_000
    await check("big_string", lambda: root.callRemote("echo", big), big)

    async def login():
        avatar = await factory.login(credentials.UsernamePassword(b"alice", b"wonderland"))
        return await avatar.callRemote("whoami")

    await check("login_alice", login, "alice")

    async def close():
        # loseConnection sends TLS's close_notify, and closes the socket only once the server's comes back (or the
        # server closes it): a server that ignores close_notify leaves this waiting
        factory.disconnect()
        await factory.lost
        return "closed"

    await check("close", close, "closed")
    raise SystemExit(0 if all_ok else 1)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sides = parser.add_subparsers(dest="side", required=True)
    server = sides.add_parser("server")
    server.add_argument("--port", type=int, default=0)
    server.add_argument("--cert", required=True)
    server.add_argument("--key", required=True)
    server.add_argument("--client-ca", default=None)
    server.add_argument("--verbose", action="store_true")
    client = sides.add_parser("client")
    client.add_argument("--port", type=int, required=True)
    client.add_argument("--host", default="127.0.0.1")
    client.add_argument("--hostname", default="localhost", help="the name the server's certificate must carry")
    client.add_argument("--ca", required=True)
    client.add_argument("--cert", default=None)
    client.add_argument("--key", default=None)
    client.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    if args.side == "server":
        serve(args)
    else:
        task.react(lambda r: defer.Deferred.fromCoroutine(run_client(args)))


if __name__ == "__main__":
    main(sys.argv[1:])
