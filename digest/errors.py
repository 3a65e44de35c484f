"""The one hierarchy of errors Digest raises on purpose.

Every error carries a message written for the user, in one sentence; the CLI prints that message
and never a traceback. The tree::

    DigestError
    ├── ConfigError      the config file is missing a key, has a wrong type, or is not TOML
    ├── FetchError       a network fetch failed (timeout, status, too large, too many redirects)
    ├── ParseError       bytes could not be read as a feed, an OPML file or a page
    ├── ExtractError     no article text could be extracted from a page
    └── StoreError       the SQLite store could not be opened, migrated or written
"""

from __future__ import annotations


class DigestError(Exception):
    """Base of every error Digest raises on purpose; ``str(err)`` is the user's one-line reason."""


class ConfigError(DigestError):
    """The configuration is invalid."""


class FetchError(DigestError):
    """A network fetch failed."""


class ParseError(DigestError):
    """Input could not be parsed."""


class ExtractError(DigestError):
    """No article text could be extracted."""


class StoreError(DigestError):
    """The store could not be opened or written."""
