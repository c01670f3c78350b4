#!/usr/bin/env python3
"""Summarises one bench/run.sh result directory: medians of the hyperfine JSON files, RSS, and the ratios
against the project's targets, as a plain-text table (printed and written to OUT/results.txt).

Usage: bench/summarise.py OUT_DIR
Reads OUT/meta.txt, OUT/commands.tsv (key, label, command), OUT/KEY.json (hyperfine --export-json),
OUT/memory.tsv (key, KiB, label) and OUT/starts.tsv (label, count, failed, wall ms).
"""
import json
import statistics
import sys
from pathlib import Path

# (what, numerator key, denominator key, kind, target): kind "ratio" is num/den <= target,
# "diff" is num - den <= target ms. Keys are the ones bench/run.sh gives hf and mem.
TARGETS = [
    ("docker CLI -> berthd run --rm  /  podman run --rm", "run-docker-berthd", "run-podman", "ratio", 0.5),
    ("docker CLI -> berthd run --rm  /  crun run", "run-docker-berthd", "run-crun", "ratio", 6.0),
    ("berth CLI run --rm  minus  docker CLI run --rm (both -> berthd)", "run-berth", "run-docker-berthd", "diff", 40.0),
    ("docker ps -> berthd  /  docker ps -> dockerd", "ps-docker-berthd", "ps-docker-dockerd", "ratio", 1.0),
    ("berth ps  /  docker ps -> dockerd", "ps-berth", "ps-docker-dockerd", "ratio", 1.0),
    ("berthd idle RSS  /  dockerd+containerd idle RSS", "rss-berthd-idle", "rss-dockerd-idle", "ratio", 0.75),
]


def read_tsv(path):
    if not path.exists():
        return []
    return [line.rstrip("\n").split("\t") for line in path.read_text().splitlines() if line.strip()]


def main(out):
    lines = []
    say = lines.append
    if (out / "meta.txt").exists():
        lines.extend(out.joinpath("meta.txt").read_text().rstrip("\n").splitlines())
        say("")

    values = {}  # key -> ms (timings) or KiB (memory)
    say(f"{'Timings (hyperfine -N, ms)':<66}{'median':>9}{'mean':>9}{'min':>9}{'max':>9}{'runs':>6}")
    for key, label, _command in read_tsv(out / "commands.tsv"):
        path = out / f"{key}.json"
        if not path.exists():
            say(f"  {label:<64}{'failed':>9}")
            continue
        result = json.loads(path.read_text())["results"][0]
        times = [t * 1000 for t in result["times"]]
        median = statistics.median(times)
        values[key] = median
        say(f"  {label:<64}{median:9.1f}{statistics.fmean(times):9.1f}{min(times):9.1f}{max(times):9.1f}"
            f"{len(times):6d}")

    starts = read_tsv(out / "starts.tsv")
    if starts:
        say("")
        say(f"{'Detached starts (CLI in a loop, not hyperfine)':<66}{'count':>9}{'failed':>9}{'total s':>9}{'ms each':>9}")
        for label, count, failed, wall in starts:
            say(f"  {label:<64}{int(count):9d}{int(failed):9d}{int(wall) / 1000:9.1f}"
                f"{int(wall) / max(int(count), 1):9.0f}")

    memory = read_tsv(out / "memory.tsv")
    if memory:
        say("")
        say(f"{'Memory (VmRSS, MiB)':<66}{'RSS':>9}")
        for key, kib, label in memory:
            values[key] = int(kib)
            say(f"  {label:<64}{int(kib) / 1024:9.1f}")

    say("")
    say(f"{'Targets (from the medians above)':<66}{'value':>9}{'target':>9}  result")
    for what, num, den, kind, target in TARGETS:
        if num not in values or den not in values:
            say(f"  {what:<64}{'n/a':>9}{'':>9}  NO DATA")
            continue
        if kind == "ratio":
            value, shown, bound = values[num] / values[den], f"{values[num] / values[den]:.2f}", f"<= {target:.2f}"
        else:
            value, shown, bound = values[num] - values[den], f"{values[num] - values[den]:+.1f}ms", f"<= +{target:.0f}ms"
        say(f"  {what:<64}{shown:>9}{bound:>9}  {'PASS' if value <= target else 'MISS'}")

    say("")
    say("Commands timed (hyperfine -N runs each one directly, no shell):")
    for key, label, command in read_tsv(out / "commands.tsv"):
        say(f"  {key}: {command}")

    text = "\n".join(lines) + "\n"
    (out / "results.txt").write_text(text)
    print(text, end="")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: summarise.py OUT_DIR")
    main(Path(sys.argv[1]))
