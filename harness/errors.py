"""Expected failures. Each is one line for the user (the CLI prints it and exits 2, no traceback); anything
else is a bug and keeps its traceback."""
from __future__ import annotations


class HarnessError(Exception):
    """Base of every expected failure: the message names the file, line/record, field and what was expected."""


class DataError(HarnessError, ValueError):
    """Bad benchmark data, predictions or any input file."""


class ConfigError(HarnessError, ValueError):
    """A bad option, recipe key or gates-file entry."""


class ModelError(HarnessError):
    """A model or adapter that cannot be found, loaded or served."""
