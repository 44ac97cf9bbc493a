"""BLAS threads for the rate backend's many small matrix products.

OpenBLAS starts one thread per core for every product; on the rate
classifier's per-batch products (784 x 300 by a mini-batch) that costs more
than it gives, and as soon as another process holds a core every product
waits for its threads: an epoch ran 10x slower with the second core busy
(issue 11). So the rate backend computes on one BLAS thread unless
``$SPIKEHEBB_BLAS_THREADS`` asks for more.
"""
import functools
import os

from threadpoolctl import threadpool_limits


def blas_threads():
    """BLAS threads the rate backend may use: ``$SPIKEHEBB_BLAS_THREADS``, default 1."""
    try:
        return max(1, int(os.environ.get("SPIKEHEBB_BLAS_THREADS", 1)))
    except ValueError:
        return 1


def limited_blas(fn):
    """Run ``fn`` with at most :func:`blas_threads` BLAS threads (restored afterwards)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with threadpool_limits(limits=blas_threads(), user_api="blas"):
            return fn(*args, **kwargs)
    return wrapper
