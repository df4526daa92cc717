#!/usr/bin/env python3
"""CPython's own SyncManager server for ``bench -- python``: the other side of stock_client_bench.py.

argv: 'tcp' (127.0.0.1, a free port) or a Unix socket path, then the authkey in hex. Serves in this
process (``get_server().serve_forever()``) with a registered Counter like the bench's C# one, prints
its address (host:port or the path) on one line, and exits when stdin closes. Standard library only.
"""

import os
import sys
import threading
from multiprocessing.managers import SyncManager


class Counter:
    """The registered class the C# side registers too: one int, add(delta)."""

    def __init__(self):
        self._value = 0

    def add(self, delta):
        self._value += delta
        return self._value


class BenchManager(SyncManager):
    pass


BenchManager.register('Counter', Counter)


def main():
    where, key_hex = sys.argv[1:3]
    address = ('127.0.0.1', 0) if where == 'tcp' else where
    server = BenchManager(address=address, authkey=bytes.fromhex(key_hex)).get_server()
    bound = server.address
    print('%s:%d' % bound if isinstance(bound, tuple) else bound, flush=True)

    def exit_when_stdin_closes():
        sys.stdin.read()
        if isinstance(bound, str) and os.path.exists(bound):
            os.unlink(bound)
        os._exit(0)

    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    server.serve_forever()


if __name__ == '__main__':
    main()
