"""The set-up a refresh's worker processes share, done once in their fork server.

The fork server (see :mod:`digest.workers`) imports this module first, before the parsers, so
every worker it forks inherits the environment and priority set here. Importing it anywhere
else has no use.
"""

from __future__ import annotations

import os

# The summarizer's matrices are a few dozen rows: OpenBLAS's worker threads only cost CPU
# there (a woken thread spins before it sleeps). Read when numpy loads OpenBLAS, so it is set
# first; a value the user set is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# Set by digest.workers.start_quiet_fork_server for an app: the server and its workers yield
# the CPU to the app's interface (a lower priority, inherited by every worker).
_nice = os.environ.pop("DIGEST_WORKER_NICE", "")
if _nice.isdigit():
    os.nice(int(_nice))
