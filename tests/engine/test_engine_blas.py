"""set_threads limits the BLAS numpy uses (threadpoolctl is a dependency, not an option)."""

from threadpoolctl import threadpool_info

from rnnstudio.engine import set_threads


def blas_threads() -> set[int]:
    return {info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"}


def test_set_threads_limits_and_restores_blas_threads():
    set_threads(None)
    original = blas_threads()
    assert original
    try:
        assert set_threads(1) is True
        assert blas_threads() == {1}
        set_threads(None)
        assert blas_threads() == original
    finally:
        set_threads(1)  # the engine's default (compile limits BLAS to one thread)
