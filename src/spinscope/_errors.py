"""The one error hierarchy of spinscope.

Every error a user can cause derives from :class:`SpinscopeError`; the CLI turns it into
a message and an exit code, never a traceback.
"""

from __future__ import annotations


class SpinscopeError(Exception):
    """Base class of every error spinscope raises on purpose."""

    exit_code = 1


class InputError(SpinscopeError):
    """Bad input text or file: empty, binary, undecodable, too large or unreadable."""

    exit_code = 2


class BinaryInputError(InputError):
    """Bytes that are not text at all (an image, an archive, an executable)."""


class TooLargeError(InputError):
    """Input over the configured size limit."""


class FetchError(SpinscopeError):
    """A URL that cannot be fetched: refused address, network error, bad status or content."""

    exit_code = 2


class FetchTimeoutError(FetchError):
    """A URL that answered too slowly."""


class FormatError(InputError):
    """A labels/spans file that does not follow the SemEval-2020 template."""


class UnknownTechniqueError(InputError):
    """A technique name that is not one of the 14."""


class ModelError(SpinscopeError):
    """A model directory that is missing, incomplete, corrupt or of another version."""

    exit_code = 3


class TrainingError(SpinscopeError):
    """Training cannot run: missing `train` extra, bad corpus, bad encoder directory."""

    exit_code = 4


class MissingExtraError(SpinscopeError, ImportError):
    """An optional dependency that is not installed, e.g. pandas for ``to_pandas()``; the
    message names the extra that brings it. Also an ``ImportError``, so code that already
    guards an optional import with ``except ImportError`` catches it."""


class StoreError(SpinscopeError):
    """A results store that cannot be opened, migrated or written (bad URL, server down)."""

    exit_code = 5


class BusyError(SpinscopeError):
    """The web app is at capacity: every analysis slot and every place in its queue is
    taken. ``retry_after`` is the number of seconds after which a retry should get in."""

    exit_code = 6

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
