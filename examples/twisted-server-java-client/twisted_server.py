#!/usr/bin/env python3
"""A Twisted PB server: a weather station that Java calls (WeatherClient.java beside this file).

Usage:
    python3 twisted_server.py [--port 8802]

Listens on 127.0.0.1 (--port 0: an ephemeral port), prints ``listening tcp://127.0.0.1:PORT``
once ready, then serves until its standard input ends (Ctrl-D) or it is interrupted. It
prints ``subscriber answered: ...`` for each answer it gets back from a subscriber.
"""

import argparse
import sys

from twisted.internet import defer, reactor, stdio
from twisted.internet.protocol import Protocol
from twisted.spread import pb

FORECASTS = {
    "Lisbon": {"sky": "sunny", "high": 24, "low": 15},
    "Oslo": {"sky": "snow", "high": -2, "low": -9},
}


class Station(pb.Root):
    """The root object: its remote_ methods are what PB clients may call."""

    def remote_cities(self):
        return sorted(FORECASTS)

    def remote_forecast(self, city):
        if city not in FORECASTS:
            # pb.Error is the application error: the Java caller gets a RemoteException with isPbError()
            raise pb.Error("no forecast for %s" % city)
        return FORECASTS[city]

    @defer.inlineCallbacks
    def remote_subscribe(self, listener, city):
        """Sends each reading of city to listener (the caller's own object) and returns how many it took."""
        taken = 0
        for hour, temperature in enumerate((FORECASTS[city]["low"], FORECASTS[city]["high"])):
            answer = yield listener.callRemote("reading", city, hour * 12, temperature)
            print("subscriber answered: %s" % answer, flush=True)
            taken += 1
        return taken


class StopWhenStdinEnds(Protocol):
    """Ends the server with its parent: the tests close our stdin, a terminal user types Ctrl-D."""

    def connectionLost(self, reason):
        if reactor.running:
            reactor.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8802)
    port = reactor.listenTCP(parser.parse_args().port, pb.PBServerFactory(Station()), interface="127.0.0.1")
    print("listening tcp://127.0.0.1:%d" % port.getHost().port)
    sys.stdout.flush()
    stdio.StandardIO(StopWhenStdinEnds())
    reactor.run()


if __name__ == "__main__":
    main()
