"""Teaching tools on top of the engine: `explain` (the chain rule step by step), the
checks (nudges and classic mistakes), practice questions, and the expression parser.

Plain text only: nothing here draws or writes a page.
"""
