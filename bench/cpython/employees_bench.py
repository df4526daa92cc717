#!/usr/bin/env python3
"""CPython side of the article's scenario (samples/Employees); prints one JSON object.

A multiprocessing.Manager() server process holds: a list of employee dicts, a registered
Payroll class, a dict of department totals and a Namespace for the top earner, both updated
under one manager Lock. Two Process workers pop employees until IndexError. 'spawn' start
method, like Multiproc's workers (fresh processes). Timed from creating the list to both
workers joined (the manager's start is not timed, as on the Multiproc side).

    python3 bench/cpython/employees_bench.py [--employees 20000]
"""
import argparse
import json
import multiprocessing as mp
import platform
import sys
import time
from decimal import Decimal
from multiprocessing.managers import SyncManager

DEPARTMENTS = ["Engineering", "Sales", "Support"]


class Payroll:
    """The payroll office: a plain class; the manager serializes calls on it."""

    def __init__(self):
        self._total = Decimal(0)
        self._processed_by = {}

    def give_raise(self, employee, percent, worker):
        rise = (employee["salary"] * percent / 100).quantize(Decimal("0.01"))
        self._total += rise
        self._processed_by[worker] = self._processed_by.get(worker, 0) + 1
        return employee["salary"] + rise

    def total_raises(self):
        return self._total

    def processed_by(self):
        return dict(self._processed_by)


class ArticleManager(SyncManager):
    pass


ArticleManager.register("Payroll", Payroll)


def work(employees, payroll, totals, lock, top, name):
    while True:
        try:
            employee = employees.pop()
        except IndexError:
            return
        percent = Decimal(10) if employee["department"] == "Engineering" else Decimal(5)
        new_salary = payroll.give_raise(employee, percent, name)
        with lock:
            department = employee["department"]
            totals[department] = totals.get(department, Decimal(0)) + new_salary
            if getattr(top, "salary", None) is None or new_salary > top.salary:
                top.salary = new_salary
                top.name = employee["name"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=20_000)
    args = parser.parse_args()
    ctx = mp.get_context("spawn")
    with ArticleManager(ctx=ctx) as manager:
        t0 = time.perf_counter()
        employees = manager.list([
            {"name": "emp%05d" % i, "department": DEPARTMENTS[i % 3], "salary": Decimal(40_000 + (i % 50) * 1_000)}
            for i in range(1, args.employees + 1)])
        payroll = manager.Payroll()
        totals = manager.dict()
        lock = manager.Lock()
        top = manager.Namespace()
        workers = [ctx.Process(target=work, args=(employees, payroll, totals, lock, top, "worker-%d" % n))
                   for n in (1, 2)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        seconds = time.perf_counter() - t0
        processed = sum(payroll.processed_by().values())
        if processed != args.employees or len(employees) != 0 or any(w.exitcode != 0 for w in workers):
            print("processed %d of %d, %d left, exit codes %s" % (
                processed, args.employees, len(employees), [w.exitcode for w in workers]), file=sys.stderr)
            return 1
    print(json.dumps({
        "employees_s": round(seconds, 3),
        "meta": {"python": platform.python_version(), "employees": args.employees, "workers": 2,
                 "start_method": "spawn"},
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
