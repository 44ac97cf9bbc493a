r"""Structured connectivity of classifier layers: convolution and pooling.

A projection's ``connectivity`` is a name (``all_to_all``, ...) or a table
with a ``type`` naming one of these descriptions; each checks that its pre and
post populations have the shapes it needs.
"""
import numpy as np

from .errors import ModelError
from .schema import Description, Field, Registry

CONNECTIVITY = Registry("connectivity")


@CONNECTIVITY.register
class Conv(Description):
    r"""Convolution with shared kernels onto a :class:`SoftWTA` layer with a grid.

    Every ``kernel`` x ``kernel`` patch :math:`x` of the (zero-``padding``-ed)
    image, taken with ``stride``, plus ``patch_offset`` (a fraction of full
    intensity) on each pixel, is normalised to sum ``patch_total``
    (:math:`y = (A_p - K^2)\,x/\sum x + 1`, offset 1 as for images) and drives
    the maps at that position through one shared weight matrix
    :math:`W \in \mathbb{R}^{K^2 \times n_{maps}}`.
    """

    TYPE = "conv"
    FIELDS = (
        Field("kernel", "int", 5, positive=True),
        Field("stride", "int", 1, positive=True),
        Field("padding", "int", 2, nonnegative=True),
        Field("patch_total", "float", positive=True, doc="A of each normalised patch (offset 1 included)"),
        Field("patch_offset", "float", 0.0, nonnegative=True, doc="added to each pixel, fraction of full intensity"),
    )

    def check(self, where):
        if self.patch_total <= self.kernel ** 2:
            raise ModelError(f"{where}.patch_total", f"must exceed kernel**2 = {self.kernel ** 2}, got {self.patch_total:g}")

    def out_grid(self, grid):
        return tuple((g + 2 * self.padding - self.kernel) // self.stride + 1 for g in grid)

    def check_pair(self, pre, post, where):
        if pre.TYPE != "image" or pre.total is not None:
            raise ModelError(where, "conv reads raw pixels: pre must be an image population without total")
        want = self.out_grid(pre.grid)
        if post.TYPE != "soft_wta" or tuple(post.grid) != want:
            raise ModelError(where, f"conv onto a soft_wta layer with grid {list(want)} "
                                    f"(kernel {self.kernel}, stride {self.stride}, padding {self.padding})")


@CONNECTIVITY.register
class Pool(Description):
    r"""Sum pooling of each map over ``size`` x ``size`` windows taken every
    ``stride`` positions (no weights, no learning). Windows larger than the
    stride overlap; the maps are zero-padded by ``(size - stride) / 2`` on each
    side so that the grid shrinks by exactly ``stride``."""

    TYPE = "pool"
    FIELDS = (
        Field("size", "int", 2, positive=True),
        Field("stride", "int", 2, positive=True),
    )

    def check(self, where):
        if self.size < self.stride or (self.size - self.stride) % 2:
            raise ModelError(f"{where}.size", f"must be the stride ({self.stride}) plus an even number, got {self.size}")

    def out_grid(self, grid):
        return tuple(g // self.stride for g in grid)

    def check_pair(self, pre, post, where):
        if pre.TYPE != "soft_wta" or not len(pre.grid):
            raise ModelError(where, "pool reads a soft_wta layer with a grid")
        n = pre.n * int(np.prod(self.out_grid(pre.grid)))
        if post.TYPE != "normalise" or post.n != n:
            raise ModelError(where, f"pool onto a normalise population of n = {n} "
                                    f"({pre.n} maps on a {'x'.join(map(str, self.out_grid(pre.grid)))} grid)")
