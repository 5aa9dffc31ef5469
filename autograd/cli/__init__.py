"""The ``autograd`` command: `commands` (explain, draw, compile) and `exercises` (practice,
worksheet, explain's checks), with what they share in `common`."""

from autograd.cli.commands import main

__all__ = ["main"]
