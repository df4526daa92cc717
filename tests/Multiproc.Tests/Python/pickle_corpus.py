"""The pickle round-trip corpus: `produce` prints every value pickled at protocols 2, 4 and 5 as JSON lines;
`verify FILE` loads the pickles C# wrote back (JSON lines) and checks each against Python's own reload."""
import base64, datetime, decimal, fractions, io, json, math, pickle, queue, sys, threading, types
from multiprocessing.managers import ListProxy, Token


class Employee:
    def __init__(self, name, salary):
        self.name = name
        self.salary = salary

    def __eq__(self, other):
        return type(other) is Employee and vars(self) == vars(other)


class StoredProxy:
    """Pickles as a client pickles a proxy stored in a container (review section 4.4)."""

    def __init__(self, token):
        self.token = token

    def __reduce__(self):
        return (__import__('multiprocessing.managers').managers.RebuildProxy, (ListProxy, self.token, 'pickle', {}))


def fake_rebuild(*args):
    return ('RebuildProxy', args)


class SafeUnpickler(pickle.Unpickler):
    # RebuildProxy would connect to a manager; record its arguments instead.
    def find_class(self, module, name):
        if (module, name) == ('multiprocessing.managers', 'RebuildProxy'):
            return fake_rebuild
        return super().find_class(module, name)


def load(data):
    return SafeUnpickler(io.BytesIO(data)).load()


shared = [1]
CORPUS = {
    'int_small': 7, 'int_zero': 0, 'int_neg': -5, 'int_255': 255, 'int_256': 256, 'int_65536': 65536,
    'int_i32min': -2**31, 'int_i64max': 2**63 - 1, 'int_2_64': 2**64, 'int_2_100': 2**100,
    'int_neg_2_100': -2**100, 'int_huge': 2**2100,
    'float': 1.5, 'float_neg_zero': -0.0, 'nan': float('nan'), 'inf': float('inf'), 'neg_inf': float('-inf'),
    'str': 'hello', 'str_empty': '', 'str_astral': '\U0001D11E clef', 'str_long': 'x' * 300, 'str_lone_surrogate': '\ud800',
    'bytes': b'\x00\xff ab', 'bytes_empty': b'', 'bytes_long': bytes(range(256)) * 2,
    'bytearray': bytearray(b'abc'), 'bytearray_empty': bytearray(),
    'tuple': (1, 'a', None), 'tuple_empty': (), 'tuple_big': tuple(range(10)),
    'list_nested': [1, [2, [3, []]], (4,)],
    'dict': {'z': 1, 'a': 2, (1, 2): 'tuple key', 2.5: 'float key', False: 'bool key', 10**30: 'big key'},
    'set': {1, 'a', (2, 3)}, 'frozenset': frozenset({1, 2}), 'set_empty': set(),
    'none': None, 'true': True, 'false': False,
    'namespace': types.SimpleNamespace(a=1, b='x'), 'fraction': fractions.Fraction(3, 4),
    'decimal': decimal.Decimal('1.10'), 'datetime': datetime.datetime(2024, 1, 2, 3, 4, 5, 6),
    'date': datetime.date(2024, 2, 29), 'complex': complex(1, 2),
    'employee': Employee('Alice', 5000), 'employees': [Employee('Bob', 1), Employee('Eve', 2)],
    'slice': slice(1, 3, None), 'keyerror': KeyError(42), 'keyerror_str': KeyError('missing'),
    'queue_empty': queue.Empty(), 'queue_full': queue.Full(), 'broken_barrier': threading.BrokenBarrierError(),
    'attribute_error': AttributeError("'Namespace' object has no attribute 'x'"),
    'request': (None, 'create', ('list', [1, 'a']), {}),
    'sort_kwargs': ('7f104af73d40', 'sort', (), {'reverse': True}),
    'token': Token('Iterator', ('127.0.0.1', 47013), '7f104af928e0'),
    'rebuild_proxy': ('7f1', '__setitem__', ('inner', StoredProxy(Token('list', ('127.0.0.1', 48011), '7f10'))), {}),
    'shared': [shared, shared],
}
PROTOCOLS = (2, 4, 5)


def same(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return [(type(k), k) for k in a] == [(type(k), k) for k in b] and all(same(a[k], b[k]) for k in a)
    if isinstance(a, BaseException):
        return same(a.args, b.args)
    if isinstance(a, Token):
        return (a.typeid, a.address, a.id) == (b.typeid, b.address, b.id)
    return a == b


def produce():
    for name, value in CORPUS.items():
        for protocol in PROTOCOLS:
            data = pickle.dumps(value, protocol)
            print(json.dumps({'name': name, 'proto': protocol, 'data': base64.b64encode(data).decode()}))


def verify(path):
    failures = 0
    with open(path) as lines:
        for line in lines:
            case = json.loads(line)
            name = case['name']
            expected = load(pickle.dumps(CORPUS[name], case['proto']))
            try:
                actual = load(base64.b64decode(case['data']))
                ok = same(expected, actual)
            except Exception as error:
                ok, actual = False, error
            if not ok:
                failures += 1
                print(f"FAIL {name} proto {case['proto']}->{case['out']}: expected {expected!r}, got {actual!r}")
            else:
                print(f"ok {name} {case['proto']}->{case['out']}")
    print(f"failures {failures}")


if __name__ == '__main__':
    produce() if sys.argv[1] == 'produce' else verify(sys.argv[2])
