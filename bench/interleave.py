#!/usr/bin/env python3
"""Times commands interleaved: each round runs every command once, in a shuffled order, so a load that comes and
goes on a shared machine falls on all of them alike (hyperfine runs all runs of one command, then the next).
Prints, per command, the median and first quartile of the wall time and the median CPU time (user + system of
the command and its children), then each median's difference to the first command's.

Usage: bench/interleave.py RUNS NAME=COMMAND...     (commands are split like a shell would, but run without one)
Example:
  bench/interleave.py 30 "docker=docker -H unix:///run/berth/berth.sock run --rm --network none busybox true" \\
      "berth=bin/berth run --rm --network none busybox true"
"""
import random
import resource
import shlex
import statistics
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    runs = int(sys.argv[1])
    commands = [arg.split("=", 1) for arg in sys.argv[2:]]
    wall = {name: [] for name, _ in commands}
    cpu = {name: [] for name, _ in commands}
    for _ in range(2):  # warm-up round
        for _, command in commands:
            subprocess.run(shlex.split(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(runs):
        order = commands[:]
        random.shuffle(order)
        for name, command in order:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            result = subprocess.run(shlex.split(command), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            wall[name].append((time.perf_counter() - start) * 1000)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
            if result.returncode != 0:
                print(f"{name}: exit {result.returncode}: {result.stderr[:200]!r}", file=sys.stderr)
    medians = {name: statistics.median(times) for name, times in wall.items()}
    for name, times in wall.items():
        print(f"{name:16s} wall median {medians[name]:7.1f} ms  p25 {statistics.quantiles(times, n=4)[0]:7.1f}"
              f"  | cpu median {statistics.median(cpu[name]):6.1f} ms")
    first = commands[0][0]
    for name, _ in commands[1:]:
        print(f"{name} - {first}: {medians[name] - medians[first]:+.1f} ms")


if __name__ == "__main__":
    main()
