"""Digest: a terminal news digest reader's headless engine.

This package holds everything that is not the face of the app: configuration, fetching, parsing,
extraction, storage and the ``digest`` command line. It must never import ``textual`` or ``tui``;
the app (``tui/``) imports this package, never the reverse.
"""

__version__ = "0.1.0"
