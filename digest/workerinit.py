"""The set-up a refresh's worker processes share, done once in their fork server.

:func:`digest.refresh._worker_pool` asks the fork server to import this module before it forks
any worker, so each worker starts with the parsers (and, when the refresh summarizes, numpy)
already imported, instead of paying for the imports once per worker. Importing it anywhere else
has no use.
"""

from __future__ import annotations

import os

# The summarizer's matrices are a few dozen rows: OpenBLAS's worker threads only cost CPU
# there (a woken thread spins before it sleeps). Read when numpy loads OpenBLAS, so it is set
# first; a value the user set is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import digest.ingest  # noqa: E402,F401
import digest.parse  # noqa: E402,F401
import digest.teaser  # noqa: E402,F401
