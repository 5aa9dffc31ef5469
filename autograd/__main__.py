"""``python -m autograd``: the same as the ``autograd`` command (see `autograd.cli`)."""

from autograd.cli import main

raise SystemExit(main())
