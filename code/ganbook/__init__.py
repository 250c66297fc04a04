"""ganbook: the code of the book *From Entropy to Energy*.

Chapters import from this package; it never imports a chapter. Importing it first pins the
CPU code path of the math kernels (see :mod:`ganbook.seed`), so that a chapter gives the
same numbers on every machine of the same kind.
"""

from ganbook.seed import pin_cpu_code_path as _pin_cpu_code_path

_pin_cpu_code_path()  # before anything imports torch

__version__ = "0.1.0"
