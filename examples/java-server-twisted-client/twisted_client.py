#!/usr/bin/env python3
"""A Twisted PB client of the Java shop (ShopServer.java beside this file).

Usage:
    python3 twisted_client.py [--host 127.0.0.1] [--port 8801]

Prints one line per step and exits 0; anything unexpected ends it with a
traceback on stderr and exit status 1.
"""

import argparse

from twisted.cred.credentials import UsernamePassword
from twisted.cred.error import UnauthorizedLogin
from twisted.internet import defer, task
from twisted.spread import pb


class Receipt(pb.RemoteCopy):
    """Our copy of the Java record Receipt: PB sets its attributes from the state sent."""

    def __str__(self):
        return "%s bought %d x %s for %.2f" % (
            self.customer, self.quantity, self.item, self.totalCents / 100)


# only registered types are built from the wire: this is the name the Java side sends
pb.setUnjellyableForClass("example.shop.Receipt", Receipt)


def euros(cents):
    return "%.2f" % (cents / 100)


def outcome(d):
    """Fires with (True, result) or (False, failure): a remote error arrives as a Failure, asked with check()."""
    return d.addCallbacks(lambda result: (True, result), lambda failure: (False, failure))


@defer.inlineCallbacks
def main(reactor, host, port):
    factory = pb.PBClientFactory()
    reactor.connectTCP(host, port, factory)

    shop = yield factory.getRootObject()
    catalog = yield shop.callRemote("catalog")
    print("catalog:", ", ".join(catalog))
    print("price of bread:", euros((yield shop.callRemote("price", "bread"))))
    ok, failure = yield outcome(shop.callRemote("price", "caviar"))
    if not ok and failure.check(pb.Error):  # the Java method threw PbError
        print("price of caviar: refused:", failure.getErrorMessage())

    basket = yield shop.callRemote("basket")  # a RemoteReference to the Java Basket
    yield basket.callRemote("add", "apple")
    count = yield basket.callRemote("add", "cheese")
    print("basket: %d items, total %s" % (count, euros((yield basket.callRemote("total")))))

    alice = yield factory.login(UsernamePassword(b"alice", b"wonderland"))
    print("logged in as", (yield alice.callRemote("whoami")))
    receipt = yield alice.callRemote("order", "bread", 3)
    print("receipt (%s): %s" % (type(receipt).__name__, receipt))

    ok, failure = yield outcome(factory.login(UsernamePassword(b"alice", b"not her password")))
    if not ok and failure.check(UnauthorizedLogin):
        print("wrong password: refused (UnauthorizedLogin)")
    factory.disconnect()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8801)
    options = parser.parse_args()
    task.react(main, (options.host, options.port))
