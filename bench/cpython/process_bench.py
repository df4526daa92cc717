"""CPython baseline for Multiproc's process figures; prints one JSON object.

Measures, with the 'spawn' start method (the one comparable to starting a fresh .NET
process):
  - spawn_start_join_ms: Process(target=empty).start(); .join()  (median)
  - proxy_worker_first_call_ms_{spawn,forkserver}: a worker given a manager list and dict appends
    a timestamp; start() -> that append reaching the manager (median after a warm-up)
  - proxy_worker_cpu_ms_spawn: CPU time (user + system) each of those workers used, from the
    parent's RUSAGE_CHILDREN (mean over the measured starts; the machine's noise moves it less).
    Not for forkserver: its workers are the fork server's children, not ours.
  - proxy_worker_burst8_ms_{spawn,forkserver}: 8 such workers started back to back: first
    start() -> the last first call (median)
  - pool4_proxy_initializer_ms_{spawn,forkserver}: Pool(4, initializer=keep, initargs=(list,)) ->
    the first map result (median)
  - manager_process_first_call_ms_{spawn,forkserver}: ctx.Manager() -> m.list().append(1) returns (median)
  - pool_apply_us:        Pool.apply(identity, (1,)) round trip on a warm pool (median)
  - pool_map_us_per_item: Pool.map(square, range(N)) / N with the default chunksize
Usage: python3 process_bench.py [--items 100000] [--workers 2]
"""
import argparse
import json
import multiprocessing as mp
import os
import resource
import statistics
import sys
import time


def empty():
    pass


def use_proxies(lst, dct):
    # The first call on the manager carries the time it was made.
    lst.append(time.monotonic_ns())


def identity(x):
    return x


def square(x):
    return x * x


def spawn_start_join_ms(ctx, runs):
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        p = ctx.Process(target=empty)
        p.start()
        p.join()
        samples.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(samples)


def children_cpu_ms():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1e3


def proxy_worker_first_call_ms(ctx, manager, runs):
    """Process(target=use_proxies, args=(list, dict)).start() -> the worker's first call, median after a
    warm-up; and the mean CPU each measured worker used."""
    lst, dct = manager.list(), manager.dict()
    samples = []
    cpu_start = 0.0
    for i in range(-1, runs):
        del lst[:]
        if i == 0:
            cpu_start = children_cpu_ms()
        t0 = time.monotonic_ns()
        p = ctx.Process(target=use_proxies, args=(lst, dct))
        p.start()
        p.join()
        if i >= 0:
            samples.append((lst[0] - t0) / 1e6)
    return statistics.median(samples), (children_cpu_ms() - cpu_start) / runs


def proxy_worker_burst_ms(ctx, manager, runs, size=8):
    """size such workers started back to back: first start() -> the last worker's first call, median."""
    lst, dct = manager.list(), manager.dict()
    samples = []
    for i in range(-1, runs):
        del lst[:]
        t0 = time.monotonic_ns()
        procs = [ctx.Process(target=use_proxies, args=(lst, dct)) for _ in range(size)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        if i >= 0:
            samples.append((max(lst[:]) - t0) / 1e6)
    return statistics.median(samples)


_kept = None


def keep(lst):
    global _kept
    _kept = lst


def pool_with_proxy_initializer_ms(ctx, manager, runs, workers=4):
    """Pool(4, initializer=keep, initargs=(list,)) -> the first map result (8 items), median after a warm-up."""
    lst = manager.list()
    samples = []
    for i in range(-1, runs):
        t0 = time.perf_counter()
        with ctx.Pool(workers, initializer=keep, initargs=(lst,)) as pool:
            pool.map(square, range(8))
            elapsed = (time.perf_counter() - t0) * 1e3
        if i >= 0:
            samples.append(elapsed)
    return statistics.median(samples)


def manager_start_first_call_ms(ctx, runs):
    """ctx.Manager() -> m.list() -> append returns: a manager process started, and its first call."""
    samples = []
    for i in range(-1, runs):
        t0 = time.perf_counter()
        with ctx.Manager() as manager:
            manager.list().append(1)
            elapsed = (time.perf_counter() - t0) * 1e3
        if i >= 0:
            samples.append(elapsed)
    return statistics.median(samples)


def pool_apply_us(pool, calls):
    for _ in range(200):
        pool.apply(identity, (1,))
    samples = []
    for _ in range(calls):
        t0 = time.perf_counter()
        pool.apply(identity, (1,))
        samples.append((time.perf_counter() - t0) * 1e6)
    return statistics.median(samples)


def pool_map_us_per_item(pool, items, runs):
    pool.map(square, range(1000))
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        pool.map(square, range(items))
        best = min(best, time.perf_counter() - t0)
    return best * 1e6 / items


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--spawn-runs", type=int, default=20)
    parser.add_argument("--apply-calls", type=int, default=2000)
    parser.add_argument("--map-runs", type=int, default=5)
    parser.add_argument("--proxy-runs", type=int, default=9)
    parser.add_argument("--burst-runs", type=int, default=3)
    args = parser.parse_args()

    ctx = mp.get_context("spawn")
    figures = {
        "python": sys.version.split()[0],
        "start_method": "spawn",
        "workers": args.workers,
        "spawn_start_join_ms": spawn_start_join_ms(ctx, args.spawn_runs),
    }
    for method in ("spawn", "forkserver"):
        method_ctx = mp.get_context(method)
        with method_ctx.Manager() as manager:
            first_call, cpu = proxy_worker_first_call_ms(method_ctx, manager, args.proxy_runs)
            figures[f"proxy_worker_first_call_ms_{method}"] = first_call
            if method == "spawn":
                figures["proxy_worker_cpu_ms_spawn"] = cpu
            figures[f"proxy_worker_burst8_ms_{method}"] = proxy_worker_burst_ms(method_ctx, manager, args.burst_runs)
            figures[f"pool4_proxy_initializer_ms_{method}"] = pool_with_proxy_initializer_ms(method_ctx, manager, args.burst_runs)
        figures[f"manager_process_first_call_ms_{method}"] = manager_start_first_call_ms(method_ctx, args.burst_runs)
    with ctx.Pool(args.workers) as pool:
        figures["pool_apply_us"] = pool_apply_us(pool, args.apply_calls)
        figures["pool_map_items"] = args.items
        figures["pool_map_us_per_item"] = pool_map_us_per_item(pool, args.items, args.map_runs)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
