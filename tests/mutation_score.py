"""Per-file mutation scores from the results `make mutation` leaves in mutants/.

``python -m tests.mutation_score`` prints, for each mutated file, how many mutants
mutmut made, how many the tests killed, and the survivors by name (see one with
``mutmut show NAME``). Kept apart from the test suite: mutmut is not a dev dependency.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path


def main(root: Path = Path("mutants")) -> int:
    from mutmut.stats import status_by_exit_code  # only installed by `make mutation`

    metas = sorted(root.rglob("*.py.meta"))
    if not metas:
        print(f"no mutation results under {root}/: run `make mutation` first", file=sys.stderr)
        return 1
    width = max(len(str(meta.relative_to(root))) - len(".meta") for meta in metas)
    print(f"{'file':<{width}} {'mutants':>7} {'killed':>7} {'score':>7} {'unchecked':>9}")
    for meta in metas:
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        counts = Counter(status_by_exit_code[c] for c in codes.values())
        tested = len(codes) - counts["skipped"] - counts["not checked"]
        killed = counts["killed"] + counts["timeout"]
        name = str(meta.relative_to(root))[: -len(".meta")]
        score = f"{100 * killed / tested:.1f} %" if tested else "-"
        print(f"{name:<{width}} {tested:>7} {killed:>7} {score:>7} {counts['not checked']:>9}")
        for key, code in sorted(codes.items()):
            status = status_by_exit_code[code]
            if status not in ("killed", "timeout", "skipped", "not checked"):
                print(f"    {status}: {key}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
