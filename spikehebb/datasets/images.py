"""Images that ship with matplotlib: natural-image data without any download.

Used by the Hopfield patches model (binarised patches) and by the
literature-rule models (patches as input rates).
"""
import numpy as np

from ..model.errors import ModelError

#: bundled sample images: name -> (file in matplotlib's sample_data, array key or None)
SAMPLE_IMAGES = {
    "grace_hopper": ("grace_hopper.jpg", None),
    "topobathy": ("topobathy.npz", "topo"),
    "jacksboro": ("jacksboro_fault_dem.npz", "elevation"),
}


def sample_image(name):
    """A bundled matplotlib sample image as a 2-D float array (grey levels)."""
    import matplotlib.cbook as cbook
    if name not in SAMPLE_IMAGES:
        raise ModelError("images", f"expected one of {', '.join(SAMPLE_IMAGES)}; got {name!r}")
    fname, key = SAMPLE_IMAGES[name]
    if key is None:
        import matplotlib.image as mpimg
        with cbook.get_sample_data(fname) as fh:
            img = np.asarray(mpimg.imread(fh, format=fname.rsplit(".", 1)[1]), dtype=float)
        return img.mean(axis=2) if img.ndim == 3 else img
    data = cbook.get_sample_data(fname)  # recent matplotlib returns the loaded NpzFile
    if not hasattr(data, "files"):
        data = np.load(data)
    with data:
        return np.asarray(data[key], dtype=float)
