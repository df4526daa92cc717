"""Stock multiprocessing clients for PythonListenerAttackTests: the roles the attacks need.

argv: mode, address (host:port or a Unix path), authkey hex, mode arguments.
  ping                   connects, creates a list and prints 'ok <contents>'
  wrongkey               connect with a wrong key: prints 'AuthenticationError: <message>', then pings
  flood THREADS COUNT    THREADS threads each create and drop COUNT lists: prints 'ok <total>'
  consume COUNT TIMEOUT  takes COUNT items from the published 'jobs' queue, printing 'waiting' before each get and
                         'item <value>' after it (a get that times out prints 'empty'); then 'done'
  hold                   creates a Lock and an RLock, acquires both, prints 'held <lock id> <rlock id>', then waits to be killed
"""
import sys
import threading
from multiprocessing import AuthenticationError
from multiprocessing.managers import SyncManager


class Client(SyncManager):
    pass


Client.register('jobs')


def connect(address, key):
    m = Client(address=address, authkey=key)
    m.connect()
    return m


def wrongkey(address, key):
    try:
        connect(address, b'not the key')
        print('connected with a wrong key', flush=True)
    except AuthenticationError as e:
        print('AuthenticationError:', e, flush=True)
    ping(address, key)


def ping(address, key):
    m = connect(address, key)
    print('ok', m.list([1, 2])[:], flush=True)


def flood(address, key, threads, count):
    m = connect(address, key)
    done = []
    failures = []

    def run():
        try:
            for i in range(count):
                l = m.list([i])
                assert l[0] == i
                del l
                done.append(1)
        except Exception as e:
            failures.append(repr(e))

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print('ok', len(done), *failures, flush=True)


def consume(address, key, count, timeout):
    import queue
    q = connect(address, key).jobs()
    for _ in range(count):
        print('waiting', flush=True)
        try:
            item = q.get(timeout=timeout) if timeout > 0 else q.get()
        except queue.Empty:
            print('empty', flush=True)
            break
        print('item', item, flush=True)
    print('done', flush=True)


def hold(address, key):
    m = connect(address, key)
    lock, rlock = m.Lock(), m.RLock()
    # The RLock first: its closing handler then runs after the Lock's (LIFO), so the RLock's release shows both ran.
    assert rlock.acquire() and rlock.acquire() and lock.acquire()
    print('held', lock._token.id, rlock._token.id, flush=True)
    threading.Event().wait()


def main():
    mode, address_text, key_hex, *args = sys.argv[1:]
    if ':' in address_text and not address_text.startswith('/'):
        host, port = address_text.rsplit(':', 1)
        address = (host, int(port))
    else:
        address = address_text
    key = bytes.fromhex(key_hex)
    if mode == 'ping':
        ping(address, key)
    elif mode == 'wrongkey':
        wrongkey(address, key)
    elif mode == 'flood':
        flood(address, key, int(args[0]), int(args[1]))
    elif mode == 'consume':
        consume(address, key, int(args[0]), float(args[1]))
    elif mode == 'hold':
        hold(address, key)
    else:
        raise SystemExit('unknown mode ' + mode)


if __name__ == '__main__':
    main()
