#!/usr/bin/env python3
"""Summarise fuzz/logs/<target>.log files written by fuzz/run.sh (each line prefixed with the
seconds since the run started): duration, executions, exec/s, corpus, coverage, and when the
coverage count (`cov:`, edges) last grew. Usage: python3 fuzz/summarise.py [TARGET...]"""
import os
import re
import sys

LOGS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "logs")
STAT = re.compile(r"^(\d+) #(\d+)\s+(INITED|NEW|REDUCE|pulse|DONE)\s+cov: (\d+) ft: (\d+) corp: (\d+)/(\S+)")


def summarise(target):
    path = os.path.join(LOGS, target + ".log")
    if not os.path.exists(path):
        return f"{target}: no log"
    inited = done = None
    t0 = 0
    last_cov, last_cov_at, last_ft_at = -1, 0, 0
    last_ft = -1
    timeline = []
    crashes = []
    guarded = set()
    for line in open(path, errors="replace"):
        m = STAT.match(line)
        if m:
            t, execs, kind, cov, ft, corp, size = m.groups()
            t, execs, cov, ft = int(t), int(execs), int(cov), int(ft)
            if kind == "INITED":
                inited = (cov, ft, corp, size)
                t0 = t
            t -= t0
            timeline.append((t, cov, ft))
            if cov > last_cov:
                last_cov, last_cov_at = cov, t
            if ft > last_ft:
                last_ft, last_ft_at = ft, t
            if kind == "DONE":
                done = (t, execs, cov, ft, corp, size)
        if "Test unit written" in line or "deadly signal" in line:
            crashes.append(line.split(" ", 1)[1].strip())
        if "guarded dependency panic at" in line:
            guarded.add(line.split("guarded dependency panic at ", 1)[1].split(":")[0].split("/src/")[-1]
                        + ":" + line.split("guarded dependency panic at ", 1)[1].split(":")[1])
    rate = re.search(r"average_exec_per_sec:\s+(\d+)", open(path, errors="replace").read())
    out = [f"{target}:"]
    if done:
        t, execs, cov, ft, corp, size = done
        out.append(f"{t} s, {execs} execs ({rate.group(1) if rate else '?'}/s), corpus {corp} inputs "
                   f"({size}), cov {cov} edges / ft {ft}")
        # Coverage gained in the last third of the run: how close it came to a plateau.
        cut = [c for (tt, c, f) in timeline if tt <= t * 2 // 3]
        if cut:
            out.append(f"(+{cov - cut[-1]} edges in the last {t - t * 2 // 3} s)")
    if inited:
        out.append(f"(start: cov {inited[0]}, ft {inited[1]}, {inited[2]} inputs)")
    out.append(f"edges last grew at {last_cov_at} s, features at {last_ft_at} s")
    if crashes:
        out.append("CRASH: " + "; ".join(crashes))
    if guarded:
        out.append("guarded calamine panics: " + ", ".join(sorted(guarded)))
    return " ".join(out)


if __name__ == "__main__":
    targets = sys.argv[1:] or sorted(f[:-4] for f in os.listdir(LOGS) if f.endswith(".log"))
    for t in targets:
        print(summarise(t))
