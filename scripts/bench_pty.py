#!/usr/bin/env python3
"""Drive the full-screen `handoff` in a pseudo-terminal and time what a user
sees: the first frame, the queue appearing, key and filter latency, memory
and idle CPU. Called by scripts/bench; prints one JSON object per run.

Times are from just before the process is spawned to the moment the bytes
arrive on the terminal side, so they include process start, terminal I/O
and the frame being written (not a terminal emulator's paint).
"""

import argparse
import fcntl
import json
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time

ESU = b"\x1b[?2026l"  # end of a synchronized update: a whole frame is out
TAB_LINE = b" handoff "
# Section counts only appear once the queue index has loaded: the open
# handoffs (every row of Mine, Team unassigned, Bot-held) come first ...
COUNTS = re.compile(rb"Mine(?:\x1b\[[0-9;]*m)* \d+")
# ... and All's count reaches the data dir's size once the resolved history
# is in too (`--total`; only the changed cells are redrawn, so the count is
# looked for on its own).
CLK_TCK = os.sysconf("SC_CLK_TCK")


def now_ms(t0):
    return (time.monotonic() - t0) * 1000.0


class Pty:
    def __init__(self, cmd, env, cols, rows):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

        def child_setup():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(
            cmd,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            preexec_fn=child_setup,
            env=env,
            close_fds=True,
        )
        os.close(slave)
        self.fd = master
        self.buf = b""

    def read(self, timeout):
        """Bytes that arrive within `timeout` seconds (b"" if none)."""
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return b""
        try:
            data = os.read(self.fd, 1 << 20)
        except OSError:
            return b""
        self.buf += data
        return data

    def wait_for(self, pred, timeout):
        """Read until pred(buffer) holds; return ms since spawn, or None."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pred(self.buf):
                return now_ms(self.t0)
            self.read(0.05)
        return now_ms(self.t0) if pred(self.buf) else None

    def frames_after(self, data, quiet):
        """Send `data`; return ms to the first and the last frame written
        before `quiet` seconds pass with no output."""
        start = time.monotonic()
        os.write(self.fd, data)
        first = last = None
        while True:
            chunk = self.read(quiet)
            if not chunk:
                break
            if ESU in chunk:
                t = (time.monotonic() - start) * 1000.0
                first = t if first is None else first
                last = t
        return first, last

    def quit(self):
        try:
            os.write(self.fd, b"q")
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=5)
        os.close(self.fd)


def proc_status(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def switches(pid):
    """Context switches per thread: each one is the thread waking up."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        total = 0
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        total += int(line.split()[1])
        except OSError:
            continue
        out[tid] = total
    return out


def wakeups(before, after):
    """Switches between two `switches` readings (threads gone in between
    count up to their last reading, new ones from zero)."""
    return sum(n - before.get(tid, 0) for tid, n in after.items())


def child_of(pid):
    """The process `pid` started (GNU time runs handoff as its child)."""
    for _ in range(100):
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                kids = f.read().split()
            if kids:
                return int(kids[0])
        except OSError:
            pass
        time.sleep(0.01)
    return pid


def median(xs):
    xs = sorted(x for x in xs if x is not None)
    return xs[len(xs) // 2] if xs else None


def log_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def log_has(path, pattern, start):
    """Whether the log, from byte `start` on (this run's part), matches."""
    try:
        with open(path, "rb") as f:
            f.seek(start)
            return pattern.search(f.read().decode("utf-8", "replace")) is not None
    except OSError:
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--cols", type=int, default=120)
    ap.add_argument("--rows", type=int, default=40)
    ap.add_argument("--idle", type=float, default=0, help="seconds of idle CPU to sample")
    ap.add_argument("--keys", type=int, default=0, help="j presses to time")
    ap.add_argument("--filter", default="", help="text to type into / and time")
    ap.add_argument("--total", type=int, default=0, help="handoffs in the data dir: time until All shows them all")
    ap.add_argument("--time-v", default="", help="run under /usr/bin/time -v, report to this file")
    args = ap.parse_args()

    env = dict(os.environ, TERM="xterm-256color")
    # With --total, the runtime's own line about taking the rows in is
    # needed (one line per load, so the cost is nil).
    env.setdefault("HANDOFF_LOG", "warn,handoff::runtime=debug" if args.total else "warn")
    log_from = log_size(os.path.join(args.data_dir, "handoff.log"))
    env.pop("NO_COLOR", None)
    cmd = [args.bin, "--data-dir", args.data_dir]
    if args.time_v:
        cmd = ["/usr/bin/time", "-v", "-o", args.time_v] + cmd
    p = Pty(cmd, env, args.cols, args.rows)
    out = {"data_dir": args.data_dir}
    out["first_byte_ms"] = p.wait_for(lambda b: len(b) > 0, 10)
    out["first_frame_ms"] = p.wait_for(
        lambda b: TAB_LINE in b and ESU in b[b.find(TAB_LINE):], 10
    )
    out["queue_shown_ms"] = p.wait_for(lambda b: COUNTS.search(b) is not None, 60)
    if args.total:
        # The screen only rewrites the cells that changed, so the final
        # count may never pass by whole: the runtime's log says when the
        # queue took in every row.
        log = os.path.join(args.data_dir, "handoff.log")
        taken = re.compile(r"rows=%d\b.*queue taken in|queue taken in.*rows=%d\b" % (args.total, args.total))
        out["all_loaded_ms"] = p.wait_for(lambda b: log_has(log, taken, log_from), 60)
    # Let the detail load and any first filter settle.
    while p.read(0.3):
        pass
    pid = child_of(p.proc.pid) if args.time_v else p.proc.pid
    out["rss_kb_loaded"] = proc_status(pid, "VmRSS")
    out["hwm_kb"] = proc_status(pid, "VmHWM")

    if args.idle > 0:
        ticks, ctx, t = cpu_ticks(pid), switches(pid), time.monotonic()
        bytes_before = len(p.buf)
        end = t + args.idle
        while time.monotonic() < end:
            p.read(min(0.5, max(0.0, end - time.monotonic())))
        secs = time.monotonic() - t
        out["idle_secs"] = round(secs, 1)
        out["idle_cpu_pct"] = round(100.0 * (cpu_ticks(pid) - ticks) / CLK_TCK / secs, 3)
        out["idle_wakeups_per_s"] = round(wakeups(ctx, switches(pid)) / secs, 1)
        out["idle_bytes_written"] = len(p.buf) - bytes_before

    if args.keys > 0:
        p.frames_after(b"3", 0.3)  # All: every handoff
        firsts = []
        for _ in range(args.keys):
            first, _ = p.frames_after(b"j", 0.05)
            firsts.append(first)
        out["key_j_ms_median"] = median(firsts)
        out["key_j_ms_max"] = max((x for x in firsts if x is not None), default=None)

    if args.filter:
        p.frames_after(b"/", 0.3)
        per_key = []
        for ch in args.filter:
            first, last = p.frames_after(ch.encode(), 0.4)
            per_key.append({"key": ch, "first_frame_ms": first, "last_frame_ms": last})
        out["filter"] = per_key
        out["filter_result_ms_median"] = median(k["last_frame_ms"] for k in per_key)
        out["filter_result_ms_max"] = max(
            (k["last_frame_ms"] for k in per_key if k["last_frame_ms"] is not None), default=None
        )
        p.frames_after(b"\x1b", 0.3)

    p.quit()
    out["exit_code"] = p.proc.returncode
    print(json.dumps(out))


if __name__ == "__main__":
    sys.exit(main())
