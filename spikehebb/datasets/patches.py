"""Input samples of the literature-rule models: image patches and Foldiak's bars, as rates.

Backend-neutral: the rate backend draws one sample per period from
:class:`SampleSource`, and the metrics draw held-out samples from the same
source. Every draw takes the caller's generator, so a seeded run is reproducible.
"""
import numpy as np

from ..model.errors import ModelError


def bars(count, size, p, rng):
    """``count`` ``size`` x ``size`` images of horizontal and vertical bars, each bar on
    independently with probability ``p`` (Foldiak 1990); pixels in [0, 1], flattened."""
    on = rng.random((count, 2 * size)) < p
    rows, cols = on[:, :size], on[:, size:]
    img = rows[:, :, None] | cols[:, None, :]
    return img.reshape(count, size * size).astype(float)


def bar_features(size):
    """The ``2 size`` single bars (rows then columns), as flattened images (the 'parts')."""
    out = np.zeros((2 * size, size, size))
    for k in range(size):
        out[k, k, :] = 1.0
        out[size + k, :, k] = 1.0
    return out.reshape(2 * size, size * size)


class SampleSource:
    """Draws flattened samples of one source, scaled to rates (Hz).

    Parameters
    ----------
    pop : spikehebb.model.literature_rules.ImageSamples
        The population description (source, size, channels, scale, ...).
    data_dir : str, optional
        MNIST folder (default: ``$SPIKEHEBB_DATA`` and the usual fallbacks).
    """

    def __init__(self, pop, data_dir=None):
        from ..model.units import to_si
        self.pop, self.size, self.scale = pop, pop.size, float(to_si(pop.scale))
        self.images = None
        if pop.source == "sample_image":
            from .images import sample_image
            img = sample_image(pop.image)
            self.images = (img / np.max(np.abs(img)))[None]
        elif pop.source == "mnist":
            from .mnist import load_mnist
            self.images = load_mnist(data_dir)["x_train"][:pop.n_images] / 255.0
        if self.images is not None and min(self.images.shape[1:]) < self.size:
            raise ModelError(f"{pop._where or 'population'}.size", f"patches of {self.size} px do not fit "
                             f"images of {self.images.shape[1]} x {self.images.shape[2]} px")

    def raw(self, count, rng):
        """``count`` flattened samples before channels and scale (patches in [0, 1])."""
        s = self.size
        if self.images is None:
            return bars(count, s, self.pop.bar_probability, rng)
        k = rng.integers(len(self.images), size=count)
        r = rng.integers(self.images.shape[1] - s + 1, size=count)
        c = rng.integers(self.images.shape[2] - s + 1, size=count)
        idx = np.arange(s)
        return self.images[k[:, None, None], (r[:, None] + idx)[:, :, None],
                           (c[:, None] + idx)[:, None, :]].reshape(count, s * s)

    def to_rates(self, raw):
        """Rates (Hz, >= 0) of raw samples: ``on`` scales them; ``on_off`` removes each
        patch's mean and splits it into an ON (positive part) and an OFF channel
        (negative part), like retinal ganglion cells, so rates stay non-negative."""
        if self.pop.channels == "on":
            return self.scale * raw
        d = raw - raw.mean(axis=1, keepdims=True)
        return self.scale * np.concatenate([np.maximum(d, 0), np.maximum(-d, 0)], axis=1)

    def centred(self, raw):
        """The signal a code should reconstruct: each patch minus its mean for ``on_off``,
        the raw sample for ``on``."""
        return raw - raw.mean(axis=1, keepdims=True) if self.pop.channels == "on_off" else raw

    def draw(self, count, rng):
        return self.to_rates(self.raw(count, rng))
