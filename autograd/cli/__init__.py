"""The ``autograd`` command: `commands` (explain, draw, compile) and `exercises` (practice,
worksheet, explain's checks), with what they share in `common`."""

import sys

# The package this command is in must be this library, not another of its import name
# installed over it (HIPS autograd): said in one line before anything else is imported.
if getattr(sys.modules["autograd"], "__distribution__", None) != "autograd-1986":
    raise SystemExit(
        f"autograd: error: the 'autograd' imported ({sys.modules['autograd'].__file__}) is "
        "another package of that name (HIPS autograd?): uninstall or rename it and reinstall "
        "autograd-1986, or give autograd-1986 a virtual environment of its own"
    )

from autograd.cli.commands import main

__all__ = ["main"]
