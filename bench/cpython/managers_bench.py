#!/usr/bin/env python3
"""CPython side of the Multiproc comparison: latency of multiprocessing.managers calls.

The manager server runs in its own process (CPython's default, ``manager.start()``); the
measurements run in a SEPARATE client process that connects with ``address`` + ``authkey``,
the way an unrelated program would. The script prints exactly one JSON object on stdout:
each operation's mean microseconds per operation (median of 3 timed runs, after a warm-up
that also calibrates the iteration count unless --iterations is given),
plus ``threads_64_calls_per_s``: 64 threads, each calling its own proxy for ~1 s.

Standard library only; Python 3.8+. The whole run is bounded by a 120 s watchdog, and the
manager is always shut down. Diagnostics go to stderr.

    python3 bench/cpython/managers_bench.py                    # ~12 s
    python3 bench/cpython/managers_bench.py --quick            # ~5 s
    python3 bench/cpython/managers_bench.py --iterations 5000  # fixed counts; time varies
"""

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import sys
import threading
import time
from multiprocessing.managers import SyncManager

OVERALL_TIMEOUT_S = 120
RUNS = 3
THREADS = 64
MIN_ITERATIONS = 20
MAX_ITERATIONS = 200000
KEYS = ["k%d" % i for i in range(64)]


class Counter:
    """The registered custom class: one int, one method."""

    def __init__(self):
        self._value = 0

    def add(self, delta):
        self._value += delta
        return self._value

    def value(self):
        return self._value


class BenchManager(SyncManager):
    pass


BenchManager.register("Counter", Counter)


def _timed_runs(run, n, target_s):
    """Warm up, pick n if it is None, then time RUNS runs of run(n).

    Returns (n, per-op means in microseconds). With n None the warm-up also calibrates:
    n is chosen so one timed run lasts about target_s, which keeps the total time steady
    on fast and on loaded machines alike.
    """
    warmup = 50 if n is None else max(10, n // 10)
    start = time.perf_counter()
    run(warmup)
    per_op = (time.perf_counter() - start) / warmup
    if n is None:
        n = int(min(MAX_ITERATIONS, max(MIN_ITERATIONS, target_s / per_op)))
    means = []
    for _ in range(RUNS):
        start = time.perf_counter()
        keep = run(n)  # whatever run returns (e.g. new proxies) is released after the clock stops
        elapsed = time.perf_counter() - start
        del keep
        means.append(elapsed / n * 1e6)
    return n, means


def _threads_run(client, duration):
    """64 threads, each with its own Counter proxy, call add(1) until the deadline; returns calls/s."""
    barrier = threading.Barrier(THREADS + 1)
    counts = [0] * THREADS
    errors = []
    deadline = [0.0]

    def worker(slot):
        try:
            counter = client.Counter()
            counter.add(0)  # opens this thread's connection before the clock starts
            barrier.wait(30)
            add, end, calls = counter.add, deadline[0], 0
            while time.perf_counter() < end:
                add(1)
                calls += 1
            counts[slot] = calls
            if counter.value() != calls:
                errors.append("counter %d: %d calls but value %d" % (slot, calls, counter.value()))
        except Exception as e:  # reported below; a broken barrier must not hang the others
            errors.append(repr(e))
            barrier.abort()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(THREADS)]
    for t in threads:
        t.start()
    deadline[0] = time.perf_counter() + 3600  # placeholder until every thread is ready
    try:
        # The deadline is set before releasing the barrier, so every thread reads the real one.
        while barrier.n_waiting < THREADS and not errors and any(t.is_alive() for t in threads):
            time.sleep(0.001)
        start = time.perf_counter()
        deadline[0] = start + duration
        barrier.wait(30)
    except threading.BrokenBarrierError:
        pass
    for t in threads:
        t.join(duration + 30)
    elapsed = time.perf_counter() - start
    if errors:
        raise RuntimeError("thread benchmark failed: %s" % errors[:3])
    return sum(counts) / elapsed


def run_client(address, authkey, n, run_target_s, threads_duration, results):
    """Runs in the client process: connect, measure, send the results through the pipe."""
    client = BenchManager(address=address, authkey=authkey)
    client.connect()

    counter = client.Counter()
    lst = client.list()
    items = client.list(range(100))
    dct = client.dict({k: 0 for k in KEYS})
    queue = client.Queue()
    lock = client.Lock()
    value = client.Value("i", 7)

    def call_int(k):
        add = counter.add
        for _ in range(k):
            add(1)

    def list_append(k):
        append = lst.append
        for i in range(k):
            append(i)

    def dict_set(k):
        for i in range(k):
            dct[KEYS[i & 63]] = i

    def dict_get(k):
        for i in range(k):
            dct[KEYS[i & 63]]

    def queue_put_get(k):
        put, get = queue.put, queue.get
        for i in range(k):
            put(i)
            get()

    def lock_acquire_release(k):
        acquire, release = lock.acquire, lock.release
        for _ in range(k):
            acquire()
            release()

    def list_getitem(k):
        for i in range(k):
            items[i % 100]

    def create_proxy(k):
        return [client.Counter() for _ in range(k)]

    def value_get(k):
        for _ in range(k):
            value.value

    fixed = n is not None
    ops = [
        ("call_int", call_int, n),
        ("list_append", list_append, n),
        ("dict_set", dict_set, n),
        ("dict_get", dict_get, n),
        ("queue_put_get", queue_put_get, n),
        ("lock_acquire_release", lock_acquire_release, n),
        ("list_getitem", list_getitem, n),
        ("create_proxy", create_proxy, max(MIN_ITERATIONS, n // 20) if fixed else None),
        ("value_get", value_get, n),
    ]
    out, runs, counts = {}, {}, {}
    for name, run, count in ops:
        counts[name], means = _timed_runs(run, count, run_target_s)
        out[name] = round(statistics.median(means), 2)
        runs[name] = [round(m, 2) for m in means]
        print("%-22s %10.2f us/op  n=%-6d runs=%s" % (name, out[name], counts[name], runs[name]), file=sys.stderr)

    rates = [_threads_run(client, threads_duration) for _ in range(RUNS)]
    out["threads_64_calls_per_s"] = round(statistics.median(rates))
    runs["threads_64_calls_per_s"] = [round(r) for r in rates]
    print("%-22s %10d calls/s runs=%s" % ("threads_64_calls_per_s", out["threads_64_calls_per_s"], runs["threads_64_calls_per_s"]), file=sys.stderr)
    results.send((out, runs, counts))
    results.close()


def _parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=None,
                        help="calls per timed run for every op (create_proxy: 1/20 of it); "
                             "default: calibrated so each timed run lasts ~0.25 s (~0.1 s with --quick)")
    parser.add_argument("--quick", action="store_true", help="shorter runs, about 5 s in total")
    parser.add_argument("--transport", choices=["unix", "tcp"], default="unix" if hasattr(os, "fork") else "tcp",
                        help="unix socket (CPython's default on Unix) or TCP on 127.0.0.1")
    args = parser.parse_args(argv)
    if args.iterations is not None and args.iterations < 1:
        parser.error("--iterations must be at least 1")
    args.run_target_s = 0.1 if args.quick else 0.25
    args.threads_duration = 0.3 if args.quick else 1.0
    return args


def main(argv=None):
    args = _parse_args(argv)
    ctx = multiprocessing.get_context("spawn")
    authkey = os.urandom(32)
    address = ("127.0.0.1", 0) if args.transport == "tcp" else None
    manager = BenchManager(address=address, authkey=authkey, ctx=ctx)
    client = None

    def watchdog():
        for proc in (client, getattr(manager, "_process", None)):
            if proc is not None and proc.is_alive():
                proc.kill()
        print(json.dumps({"error": "timed out after %d s" % OVERALL_TIMEOUT_S}), flush=True)
        os._exit(3)

    timer = threading.Timer(OVERALL_TIMEOUT_S, watchdog)
    timer.daemon = True
    timer.start()
    started = time.perf_counter()
    try:
        manager.start()
        receiver, sender = ctx.Pipe(duplex=False)
        client = ctx.Process(target=run_client, name="bench-client",
                             args=(manager.address, authkey, args.iterations, args.run_target_s, args.threads_duration, sender))
        client.start()
        sender.close()
        if not receiver.poll(OVERALL_TIMEOUT_S - 5):
            raise RuntimeError("the client process produced no results")
        results, runs, counts = receiver.recv()
        client.join(10)
        if client.exitcode != 0:
            raise RuntimeError("the client process exited with %s" % client.exitcode)
    except (EOFError, RuntimeError) as e:
        print(json.dumps({"error": str(e)}), flush=True)
        return 2
    finally:
        if client is not None and client.is_alive():
            client.kill()
            client.join(5)
        manager.shutdown()
        timer.cancel()

    results.update({
        "meta": {
            "implementation": platform.python_implementation(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "transport": args.transport,
            "iterations": counts,
            "runs": RUNS,
            "threads": THREADS,
            "threads_duration_s": args.threads_duration,
            "unit": "microseconds per operation, median of %d runs; threads_64_calls_per_s in calls/s" % RUNS,
            "runs_detail": runs,
            "wall_s": round(time.perf_counter() - started, 2),
        }
    })
    print(json.dumps(results), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
