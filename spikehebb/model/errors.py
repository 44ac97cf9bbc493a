"""The one error type a user sees for bad input (defined in :mod:`spikehebb.errors`, which
imports nothing, so that the command line can report bad arguments without loading Brian2)."""
from ..errors import ModelError

__all__ = ["ModelError"]
