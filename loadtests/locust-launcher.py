"""Starts Locust (master, worker or standalone) with two fixes for how the runner uses it.

1. Debian's python3-locust 2.12.1 ships an empty version string, and a master then rejects
   every worker as "old (pre 2.0)". Master and workers started through this launcher report
   the same version, so distributed mode works.
2. Locust workers wait a minute for a master that died. When HOTPATH_PARENT_PID is set, this
   process exits as soon as that runner is gone (a pid whose start time is no longer
   HOTPATH_PARENT_START is another process: pids are reused).
3. Locust flushes its CSV files every 10 s, so a short run's _stats_history.csv stays empty
   until the end. Flushing every HOTPATH_CSV_FLUSH_SEC (the runner passes 1) lets it show live
   req/s. HOTPATH_PARENT_POLL_SEC sets how often the runner is checked (the runner passes its
   own setting).

Usage: python3 locust-launcher.py <locust arguments...>
"""

import os
import sys
import threading
import time

import locust
import locust.runners
import locust.stats

DEBIAN_MISSING_VERSION = "2.12.1"

if not locust.__version__:
    locust.__version__ = locust.runners.__version__ = DEBIAN_MISSING_VERSION

locust.stats.CSV_STATS_FLUSH_INTERVAL_SEC = float(os.environ.get("HOTPATH_CSV_FLUSH_SEC", "1"))
PARENT_POLL_SEC = float(os.environ.get("HOTPATH_PARENT_POLL_SEC", "1"))


def start_ticks(pid: int) -> "str | None":
    """Field 22 of /proc/<pid>/stat (after the parenthesised name): the start time; None if gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[19] if fields[0] != "Z" else None


def watch_parent(pid: int, start: str) -> None:
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(3)
        except PermissionError:
            pass
        if start and os.path.isdir("/proc") and start_ticks(pid) != start:
            os._exit(3)
        time.sleep(PARENT_POLL_SEC)


parent = int(os.environ.get("HOTPATH_PARENT_PID", "0"))
if parent > 1:
    threading.Thread(target=watch_parent, args=(parent, os.environ.get("HOTPATH_PARENT_START", "")), daemon=True).start()

from locust.main import main  # noqa: E402  (after the version fix, which main() reads)

sys.argv[0] = "locust"
sys.exit(main())
