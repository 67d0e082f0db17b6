"""BLAS housekeeping: one thread by default, and one warm-up GEMM.

The engine's matrix products are small (a batch times a level); extra BLAS threads only add
synchronisation. threadpoolctl, when installed, limits the threads at run time; without it the
limit must be set in the environment (OPENBLAS_NUM_THREADS=1 etc.) before numpy is imported,
as the benchmarks do. OpenBLAS also ran small GEMMs ~3x slower until one large one had run.
"""

from __future__ import annotations

import numpy as np

_warm = False
_limiter = None


def set_threads(n: int | None = 1) -> bool:
    """Limit BLAS to n threads (None: lift the limit). False when threadpoolctl is missing."""
    global _limiter
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return False
    if _limiter is not None:
        _limiter.restore_original_limits()
        _limiter = None
    if n is not None:
        _limiter = threadpool_limits(limits=n, user_api="blas")
    return True


def warm_up() -> None:
    """Run one large GEMM once per process (and limit BLAS to one thread if possible)."""
    global _warm
    if _warm:
        return
    _warm = True
    set_threads(1)
    a = np.ones((384, 384))
    a @ a
    a.astype(np.float32) @ a.astype(np.float32)
