"""Test configuration: a deterministic Hypothesis profile for CI."""

from __future__ import annotations

import os

from hypothesis import settings

# On CI the examples are derived from each test's name (derandomize), so a run can
# be reproduced exactly; locally every run explores new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
