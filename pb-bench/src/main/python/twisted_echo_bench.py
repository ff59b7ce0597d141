#!/usr/bin/env python3
"""Twisted PB's own echo benchmark: the reference point pb-bench reports PBJ's speed-up against.

A Twisted PB server (in a child process, so server and client each have a reactor and a core, as Twisted
deployments do) serves a root with ``remote_echo``; the client gets the root and calls ``echo("hello")``:

* latency: ``--calls`` calls one at a time, each sent when the previous answer arrived (after ``--warmup``
  unmeasured calls); the median, 99th percentile and mean round trip in microseconds;
* throughput: for each ``--inflight`` value, that many calls kept outstanding for ``--seconds``; answers per second.

Prints one JSON object on stdout. Everything is on 127.0.0.1, and every loop is bounded in count and time.

    python3 twisted_echo_bench.py --calls 2000 --warmup 500 --seconds 1 --inflight 1,16,128
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time


def serve():
    from twisted.internet import reactor
    from twisted.spread import pb

    class Root(pb.Root):
        def remote_echo(self, x):
            return x

    port = reactor.listenTCP(0, pb.PBServerFactory(Root()), interface="127.0.0.1")
    sys.stdout.write("%d\n" % port.getHost().port)
    sys.stdout.flush()
    # the parent closes our stdin when it is done (or dies): stop then
    from twisted.internet import stdio
    from twisted.internet.protocol import Protocol

    class Watch(Protocol):
        def connectionLost(self, reason):
            if reactor.running:
                reactor.stop()

    stdio.StandardIO(Watch())
    reactor.run()


def percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, int(round(fraction * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


def bench(args):
    import twisted
    from twisted.internet import defer, reactor
    from twisted.spread import pb

    server = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--serve"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    result = {"twisted": twisted.__version__, "python": platform.python_version(),
              "calls": args.calls, "warmup": args.warmup, "seconds": args.seconds,
              "server": "separate process"}
    try:
        line = server.stdout.readline().strip()
        if not line:
            raise SystemExit("the Twisted PB server did not start")
        port = int(line)
        factory = pb.PBClientFactory()
        reactor.connectTCP("127.0.0.1", port, factory)
        failure = []

        def sequential(root, count, record):
            """count calls one after another; record(ns) for each."""
            done = defer.Deferred()
            state = {"left": count, "start": 0}

            def fire():
                state["start"] = time.perf_counter_ns()
                root.callRemote("echo", "hello").addCallbacks(answered, done.errback)

            def answered(value):
                record(time.perf_counter_ns() - state["start"])
                state["left"] -= 1
                if state["left"] > 0:
                    fire()
                else:
                    done.callback(None)

            if count > 0:
                fire()
            else:
                done.callback(None)
            return done

        def windowed(root, inflight, seconds):
            """inflight calls outstanding for seconds; returns answers per second."""
            done = defer.Deferred()
            state = {"answers": 0, "outstanding": 0}
            deadline = time.perf_counter() + seconds
            started = time.perf_counter()

            def fire():
                state["outstanding"] += 1
                root.callRemote("echo", "hello").addCallbacks(answered, failed)

            def answered(value):
                state["outstanding"] -= 1
                state["answers"] += 1
                if time.perf_counter() < deadline:
                    fire()
                elif state["outstanding"] == 0:
                    done.callback(state["answers"] / (time.perf_counter() - started))

            def failed(reason):
                if not done.called:
                    done.errback(reason)

            for _ in range(inflight):
                fire()
            return done

        @defer.inlineCallbacks
        def run():
            root = yield factory.getRootObject()
            yield sequential(root, args.warmup, lambda ns: None)
            samples = []
            yield sequential(root, args.calls, samples.append)
            samples.sort()
            result["latency_us"] = {
                "median": percentile(samples, 0.5) / 1000.0,
                "p99": percentile(samples, 0.99) / 1000.0,
                "mean": sum(samples) / len(samples) / 1000.0,
            }
            result["throughput"] = {}
            for inflight in args.inflight:
                rate = yield windowed(root, inflight, args.seconds)
                result["throughput"][str(inflight)] = rate

        def finish(outcome):
            if isinstance(outcome, Exception) or hasattr(outcome, "getErrorMessage"):
                failure.append(str(getattr(outcome, "getErrorMessage", lambda: outcome)()))
            factory.disconnect()
            reactor.callLater(0, reactor.stop)

        def give_up():
            failure.append("timed out after %d s" % args.timeout)
            reactor.stop()

        reactor.callWhenRunning(lambda: run().addBoth(finish))
        reactor.callLater(args.timeout, give_up)
        reactor.run()
        if failure:
            result["error"] = failure[0]
    finally:
        try:
            server.stdin.close()
            server.wait(timeout=10)
        except Exception:
            server.kill()
            server.wait()
    print(json.dumps(result))
    return 1 if "error" in result else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--calls", type=int, default=2000, help="measured one-at-a-time calls")
    parser.add_argument("--warmup", type=int, default=500, help="unmeasured calls first")
    parser.add_argument("--seconds", type=float, default=1.0, help="duration of each throughput run")
    parser.add_argument("--inflight", type=lambda s: [int(x) for x in s.split(",")], default=[1, 16, 128],
                        help="calls outstanding in the throughput runs, comma-separated")
    parser.add_argument("--timeout", type=int, default=300, help="give up after this many seconds")
    args = parser.parse_args()
    if args.serve:
        serve()
        return 0
    return bench(args)


if __name__ == "__main__":
    sys.exit(main())
