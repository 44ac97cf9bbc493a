"""Binary (+-1) patterns made without any download.

* :func:`random_patterns`: independent unbiased bits, the setting of the
  capacity theory.
* :func:`letters`: characters rendered from matplotlib's bundled DejaVu Sans
  font onto a small grid (+1 = ink).
* :func:`image_patches`: square patches of matplotlib's bundled sample images,
  binarised at their median, as in the "fish and tree" exercise (patches of
  two images stored, patches of a third one used as cues).
"""
import numpy as np

from ...datasets.images import SAMPLE_IMAGES, sample_image  # noqa: F401  (the task's image source)
from ...model.errors import ModelError



def random_patterns(p, n, rng):
    """``(p, n)`` array of independent +-1 bits with probability 1/2 each."""
    return rng.choice(np.array([-1.0, 1.0]), size=(p, n))


def letters(chars, shape=(12, 12), weight="bold"):
    """Render ``chars`` with DejaVu Sans (shipped with matplotlib) to +-1 grids.

    Each glyph is scaled to fit the grid with a one-cell margin and sampled
    at the cell centres (inside the outline = +1).

    Returns
    -------
    ndarray (len(chars), rows * cols)
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.path import Path
    from matplotlib.textpath import TextPath

    rows, cols = shape
    out = []
    for ch in chars:
        path = TextPath((0, 0), ch, size=100, prop=FontProperties(family="DejaVu Sans", weight=weight))
        v = path.vertices
        if len(v) == 0:
            raise ModelError("letters", f"character {ch!r} has no glyph outline")
        lo, hi = v.min(axis=0), v.max(axis=0)
        scale = max((hi[0] - lo[0]) / (cols - 2), (hi[1] - lo[1]) / (rows - 2))
        centre = (lo + hi) / 2
        # cell centres in glyph coordinates; row 0 is the top of the image
        xs = centre[0] + (np.arange(cols) - (cols - 1) / 2) * scale
        ys = centre[1] - (np.arange(rows) - (rows - 1) / 2) * scale
        grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
        # even-odd rule over the outline's closed polygons: holes (A, O, B) stay empty
        inside = np.zeros(len(grid), dtype=bool)
        for poly in path.to_polygons():
            inside ^= Path(poly).contains_points(grid)
        out.append(np.where(inside, 1.0, -1.0))
    return np.array(out)


def image_patches(image, size, count, rng):
    """``count`` random ``size`` x ``size`` patches of ``image``, each binarised at its own median.

    A per-patch median gives every patch about half +1 bits, like the random
    patterns of the theory (a global threshold makes smooth regions all -1).

    Returns
    -------
    ndarray (count, size * size)
    """
    img = np.asarray(image, dtype=float)
    r = rng.integers(0, img.shape[0] - size + 1, size=count)
    c = rng.integers(0, img.shape[1] - size + 1, size=count)
    out = []
    for a, b in zip(r, c):
        patch = img[a:a + size, b:b + size].ravel()
        out.append(np.where(patch > np.median(patch), 1.0, -1.0))
    return np.array(out)


def flip_bits(patterns, fraction, rng):
    """Copies of ``patterns`` with exactly ``round(fraction * N)`` bits flipped per row.

    The flipped positions are drawn without replacement for each row from
    ``rng`` (a :class:`numpy.random.Generator`).
    """
    x = np.array(patterns, dtype=float, ndmin=2)
    k = int(round(fraction * x.shape[1]))
    for row in x:
        row[rng.choice(x.shape[1], size=k, replace=False)] *= -1
    return x
