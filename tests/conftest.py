"""Import ganbook before anything imports torch, so that the CPU code path is pinned."""

import ganbook  # noqa: F401
