"""ganbook: the code of the book *From Entropy to Energy*.

Chapters import from this package; it never imports a chapter. Importing it first pins the
CPU code path of the math kernels (see :mod:`ganbook.seed`), so that a chapter gives the
same numbers on every machine of the same kind.
"""

# `ganbook.glue` is the function (chapters write `from ganbook import glue`); it imports
# neither torch nor myst_nb until it is called. The module is sys.modules["ganbook.glue"].
from ganbook.glue import glue as glue
from ganbook.seed import pin_cpu_code_path as _pin_cpu_code_path

_pin_cpu_code_path()  # before anything imports torch

__version__ = "0.1.0"
