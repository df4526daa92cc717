"""The Python half of samples/PythonInterop: a stock multiprocessing client, standard library only (3.8+).

argv: host:port; the authkey comes in hex on stdin (a command line is visible to every user). Takes raise jobs from the C# program's queue, raises the C# employees
in its shared list, hires one employee (a C# object created from Python), and reports each result.
"""
import faulthandler
import multiprocessing
import os
import platform
import queue
import sys
from multiprocessing.managers import SyncManager


class Payroll(SyncManager):
    pass


# The C# side registered 'Employee' and published 'staff', 'departments', 'raises' and 'done'.
for typeid in ('Employee', 'staff', 'departments', 'raises', 'done'):
    Payroll.register(typeid)


def main():
    faulthandler.dump_traceback_later(60, exit=True)  # never hang the C# side
    host, port = sys.argv[1].rsplit(':', 1)
    key = bytes.fromhex(sys.stdin.readline().strip())
    # The employees arrive as proxies inside the list; like any proxy unpickled outside the manager's
    # own children, they authenticate with this process's key.
    multiprocessing.current_process().authkey = key
    m = Payroll(address=(host, int(port)), authkey=key)
    m.connect()
    print('Python %s (pid %d) connected to %s:%s' % (platform.python_version(), os.getpid(), host, port), flush=True)

    staff = m.staff()
    by_name = {e.get_name(): e for e in staff}
    print('staff: %s' % ', '.join(sorted(by_name)), flush=True)
    departments = m.departments()  # the dict C# filled
    print('departments: %s' % ', '.join('%s in %s' % (name, dept) for name, dept in sorted(departments.items())), flush=True)

    raises, done = m.raises(), m.done()
    while True:
        try:
            name, percent = raises.get_nowait()
        except queue.Empty:
            break
        employee = by_name[name]
        before = employee.get_salary()
        after = employee.raise_(percent)
        done.put((name, percent, str(before), str(after), os.getpid()))
        print('raised {} by {}%: {:,.2f} -> {:,.2f}'.format(name, percent, before, after), flush=True)

    grace = m.Employee('Grace', 61000)
    staff.append(grace)
    print('hired {} at {:,.2f}'.format(grace.get_name(), grace.get_salary()), flush=True)
    faulthandler.cancel_dump_traceback_later()


if __name__ == '__main__':
    main()
