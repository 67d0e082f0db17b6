"""BLAS housekeeping: one thread by default, and one warm-up GEMM.

The engine's matrix products are small (a batch times a level); extra BLAS threads only add
synchronisation. threadpoolctl (a dependency) limits the BLAS threads of the running process,
whichever BLAS numpy loaded (OpenBLAS, MKL, BLIS). OpenBLAS also ran small GEMMs ~3x slower
until one large one had run.
"""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_limits

_warm = False
_limiter = None


def set_threads(n: int | None = 1) -> bool:
    """Limit BLAS to n threads (None: lift the limit and restore the original number).
    Returns True (kept for callers that checked for a missing threadpoolctl)."""
    global _limiter
    if _limiter is not None:
        _limiter.restore_original_limits()
        _limiter = None
    if n is not None:
        _limiter = threadpool_limits(limits=n, user_api="blas")
    return True


def warm_up() -> None:
    """Run one large GEMM once per process (and limit BLAS to one thread)."""
    global _warm
    if _warm:
        return
    _warm = True
    set_threads(1)
    a = np.ones((384, 384))
    a @ a
    a.astype(np.float32) @ a.astype(np.float32)
