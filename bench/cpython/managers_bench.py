#!/usr/bin/env python3
"""CPython side of the Multiproc comparison: latency of multiprocessing.managers calls.

The manager server runs in its own process (CPython's default, ``manager.start()``); the
measurements run in a SEPARATE client process that connects with ``address`` + ``authkey``,
the way an unrelated program would. The script prints exactly one JSON object on stdout:
each operation's mean microseconds per operation (median of 3 timed runs, after a warm-up
that also calibrates the iteration count unless --iterations is given),
plus ``threads_64_calls_per_s``: 64 threads, each calling its own proxy for ~1 s.

--transport unix (the default, as CPython's on Unix) or tcp (127.0.0.1; there each new
connection, hence each proxy creation, pays CPython's Nagle/delayed-ACK stalls).

Standard library only; Python 3.8+. The whole run is bounded by a 120 s watchdog, and the
manager is always shut down. Diagnostics go to stderr.

    python3 bench/cpython/managers_bench.py                    # ~12 s
    python3 bench/cpython/managers_bench.py --quick            # ~5 s
    python3 bench/cpython/managers_bench.py --iterations 5000  # fixed counts; time varies
"""

import argparse
import faulthandler
import json
import multiprocessing
import os
import platform
import signal
import statistics
import sys
import threading
import time
from multiprocessing.managers import SyncManager

OVERALL_TIMEOUT_S = 120
SETUP_TIMEOUT_S = 20
RUNS = 3
THREADS = 64
MIN_ITERATIONS = 5
WARMUP_OPS = 50
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
    warmup, elapsed = 0, 0.0
    start = time.perf_counter()
    # One op at a time, so that a slow op (a TCP proxy creation can take 100+ ms) stops early.
    while warmup < (WARMUP_OPS if n is None else max(10, n // 10)) and elapsed < target_s:
        keep = run(1)
        del keep
        warmup += 1
        elapsed = time.perf_counter() - start
    per_op = elapsed / warmup
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


def _threads_run(client, duration, held):
    """64 threads, each with its own Counter proxy, call add(1) for `duration` seconds, RUNS times.

    The threads and their proxies are set up once, concurrently, then reused for every run.
    Returns (calls/s of each run, None) or (None, reason) when setup does not finish in
    SETUP_TIMEOUT_S: CPython has no connect timeouts, and on TCP a burst of 64 connections
    can stall its accept loop (it authenticates each connection inside accept()).
    """
    barrier = threading.Barrier(THREADS + 1)
    counts = [0] * THREADS
    errors = []
    deadline = [0.0]
    wait_s = duration + SETUP_TIMEOUT_S

    def worker(slot):
        try:
            counter = client.Counter()
            counter.add(0)  # opens this thread's connection before any clock starts
            total = 0
            for _ in range(RUNS):
                barrier.wait(wait_s)
                add, end, calls = counter.add, deadline[0], 0
                while time.perf_counter() < end:
                    add(1)
                    calls += 1
                counts[slot] = calls
                total += calls
                barrier.wait(wait_s)
            if counter.value() != total:
                errors.append("counter %d: %d calls but value %d" % (slot, total, counter.value()))
            held.append(counter)  # its decref (a new connection) waits until the client exits
            barrier.wait(wait_s)
        except threading.BrokenBarrierError:
            pass
        except Exception as e:  # reported by the caller; the barrier is broken so nobody waits for this thread
            errors.append(repr(e))
            barrier.abort()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(THREADS)]
    for t in threads:
        t.start()
    setup_end = time.perf_counter() + SETUP_TIMEOUT_S
    while barrier.n_waiting < THREADS and not errors and time.perf_counter() < setup_end:
        time.sleep(0.005)
    if barrier.n_waiting < THREADS:
        barrier.abort()
        return None, errors[0] if errors else "only %d of %d threads connected within %d s" % (
            barrier.n_waiting, THREADS, SETUP_TIMEOUT_S)
    rates = []
    try:
        for _ in range(RUNS):
            # Set before the start barrier releases the threads, so each reads this run's deadline.
            deadline[0] = time.perf_counter() + duration
            barrier.wait(wait_s)
            start = time.perf_counter()
            barrier.wait(wait_s)
            rates.append(sum(counts) / (time.perf_counter() - start))
        barrier.wait(wait_s)  # every thread has checked its counter
    except threading.BrokenBarrierError:
        return None, errors[0] if errors else "a thread stopped responding"
    return (None, errors[0]) if errors else (rates, None)


def run_client(address, authkey, n, run_target_s, threads_duration, results):
    """Runs in the client process: connect, measure, send the results through the pipe."""
    # A hang shows where it is stuck (on stderr) before the parent's watchdog fires.
    faulthandler.dump_traceback_later(OVERALL_TIMEOUT_S - 15, exit=True)
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

    held = []
    rates, failure = _threads_run(client, threads_duration, held)
    if rates is None:
        out["threads_64_calls_per_s"] = None
        runs["threads_64_calls_per_s"] = failure
        print("threads_64_calls_per_s failed: %s" % failure, file=sys.stderr)
    else:
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


def _stop(process, timeout):
    if process is not None and process.is_alive():
        process.kill()
        process.join(timeout)


def _shutdown(manager):
    """manager.shutdown(), bounded: it connects to the server, which can be wedged."""
    stopper = threading.Thread(target=manager.shutdown, daemon=True)
    stopper.start()
    stopper.join(10)
    _stop(getattr(manager, "_process", None), 5)


def _on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def main(argv=None):
    args = _parse_args(argv)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _on_sigterm)  # so that `finally` still shuts the manager down
    ctx = multiprocessing.get_context("spawn")
    authkey = os.urandom(32)
    address = ("127.0.0.1", 0) if args.transport == "tcp" else None
    manager = BenchManager(address=address, authkey=authkey, ctx=ctx)
    client = None

    def watchdog():
        _stop(client, 1)
        _stop(getattr(manager, "_process", None), 1)
        print(json.dumps({"error": "timed out after %d s" % OVERALL_TIMEOUT_S}), flush=True)
        os._exit(3)

    timer = threading.Timer(OVERALL_TIMEOUT_S, watchdog)
    timer.daemon = True
    timer.start()
    started = time.perf_counter()
    client_exit = None
    try:
        manager.start()
        receiver, sender = ctx.Pipe(duplex=False)
        client = ctx.Process(target=run_client, name="bench-client",
                             args=(manager.address, authkey, args.iterations, args.run_target_s,
                                   args.threads_duration, sender))
        client.start()
        sender.close()
        if not receiver.poll(OVERALL_TIMEOUT_S - 5):
            raise RuntimeError("the client process produced no results")
        results, runs, counts = receiver.recv()
        client.join(15)
        client_exit = client.exitcode if client.exitcode is not None else "killed: still running 15 s after its results"
    except (EOFError, RuntimeError) as e:
        reason = str(e) or "the client process exited with %s before sending results" % (client and client.exitcode)
        print(json.dumps({"error": reason}), flush=True)
        return 2
    finally:
        _stop(client, 5)
        _shutdown(manager)
        timer.cancel()

    results["meta"] = {
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
        "client_exit": client_exit,
        "wall_s": round(time.perf_counter() - started, 2),
    }
    print(json.dumps(results), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
