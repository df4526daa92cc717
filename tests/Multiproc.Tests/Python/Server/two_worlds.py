"""The Python half of TwoWorldsTests: works on objects a .NET program published, then checks what .NET wrote.

argv: host:port, authkey hex, phase ('write' or 'read'). Prints 'ok' or a traceback, then 'done'.
"""
import datetime
import decimal
import fractions
import sys
import traceback
from multiprocessing.managers import SyncManager


class Client(SyncManager):
    pass


for name in ('tuples', 'prices', 'dates', 'objects', 'arrays', 'nested', 'copies', 'python_lock', 'dotnet_lock'):
    Client.register(name)


def write(m):
    tuples = m.tuples()
    assert tuples[0] == [9, 'z'], tuples[0]          # a .NET ValueTuple reaches Python as a list
    tuples.append((1, 'a'))
    prices = m.prices()
    net = prices['net']
    assert type(net) is decimal.Decimal and str(net) == '2.50', repr(net)   # a .NET decimal, its scale kept
    prices['x'] = decimal.Decimal('1.25')
    dates = m.dates()
    assert dates[0] == datetime.datetime(2020, 1, 2, 3, 4, 5), dates[0]
    dates.append(datetime.datetime(2024, 5, 6, 7, 8, 9, 123456))
    objects = m.objects()
    objects.extend([fractions.Fraction(1, 3), 2 ** 80, 'text', None])
    m.arrays().put([1, 2, 3])
    m.nested()['inner'] = m.list([1, 2])
    assert m.python_lock().acquire(False) is False   # .NET holds it
    m.python_lock().release()                        # no owner: Python may release what .NET acquired
    try:
        m.dotnet_lock().release()
        raise AssertionError('a .NET lock released by a stranger')
    except RuntimeError:
        pass


def read(m):
    copies = m.copies()
    assert copies[0] == fractions.Fraction(1, 3), copies[0]
    assert copies[1] == 2 ** 80


def main():
    host, port = sys.argv[1].rsplit(':', 1)
    m = Client(address=(host, int(port)), authkey=bytes.fromhex(sys.argv[2]))
    m.connect()
    try:
        {'write': write, 'read': read}[sys.argv[3]](m)
        print('ok', flush=True)
    except Exception:
        print(traceback.format_exc().replace('\n', ' | '), flush=True)
    print('done', flush=True)


main()
