"""A stock CPython SyncManager server for the C# client's tests (PythonManagerTests).

argv: authkey as hex, then 'tcp' (127.0.0.1, a free port) or 'unix:/path'. Prints the address the C# client
connects to (tcp://127.0.0.1:PORT or unix:/path), then serves until killed.
"""
import queue
import sys
from multiprocessing.managers import SyncManager


class Employee:
    def __init__(self, name, salary):
        self.name = name
        self.salary = salary

    def get_name(self):
        return self.name

    def get_salary(self):
        return self.salary

    def raise_(self, amount):
        self.salary += amount
        return self.salary


shared_queue = queue.Queue()


def get_queue():
    return shared_queue


class InteropManager(SyncManager):
    pass


InteropManager.register('Employee', Employee)
InteropManager.register('get_queue', callable=get_queue)


def main():
    key = bytes.fromhex(sys.argv[1])
    where = sys.argv[2] if len(sys.argv) > 2 else 'tcp'
    address = where[len('unix:'):] if where.startswith('unix:') else ('127.0.0.1', 0)
    server = InteropManager(address=address, authkey=key).get_server()
    bound = server.address
    print('unix:' + bound if isinstance(bound, str) else 'tcp://%s:%d' % bound, flush=True)
    server.serve_forever()


if __name__ == '__main__':
    main()
