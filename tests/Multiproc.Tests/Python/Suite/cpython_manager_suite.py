"""CPython's own manager tests, redirected to an external manager server (issue 11).

Runs exactly the tests of `test.test_multiprocessing_spawn.test_manager` (what
`python -m test test_multiprocessing_spawn.test_manager` runs: 75 in CPython 3.13) under the spawn start method,
with every SyncManager the tests start replaced by a client that connect()s to the server given by --address and
--authkey-hex. Needs a CPython that ships its `test` package (pyenv's 3.13 does; Debian's python3 does not).

  python3.13 cpython_manager_suite.py --address 127.0.0.1:5000 --authkey-hex 0011...   # against a server
  python3.13 cpython_manager_suite.py --self-test    # against a stock CPython SyncManager it starts itself

Output, on stdout only: one JSON line per test {"id", "outcome": passed|failed|error|skipped, "reason", "seconds"}
(failures and errors also carry "traceback", its first lines), a line {"fixture": ...} per class or module fixture
that failed, then one {"summary": ...} line. Anything else the tests or their children print goes to stderr.
Exit code 0 only if nothing failed (and, for --self-test, only if every test outside SKIPS passed).
"""
import argparse
import faulthandler
import gc
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
import unittest

MODULE = 'test.test_multiprocessing_spawn.test_manager'

_PYTHON_CODE = 'needs the server to run Python code: '
_POOL = _PYTHON_CODE + ('manager.Pool() runs a multiprocessing.Pool inside the server, which calls the tests\' '
                        'functions (sqr, mul, ...); setUpClass creates it, so the whole class is skipped')

# The one table of tests the harness skips: a class name (every test of it, and its setUpClass) or Class.test.
# Nothing else may be skipped by the harness; CPython's own skips (TYPE == 'manager') are reported as CPython gives them.
SKIPS = {
    'WithManagerTestPool': _POOL,
    'WithManagerTestBarrier.test_action': _PYTHON_CODE + (
        'Barrier(action=AppendTrue(results)) pickles a test-module callable that the server must import and call'),
    'WithManagerTestMyManager': _PYTHON_CODE + (
        'MyManager registers the test class FooBar and the generator baz as typeids and starts its own CPython '
        'server from them (a BaseManager, not redirected), so it never touches the external server'),
    'WithManagerTestRemoteManager': _PYTHON_CODE + (
        "QueueManager registers the test function get_queue as a typeid (with the 'xmlrpclib' serializer) and "
        'starts its own CPython server from it (a BaseManager, not redirected), so it never touches the external '
        'server'),
    'WithManagerTestManagerRestart': _PYTHON_CODE + (
        'QueueManager registers the test function get_queue as a typeid and starts, stops and restarts its own '
        'CPython server on one port (a BaseManager, not redirected), so it never touches the external server'),
}

_TRACEBACK_LINES = 30
_REASON_CHARS = 2000  # a RemoteError's text is the server's whole traceback


def parse_address(text):
    """'host:port', '[v6]:port' -> (host, port); anything else (a path) -> the unix socket path."""
    host, sep, port = text.rpartition(':')
    if sep and port.isdigit() and '/' not in text:
        return (host.strip('[]'), int(port))
    return text


def redirect_managers(address, authkey):
    """Makes every SyncManager the tests start a client of the external server.

    - start() becomes connect() to `address` with `authkey` (whatever address and key the test gave);
    - shutdown() and join() do nothing: connect() started no process and no thread, and the external server must
      not receive 'shutdown'. The state stays STARTED, so proxies that outlive the manager still decref on the server;
    - _number_of_objects() and _debug_info() are the stock ones: they ask the server;
    - current_process().authkey becomes the server's key: spawned children inherit it, and proxies rebuilt from
      values (nested proxies, RebuildProxy without an authkey) authenticate with it.
    """
    from multiprocessing import managers, process

    process.current_process().authkey = authkey

    def start(self, initializer=None, initargs=()):
        if self._state.value != managers.State.INITIAL:
            raise managers.ProcessError('Already started server')
        if initializer is not None:
            raise NotImplementedError('an initializer runs in the server process; the external server runs no Python')
        self._address = address
        self._authkey = process.AuthenticationString(authkey)
        self.connect()

    def shutdown(self):
        pass

    def join(self, timeout=None):
        pass

    managers.SyncManager.start = start
    managers.SyncManager.shutdown = shutdown
    managers.SyncManager.join = join


def apply_skips(suite):
    """Marks the tests in SKIPS as skipped; returns the ids of every test in the suite, in order."""
    tests = list(iterate(suite))
    classes = {type(t).__name__: type(t) for t in tests}
    unmatched = []
    for key, reason in SKIPS.items():
        class_name, _, method = key.partition('.')
        cls = classes.get(class_name)
        if cls is None or (method and not hasattr(cls, method)):
            unmatched.append(key)
        elif method:
            setattr(cls, method, unittest.skip(reason)(getattr(cls, method)))
        else:
            cls.__unittest_skip__ = True
            cls.__unittest_skip_why__ = reason
    if unmatched:
        raise SystemExit(f'SKIPS names tests this CPython does not have: {unmatched}')
    return [t.id() for t in tests]


def iterate(suite):
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from iterate(item)
        else:
            yield item


def short_id(test_id):
    return test_id[len(MODULE) + 1:] if test_id.startswith(MODULE + '.') else test_id


class JsonResult(unittest.TestResult):
    """Writes one JSON line per test when it stops; fixture errors (setUpClass, setUpModule...) as their own lines."""

    def __init__(self, out, watchdog):
        super().__init__()
        self._out = out
        self._watchdog = watchdog
        self._lock = threading.Lock()
        self._current = None
        self.records = {}
        self.fixture_errors = []

    def write(self, record):
        with self._lock:
            self._out.write(json.dumps(record) + '\n')
            self._out.flush()

    def startTest(self, test):
        super().startTest(test)
        self._current = {'id': short_id(test.id()), 'outcome': 'passed', 'started': time.monotonic()}
        self._watchdog.arm(self._current['id'])

    def stopTest(self, test):
        super().stopTest(test)
        self._watchdog.disarm()
        record, self._current = self._current, None
        record['seconds'] = round(time.monotonic() - record.pop('started'), 3)
        self.records[record['id']] = record
        self.write(record)

    def _fail(self, test, outcome, err):
        record = {'outcome': outcome, **describe(err)}
        if self._current is not None and test is not None and short_id(test.id()) == self._current['id']:
            if self._current['outcome'] in ('passed', 'skipped'):
                self._current.update(record)
        else:
            # An _ErrorHolder: a class or module fixture failed outside any test.
            fixture = {'fixture': test.id() if test is not None else '?', **record}
            self.fixture_errors.append(fixture)
            self.write(fixture)

    def addError(self, test, err):
        super().addError(test, err)
        self._fail(test, 'error', err)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._fail(test, 'failed', err)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._fail(test, 'failed' if issubclass(err[0], test.failureException) else 'error', err)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        if self._current is not None and short_id(test.id()) == self._current['id']:
            self._current.update(outcome='skipped', reason=reason)
        else:
            self.write({'fixture': test.id(), 'outcome': 'skipped', 'reason': reason})

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._current.update(outcome='failed', reason='unexpected success')


def describe(err):
    exc_type, exc, tb = err
    reason = ''.join(traceback.format_exception_only(exc_type, exc)).strip()[:_REASON_CHARS]
    lines = ''.join(traceback.format_exception(exc_type, exc, tb)).splitlines()
    return {'reason': reason, 'traceback': '\n'.join(lines[:_TRACEBACK_LINES])}


class Watchdog:
    """Ends the run when one test outlives its deadline: a hung call must not hang the caller.

    On expiry it records the test as an error, dumps every thread's stack to stderr, kills the tests' children and
    exits, after writing the summary with "aborted": true."""

    def __init__(self, seconds, on_expiry):
        self._seconds = seconds
        self._on_expiry = on_expiry
        self._changed = threading.Condition()
        self._test = None
        self._deadline = None
        threading.Thread(target=self._run, name='suite-watchdog', daemon=True).start()

    def arm(self, test_id):
        with self._changed:
            self._test, self._deadline = test_id, time.monotonic() + self._seconds
            self._changed.notify()

    def disarm(self):
        with self._changed:
            self._test = self._deadline = None
            self._changed.notify()

    def _run(self):
        with self._changed:
            while True:
                if self._deadline is None:
                    self._changed.wait()
                elif time.monotonic() >= self._deadline:
                    break
                else:
                    self._changed.wait(self._deadline - time.monotonic())
            test = self._test
        self._on_expiry(test, self._seconds)


def kill_children():
    for child in multiprocessing.active_children():
        child.kill()
        child.join(5)


def run_suite(address, authkey, out, test_timeout, only=None):
    """Runs the suite against the server; returns (records, fixture_errors, summary)."""
    redirect_managers(address, authkey)
    suite = unittest.defaultTestLoader.loadTestsFromName(MODULE)
    ids = apply_skips(suite)
    if only:
        suite = unittest.TestSuite([t for t in iterate(suite) if any(o in t.id() for o in only)])
    started = time.monotonic()
    holder = {}

    def summary(aborted):
        result = holder['result']
        counts = {k: 0 for k in ('passed', 'failed', 'error', 'skipped')}
        for record in result.records.values():
            counts[record['outcome']] += 1
        return {'summary': {
            'module': MODULE, 'python': sys.version.split()[0], 'address': address,
            'total': len(result.records), 'collected': len(ids), **counts,
            'fixture_errors': len(result.fixture_errors), 'aborted': aborted,
            'seconds': round(time.monotonic() - started, 1)}}

    def on_expiry(test, seconds):
        result = holder['result']
        result.write({'id': test, 'outcome': 'error', 'reason': f'timed out after {seconds:g} s (watchdog)',
                      'seconds': seconds})
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        kill_children()
        stop_reference_servers()
        result.records[test] = {'id': test, 'outcome': 'error'}
        result.write(summary(aborted=True))
        os._exit(3)

    result = holder['result'] = JsonResult(out, Watchdog(test_timeout, on_expiry))
    selected = [short_id(t.id()) for t in iterate(suite)]
    suite.run(result)
    # Tests that never ran (their class's setUpClass failed) are errors too: every test is accounted for.
    for name in selected:
        if name not in result.records:
            record = {'id': name, 'outcome': 'error', 'reason': 'not run: its class or module fixture failed'}
            result.records[name] = record
            result.write(record)
    gc.collect()
    final = summary(aborted=False)
    final['summary']['objects_at_end'] = count_objects(address, authkey)
    final['summary']['children_left'] = len(multiprocessing.active_children())
    result.write(final)
    return result.records, result.fixture_errors, final['summary']


def count_objects(address, authkey):
    from multiprocessing.managers import SyncManager
    try:
        manager = SyncManager(address=address, authkey=authkey)
        manager.connect()
        return manager._number_of_objects()
    except Exception as e:  # reported, not fatal: the tests already ran
        return f'unavailable: {e!r}'


class NoTestImports:
    """A meta path finder that refuses the `test` package: the reference server, like a server that runs no Python
    code, must not unpickle the tests' own classes or functions. A test that sends one fails the self-test."""

    def find_spec(self, name, path=None, target=None):
        if name == 'test' or name.startswith('test.'):
            raise ImportError(f'the reference server imports no test code ({name})')
        return None


def serve(authkey):
    """A stock CPython SyncManager server on 127.0.0.1, port 0; prints its address; ends when stdin closes."""
    from multiprocessing import managers, process
    sys.meta_path.insert(0, NoTestImports())
    process.current_process().authkey = authkey
    server = managers.SyncManager(address=('127.0.0.1', 0), authkey=authkey).get_server()
    print(json.dumps({'address': list(server.address)}), flush=True)

    def exit_on_eof():
        sys.stdin.buffer.read()
        kill_children()  # a test may have made the server start processes (a Pool's workers)
        os._exit(0)

    threading.Thread(target=exit_on_eof, daemon=True).start()
    server.serve_forever()


_reference_servers = []


def start_reference_server(authkey):
    # Its own process group, so that stopping it also stops whatever it started.
    server = subprocess.Popen(
        [sys.executable, '-u', os.path.abspath(__file__), '--serve', '--authkey-hex', authkey.hex()],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None, start_new_session=True)
    _reference_servers.append(server)
    line = server.stdout.readline()
    if not line:
        stop_reference_servers()
        raise SystemExit('the reference server exited before printing its address')
    return server, tuple(json.loads(line)['address'])


def stop_reference_servers():
    """Closes each reference server's stdin (it exits on EOF), then kills its process group."""
    while _reference_servers:
        server = _reference_servers.pop()
        server.stdin.close()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        server.wait(10)
        server.stdout.close()


def self_test_verdict(records, fixture_errors):
    """Every test outside SKIPS passed, or CPython skipped it itself; every test in SKIPS was skipped by the table."""
    problems = [f'fixture {f["fixture"]}: {f["outcome"]}' for f in fixture_errors if f['outcome'] != 'skipped']
    for name, record in records.items():
        class_name, _, method = name.partition('.')
        listed = SKIPS.get(class_name) or SKIPS.get(name)
        if listed:
            if record['outcome'] != 'skipped' or record.get('reason') != listed:
                problems.append(f'{name}: listed in SKIPS but {record["outcome"]}')
        elif record['outcome'] not in ('passed', 'skipped'):
            problems.append(f'{name}: {record["outcome"]}: {record.get("reason", "")}')
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--address', help="the server: host:port or a unix socket path")
    parser.add_argument('--authkey-hex', help="the server's authkey, hex")
    parser.add_argument('--self-test', action='store_true',
                        help='start a stock CPython SyncManager server and run the suite against it')
    parser.add_argument('--serve', action='store_true', help=argparse.SUPPRESS)
    parser.add_argument('--test-timeout', type=float, default=60.0, help='seconds one test may take (default 60)')
    parser.add_argument('-k', dest='only', action='append',
                        help='run only tests whose id contains this (repeatable; accounting is then partial)')
    args = parser.parse_args()

    if args.serve:
        serve(bytes.fromhex(args.authkey_hex))
        return 0
    if sys.version_info[:2] < (3, 13):
        print(f'warning: written for CPython 3.13, running {sys.version.split()[0]}', file=sys.stderr)

    # JSON lines go to the real stdout; everything else written to fd 1 (tests, spawned children) goes to stderr.
    out = os.fdopen(os.dup(1), 'w', buffering=1)
    os.dup2(2, 1)

    server = None
    try:
        if args.self_test:
            authkey = bytes.fromhex(args.authkey_hex) if args.authkey_hex else os.urandom(32)
            server, address = start_reference_server(authkey)
        else:
            if not args.address or not args.authkey_hex:
                parser.error('--address and --authkey-hex are required (or --self-test)')
            authkey, address = bytes.fromhex(args.authkey_hex), parse_address(args.address)
        records, fixture_errors, summary = run_suite(address, authkey, out, args.test_timeout, args.only)
    finally:
        stop_reference_servers()
        kill_children()

    failed = summary['failed'] + summary['error'] + len([f for f in fixture_errors if f['outcome'] != 'skipped'])
    if args.self_test:
        problems = self_test_verdict(records, fixture_errors)
        out.write(json.dumps({'self_test': {'faithful': not problems, 'problems': problems,
                                            'server_pid': server.pid, 'server_exit': server.returncode}}) + '\n')
        return 0 if not problems and not failed else 1
    return 0 if not failed else 1


if __name__ == '__main__':
    sys.exit(main())
