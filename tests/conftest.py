"""Make the project root importable, so tests can import `demos` and `bench`.

Those two are run from the project root (``python -m demos.xor``) and are not
installed packages; ``pytest`` puts only ``tests/`` on the path. (Equivalent to
``pythonpath = ["."]`` in ``[tool.pytest.ini_options]``.)
"""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[1])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
