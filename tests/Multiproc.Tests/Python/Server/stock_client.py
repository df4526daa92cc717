"""A stock multiprocessing client against a Multiproc manager's Python listener.

argv: address (host:port or a Unix path), authkey hex, scenario names (or 'all').
Prints one line per scenario: 'ok <name>' or 'fail <name>: <error>', then 'done'.
"""
import copy
import datetime
import decimal
import fractions
import queue
import sys
import threading
import traceback
from multiprocessing.managers import BaseManager, SyncManager, BaseProxy


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __eq__(self, other):
        return isinstance(other, Point) and (self.x, self.y) == (other.x, other.y)


class Client(SyncManager):
    pass


Client.register('Staffer')
Client.register('staff')
Client.register('jobs')
Client.register('JoinableQueue')


def expect_raises(kind, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except kind as e:
        return e
    raise AssertionError(f'{fn} did not raise {kind.__name__}')


def scenario_list(m):
    l = m.list([3, 1, 2])
    l.append(5)
    l.extend([4, 0])
    assert len(l) == 6 and l[0] == 3 and l[-1] == 0
    assert l[1:3] == [1, 2] and l[::2] == [3, 2, 4] and l[::-1] == [0, 4, 5, 2, 1, 3]
    l[0:2] = ['a', 'b', 'c']
    assert l[:] == ['a', 'b', 'c', 2, 5, 4, 0], l[:]
    del l[0:3]
    l.sort()
    assert list(l) == [0, 2, 4, 5]
    l.sort(reverse=True)
    assert l[:] == [5, 4, 2, 0]
    assert l.index(2) == 2 and l.count(4) == 1 and 5 in l and 7 not in l
    assert expect_raises(ValueError, l.remove, 7)
    assert expect_raises(IndexError, l.__getitem__, 10)
    assert l.pop() == 0 and l.pop(0) == 5
    l.insert(0, 9)
    assert l[:] == [9, 4, 2]
    assert l + [1] == [9, 4, 2, 1] and l * 2 == [9, 4, 2, 9, 4, 2]
    assert list(reversed(l)) == [2, 4, 9]
    l += [7]
    l *= 2
    assert l[:] == [9, 4, 2, 7, 9, 4, 2, 7]
    assert str(l) == '[9, 4, 2, 7, 9, 4, 2, 7]', str(l)
    assert copy.deepcopy(l) == [9, 4, 2, 7, 9, 4, 2, 7]
    mixed = m.list([1, 'a'])
    assert expect_raises(TypeError, mixed.sort)
    assert mixed[:] == [1, 'a']
    assert m.list(range(5))[:] == [0, 1, 2, 3, 4]
    assert expect_raises(IndexError, m.list().pop)


def scenario_dict(m):
    d = m.dict()
    d[1] = 'one'
    d[1.0] = 'uno'
    d[True] = 'yes'
    assert len(d) == 1 and d[1] == 'yes' and list(d.keys()) == [1]
    assert type(d.keys()[0]) is int
    d[(1, 2)] = 'tuple'
    d['z'] = 26
    d['a'] = 1
    assert d.keys() == [1, (1, 2), 'z', 'a']
    assert d.items() == [(1, 'yes'), ((1, 2), 'tuple'), ('z', 26), ('a', 1)]
    assert isinstance(d.items()[0], tuple)
    assert d.values() == ['yes', 'tuple', 26, 1]
    e = expect_raises(KeyError, d.__getitem__, 'missing')
    assert e.args == ('missing',), e.args
    assert d.get('missing', 5) == 5 and d.get('a') == 1
    assert d.pop('missing', None) is None and d.pop('a') == 1
    assert d.popitem() == ('z', 26)
    assert d.setdefault('s', []) == [] and d['s'] == []
    d.update({'u': 1}, v=2)
    d.update([('w', 3)])
    assert (1, 2) in d and 'q' not in d
    assert [k for k in d] == [1, (1, 2), 's', 'u', 'v', 'w']
    assert sorted(d, key=str) == sorted([1, (1, 2), 's', 'u', 'v', 'w'], key=str)
    del d[1]
    expect_raises(KeyError, d.__delitem__, 1)
    assert d.copy() == {(1, 2): 'tuple', 's': [], 'u': 1, 'v': 2, 'w': 3}
    it = iter(d)
    next(it)
    d.clear()
    expect_raises(RuntimeError, next, it)
    expect_raises(TypeError, d.__setitem__, [1], 2)
    assert m.dict(a=1, b=2).copy() == {'a': 1, 'b': 2}
    expect_raises(KeyError, m.dict().popitem)


def scenario_queue(m):
    q = m.Queue()
    q.put(1)
    q.put((2, 'two'))
    assert q.qsize() == 2 and not q.empty()
    assert q.get() == 1 and q.get(timeout=1) == (2, 'two')
    expect_raises(queue.Empty, q.get_nowait)
    expect_raises(queue.Empty, q.get, False)
    expect_raises(queue.Empty, q.get, block=False)
    expect_raises(queue.Empty, q.get, timeout=0.05)
    expect_raises(ValueError, q.get, timeout=-1)
    small = m.Queue(1)
    small.put('x')
    assert small.full()
    expect_raises(queue.Full, small.put_nowait, 'y')
    expect_raises(queue.Full, small.put, 'y', timeout=0.05)
    results = []
    t = threading.Thread(target=lambda: results.append(q.get(timeout=10)))
    t.start()
    q.put('late')
    t.join(10)
    assert results == ['late']
    jq = m.JoinableQueue()
    jq.put(1)
    jq.put(2)
    def work():
        for _ in range(2):
            jq.get()
            jq.task_done()
    w = threading.Thread(target=work)
    w.start()
    jq.join()
    w.join(10)
    expect_raises(ValueError, jq.task_done)


def scenario_namespace(m):
    ns = m.Namespace(a=1)
    ns.b = 'x'
    assert ns.a == 1 and ns.b == 'x'
    assert str(ns) == "Namespace(a=1, b='x')", str(ns)
    del ns.a
    expect_raises(AttributeError, getattr, ns, 'a')
    assert copy.deepcopy(ns).b == 'x'


def scenario_value(m):
    v = m.Value('i', 5)
    assert v.value == 5
    v.value = 7
    assert v.get() == 7
    v.set('text')
    assert v.value == 'text'
    assert m.Value('u', 'txt').value == 'txt'


def scenario_array(m):
    a = m.Array('i', [1, 2, 3])
    assert len(a) == 3 and a[0] == 1 and a[-1] == 3 and list(a) == [1, 2, 3]
    a[1] = 20
    assert list(a[0:2]) == [1, 20]
    expect_raises(TypeError, a.__setitem__, 0, 1.5)
    expect_raises(IndexError, a.__getitem__, 3)
    assert list(m.Array('d', [1.5])) == [1.5]


def scenario_lock(m):
    lock = m.Lock()
    expect_raises(ValueError, lock.acquire, timeout=-2)
    expect_raises(ValueError, lock.acquire, False, 1)
    assert lock.acquire()
    assert not lock.acquire(False)
    assert not lock.acquire(timeout=0.05)
    other = threading.Thread(target=lock.release)
    other.start()
    other.join(10)
    assert lock.acquire(False)
    lock.release()
    expect_raises(RuntimeError, lock.release)
    with lock:
        pass
    r = m.RLock()
    assert r.acquire() and r.acquire()
    r.release()
    errors = []
    def foreign():
        try:
            r.release()
        except RuntimeError:
            errors.append('RuntimeError')
    t = threading.Thread(target=foreign)
    t.start()
    t.join(10)
    assert errors == ['RuntimeError'], errors
    r.release()
    expect_raises(RuntimeError, r.release)


def scenario_semaphore(m):
    s = m.Semaphore(2)
    assert s.acquire() and s.acquire(False) and not s.acquire(False)
    s.release()
    s.release()
    s.release()
    b = m.BoundedSemaphore(1)
    assert b.acquire()
    b.release()
    expect_raises(ValueError, b.release)


def scenario_condition(m):
    c = m.Condition()
    expect_raises(RuntimeError, c.notify)
    with c:
        assert c.wait(0.05) is False
    ready = []
    def waiter():
        with c:
            ready.append('waiting')
            c.wait_for(lambda: len(ready) > 1, 10)
            ready.append('woken')
    t = threading.Thread(target=waiter)
    t.start()
    while True:
        with c:
            if ready:
                ready.append('go')
                c.notify_all()
                break
    t.join(10)
    assert ready == ['waiting', 'go', 'woken'], ready
    lock = m.Lock()
    over = m.Condition(lock)
    with over:
        assert not lock.acquire(False)   # the condition holds the very lock it was given
        assert over.wait(0.01) is False
    assert lock.acquire(False)
    lock.release()


def scenario_event(m):
    e = m.Event()
    assert not e.is_set() and e.wait(0.05) is False
    threading.Timer(0.05, e.set).start()
    assert e.wait(10) is True and e.is_set()
    e.clear()
    assert not e.is_set()


def scenario_barrier(m):
    b = m.Barrier(3)
    assert b.parties == 3 and b.n_waiting == 0 and not b.broken
    indices = []
    threads = [threading.Thread(target=lambda: indices.append(b.wait(10))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(indices) == [0, 1, 2], indices
    expect_raises(threading.BrokenBarrierError, b.wait, 0.05)
    assert b.broken
    b.reset()
    assert not b.broken
    b.abort()
    expect_raises(threading.BrokenBarrierError, b.wait)


def scenario_values(m):
    values = [None, True, False, 0, -1, 2 ** 80, -2 ** 70, 1.5, float('inf'), '', 'é𝄞', b'\x00\xff',
              bytearray(b'ab'), (1, (2, 'x')), [1, [2]], {'k': (1,)}, {1, 2}, frozenset({3}),
              decimal.Decimal('1.25'), datetime.datetime(2024, 5, 6, 7, 8, 9, 123456), datetime.date(2024, 1, 2),
              fractions.Fraction(1, 3), Point(1, 2), complex(1, 2)]
    l = m.list(values)
    back = l[:]
    for sent, got in zip(values, back):
        assert type(sent) is type(got) and sent == got, (sent, got)
    nan = m.list([float('nan')])[0]
    assert nan != nan


def scenario_registered(m):
    e = m.Staffer('Alice', 5000)
    assert e.get_name() == 'Alice'
    assert e.raise_(100) == decimal.Decimal('5100')
    assert e.get_salary() == decimal.Decimal('5100')
    assert e.raise_later_async(amount=1) == decimal.Decimal('5101')  # its CancellationToken is not sent
    assert e.raise_later_async(-1) == decimal.Decimal('5100')
    e.set_salary(decimal.Decimal('10'))
    assert e.get_salary() == decimal.Decimal('10')
    err = expect_raises(KeyError, e.find, 'nobody')
    assert 'nobody' in str(err)


def scenario_published(m):
    staff = m.staff()
    assert staff[0] == 'from C#'
    staff.append('from Python')
    jobs = m.jobs()
    jobs.put((7, 'job'))


def scenario_references(m):
    import gc
    gc.collect()  # proxies of earlier scenarios held in cycles (tracebacks) decref now
    before = m._number_of_objects()
    lists = [m.list([i]) for i in range(5)]
    assert m._number_of_objects() == before + 5
    del lists
    gc.collect()
    assert m._number_of_objects() == before, (m._number_of_objects(), before)


def shutdown(m):
    from multiprocessing.managers import dispatch
    conn = m._Client(m._address, authkey=m._authkey)
    try:
        dispatch(conn, None, 'shutdown')
    finally:
        conn.close()


SCENARIOS = {name[len('scenario_'):]: fn for name, fn in globals().items() if name.startswith('scenario_')}
EXTRA = {'shutdown': shutdown}


def main():
    address_text, key_hex, *names = sys.argv[1:]
    if ':' in address_text and not address_text.startswith('/'):
        host, port = address_text.rsplit(':', 1)
        address = (host, int(port))
    else:
        address = address_text
    m = Client(address=address, authkey=bytes.fromhex(key_hex))
    m.connect()
    if names == ['all']:
        names = list(SCENARIOS)
    for name in names:
        try:
            (SCENARIOS.get(name) or EXTRA[name])(m)
            print('ok', name, flush=True)
        except Exception:
            print('fail', name + ':', traceback.format_exc().replace('\n', ' | '), flush=True)
    print('done', flush=True)


if __name__ == '__main__':
    main()
