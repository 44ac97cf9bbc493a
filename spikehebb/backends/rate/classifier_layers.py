r"""Rate builders of the classifier descriptions: one per population and connectivity type.

Every layer maps a mini-batch ``(B, ...)`` at once. Populations:
``image`` (normalised pixels), ``soft_wta`` (softmax over maps at each grid
position), ``normalise`` (normalised summed input). Projections (by
connectivity): ``all_to_all`` (log-weight drive), ``conv`` (shared kernel over
normalised patches), ``pool`` (sum pooling, no weights). The rule
:func:`hebbian_step` is the one update of :class:`~spikehebb.model.classifier.NormalisingHebb`.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ...model.errors import ModelError
from ...model.classifier import ImageInput, NormalisingHebb, Normalise, SoftWTA
from ...model.connectivity import Conv, Pool
from ..base import builder_registry
from ..classify import normalise, softmax

LAYER_BUILDERS = builder_registry("rate")
CONNECTION_BUILDERS = builder_registry("rate")
#: rule description -> ``delta(W, pre, post, eps, da)`` that updates ``W`` in place
RULE_STEPS = builder_registry("rate")
#: pixel value of full intensity in the images the loaders return (uint8 scale)
FULL_SCALE = {"mnist": 255.0}


def hebbian_step(W, pre, post, eps, da=None, floor=1e-10):
    r"""One batch of the normalising Hebbian rule, in place; returns ``W``.

    .. math:: \Delta W_{ij} = \epsilon \sum_b \mathrm{DA}_b\, s_{bj} (y_{bi} - W_{ij})

    Parameters
    ----------
    W : ndarray (n_pre, n_post)
    pre : ndarray (batch, n_pre)
        Presynaptic activities :math:`y`.
    post : ndarray (batch, n_post)
        Postsynaptic activities :math:`s`.
    eps : float
    da : ndarray (batch,) or None
        Dopamine per sample; None: 1 (pass ``eps * DA`` for a constant).
    floor : float
        Smallest weight (the logarithm drives the units).
    """
    g = post * eps if da is None else post * (eps * np.asarray(da, dtype=W.dtype))[:, None]
    # decay first: the decay term uses the weights before this update
    W *= 1.0 - g.sum(0)
    W += pre.T @ g
    np.maximum(W, floor, out=W)
    return W


@RULE_STEPS.register(NormalisingHebb)
def _normalising_hebb(rule):
    return lambda W, pre, post, eps, da: hebbian_step(W, pre, post, eps, da, rule.floor)


class Layer:
    """A built population: ``activate(drive) -> activity`` for a batch."""

    def __init__(self, pop, dtype):
        self.desc, self.dtype = pop, dtype

    def activate(self, drive):
        return drive


@LAYER_BUILDERS.register(ImageInput)
class ImageLayer(Layer):
    """Raw images ``(B, H, W)`` -> normalised rows (or raw pixels without ``total``)."""

    def activate(self, x):
        x = np.asarray(x).reshape(len(x), -1)
        if self.desc.total is None:
            return x.astype(float, copy=False)
        return normalise(x, self.desc.total, self.desc.offset).astype(self.dtype, copy=False)


@LAYER_BUILDERS.register(SoftWTA)
class WTALayer(Layer):
    def activate(self, drive):
        B, n = len(drive), self.desc.n
        return softmax(drive.reshape(B, -1, n), self.desc.temperature).reshape(B, -1)


@LAYER_BUILDERS.register(Normalise)
class NormaliseLayer(Layer):
    def activate(self, drive):
        return normalise(drive, self.desc.total, self.desc.offset).astype(self.dtype, copy=False)


class Connection:
    """A built projection. ``W`` is None for weightless connectivity.

    ``rows(pre)`` is the presynaptic activity as the weights see it (a batch
    of images becomes a batch of patches for a convolution); ``post_rows``
    likewise; ``drive`` the postsynaptic input; ``version`` counts updates.
    """

    def __init__(self, proj, W, network):
        self.desc, self.W, self.version = proj, W, 0
        self._log = None
        self.rule = proj.rule
        # a classifier layer learns with a rule the rate backend has a batched step for
        self.step = RULE_STEPS.build(proj.rule) if proj.rule.PLASTIC else None

    def log_w(self):
        """``log W``, recomputed after each update into the same buffer (no allocation per batch)."""
        if self._log is None or self._log[1].shape != self.W.shape or self._log[1].dtype != self.W.dtype:
            self._log = (self.version, np.log(self.W))
        elif self._log[0] != self.version:
            np.log(self.W, out=self._log[1])
            self._log = (self.version, self._log[1])
        return self._log[1]

    def rows(self, pre):
        return pre

    def post_rows(self, post):
        return post

    def drive(self, pre):
        r = self.rows(pre)
        return (r @ self.log_w()).reshape(len(pre), -1)

    def learn(self, pre, post, eps, da):
        """Apply the rule for a batch; ``da``: per-sample dopamine or None (DA = 1)."""
        rows, post = self.rows(pre), self.post_rows(post)
        if da is not None and len(rows) != len(da):  # per patch: each sample's DA for all its patches
            da = np.repeat(da, len(rows) // len(da))
        self.step(self.W, rows, post, eps, da)
        self.version += 1


@CONNECTION_BUILDERS.register(str)
def _named(proj, W, network):
    """Named connectivities: only ``all_to_all`` makes sense between classifier layers."""
    if proj.connectivity != "all_to_all":
        raise ModelError(f"{proj._where}.connectivity", f"classifier layers connect all_to_all, conv or pool; "
                                                        f"got {proj.connectivity!r}")
    return Connection(proj, W, network)


@CONNECTION_BUILDERS.register(Conv)
class ConvConnection(Connection):
    """Shared ``(kernel**2, maps)`` weights over every normalised patch."""

    def __init__(self, proj, W, network):
        super().__init__(proj, W, network)
        self.c, self.n_maps = proj.connectivity, network.populations[proj.post].n
        self.shape = tuple(network.populations[proj.pre].shape)
        self.add = self.c.patch_offset * FULL_SCALE[network.populations[proj.pre].dataset]
        self._rows = None

    def rows(self, pre):
        # the same batch is asked for twice (drive, then learn): keep the last patches
        if self._rows is not None and self._rows[0] is pre:
            return self._rows[1]
        c, (h, w) = self.c, self.shape
        xp = np.pad(pre.reshape(len(pre), h, w), ((0, 0), (c.padding,) * 2, (c.padding,) * 2))
        v = sliding_window_view(xp, (c.kernel, c.kernel), axis=(1, 2))[:, ::c.stride, ::c.stride]
        # +1e-5: blank patches become uniform even without an offset
        y = normalise(v.reshape(-1, c.kernel ** 2) + (self.add + 1e-5), c.patch_total)
        self._rows = (pre, y)
        return y

    def post_rows(self, post):
        return post.reshape(-1, self.n_maps)


@CONNECTION_BUILDERS.register(Pool)
class PoolConnection(Connection):
    """Sum pooling of each map; no weights."""

    def __init__(self, proj, W, network):
        super().__init__(proj, None, network)
        pre = network.populations[proj.pre]
        self.c, self.m, self.grid = proj.connectivity, pre.n, tuple(pre.grid)

    def drive(self, pre):
        B, (h, w), m, c = len(pre), self.grid, self.m, self.c
        s = pre.reshape(B, h, w, m)
        if c.size == c.stride:
            return s.reshape(B, h // c.stride, c.stride, w // c.stride, c.stride, m).sum((2, 4)).reshape(B, -1)
        r = (c.size - c.stride) // 2
        sp = np.pad(s, ((0, 0), (r, r), (r, r), (0, 0)))
        v = sliding_window_view(sp, (c.size, c.size), axis=(1, 2))[:, ::c.stride, ::c.stride]
        return v.sum((-1, -2)).reshape(B, -1)
