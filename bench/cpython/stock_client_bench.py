#!/usr/bin/env python3
"""What a stock CPython client feels, against any manager server (``bench -- python``).

The same script measures a Multiproc manager's Python listener and CPython's own SyncManager
server. argv: address (host:port, or a Unix socket path), authkey in hex, then optional
--calls N (sync calls per row, default 2000) and --budget S (seconds a row may take, default 1).
Each row runs once after a short warm-up, and stops early when its budget is spent; the bench
rotates rounds over the servers and takes medians. Prints one JSON object: microseconds per
operation for each row, and "meta". Standard library only; Python 3.8+; a watchdog ends a stuck
run after 120 s.

    python3 bench/cpython/stock_client_bench.py 127.0.0.1:41234 <key hex>
"""

import argparse
import faulthandler
import json
import platform
import sys
import threading
import time
from multiprocessing.managers import SyncManager

WATCHDOG_S = 120
THREADS = 4


class Client(SyncManager):
    pass


Client.register('Counter')


def per_op(operation, n, budget_s):
    """Microseconds per call of operation(): a warm-up, then up to n calls or budget_s seconds."""
    for _ in range(max(3, min(50, n // 10))):
        operation()
    done = 0
    start = time.perf_counter()
    deadline = start + budget_s
    while done < n:
        operation()
        done += 1
        if time.perf_counter() > deadline and done >= 5:
            break
    return (time.perf_counter() - start) * 1e6 / done


def threads_per_call(m, n):
    """THREADS threads, each with its own list proxy (so its own connection): wall time / all calls."""
    ready = threading.Barrier(THREADS + 1)
    errors = []

    def work():
        try:
            l = m.list([0])
            for _ in range(20):
                len(l)
            ready.wait()
            for _ in range(n):
                len(l)
        except Exception as e:  # reported below, so a failing thread does not hang the barrier
            errors.append(repr(e))
            ready.abort()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    ready.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise RuntimeError(errors[0])
    return elapsed * 1e6 / (THREADS * n)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('address')
    parser.add_argument('authkey')
    parser.add_argument('--calls', type=int, default=2000)
    parser.add_argument('--budget', type=float, default=1.0)
    args = parser.parse_args()
    faulthandler.dump_traceback_later(WATCHDOG_S, exit=True)

    if args.address.startswith('/'):
        address = args.address
    else:
        host, port = args.address.rsplit(':', 1)
        address = (host, int(port))
    key = bytes.fromhex(args.authkey)
    calls, budget = args.calls, args.budget
    slow = max(5, calls // 10)  # rows that open connections: each costs a handshake or three

    def connect():
        Client(address=address, authkey=key).connect()

    figures = {'connect': per_op(connect, slow, budget)}
    m = Client(address=address, authkey=key)
    m.connect()

    def create_drop():
        l = m.list()
        del l

    figures['create_drop'] = per_op(create_drop, slow, budget)
    l = m.list([0])
    figures['list_append'] = per_op(lambda: l.append(1), calls, budget)
    figures['list_getitem'] = per_op(lambda: l[0], calls, budget)
    figures['list_len'] = per_op(lambda: len(l), calls, budget)
    q = m.Queue()

    def put_get():
        q.put(1)
        q.get()

    figures['queue_put_get'] = per_op(put_get, calls // 2, budget)
    lock = m.Lock()

    def acquire_release():
        lock.acquire()
        lock.release()

    figures['lock_acquire_release'] = per_op(acquire_release, calls // 2, budget)
    d = m.dict()

    def dict_set():
        d['k'] = 1

    figures['dict_set'] = per_op(dict_set, calls, budget)
    figures['dict_get'] = per_op(lambda: d['k'], calls, budget)
    c = m.Counter()
    figures['counter_add'] = per_op(lambda: c.add(1), calls, budget)
    figures['threads_len'] = threads_per_call(m, max(50, calls // 4))
    figures['meta'] = {'python': platform.python_version(), 'calls': calls, 'budget_s': budget}
    print(json.dumps(figures))
    faulthandler.cancel_dump_traceback_later()
    return 0


if __name__ == '__main__':
    sys.exit(main())
