"""The engine: the op table (`ops`), `Value` and its backward pass (`engine`), the shared
graph walks (`graph`), ``grad`` and ``gradcheck`` (`derivatives`), the compiler
(`compiler`), how numbers and names are written for people (`notation`), and safe file
writing (`files`).

Nothing here imports the teaching tools, the pages or the command line.
"""

import sys

# Another package imported as `autograd` (HIPS autograd) installed into this library's folder
# replaces its __init__.py, which then imports autograd.core: this package. Say so in one line.
if getattr(sys.modules.get("autograd"), "__distribution__", None) != "autograd-1986":
    raise ImportError(
        f"the 'autograd' imported ({getattr(sys.modules.get('autograd'), '__file__', None)}) is "
        "another package of that name (HIPS autograd?), installed over autograd-1986: uninstall "
        "or rename it and reinstall autograd-1986, or give autograd-1986 a virtual environment "
        "of its own"
    )
