"""What makes the docs' pictures (docs/images/): `tools.figures`, run by ``make figures``.

A package, so that its modules import one another the same way from anywhere
(``python -m tools.figures`` from the top of the repository).
"""
