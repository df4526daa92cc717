"""CPython baseline for Multiproc's process figures; prints one JSON object.

Measures, with the 'spawn' start method (the one comparable to starting a fresh .NET
process):
  - spawn_start_join_ms: Process(target=empty).start(); .join()  (median)
  - pool_apply_us:        Pool.apply(identity, (1,)) round trip on a warm pool (median)
  - pool_map_us_per_item: Pool.map(square, range(N)) / N with the default chunksize
Usage: python3 process_bench.py [--items 100000] [--workers 2]
"""
import argparse
import json
import multiprocessing as mp
import os
import statistics
import sys
import time


def empty():
    pass


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
    args = parser.parse_args()

    ctx = mp.get_context("spawn")
    figures = {
        "python": sys.version.split()[0],
        "start_method": "spawn",
        "workers": args.workers,
        "spawn_start_join_ms": spawn_start_join_ms(ctx, args.spawn_runs),
    }
    with ctx.Pool(args.workers) as pool:
        figures["pool_apply_us"] = pool_apply_us(pool, args.apply_calls)
        figures["pool_map_items"] = args.items
        figures["pool_map_us_per_item"] = pool_map_us_per_item(pool, args.items, args.map_runs)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
