"""The convolutional Hebbian network (the HebbianCNN extension), numpy.

Layers: input padded to 32 x 32; ``n_maps`` maps of 5 x 5 filters whose
soft winner-take-all runs across maps at each of the 28 x 28 positions, each
patch normalised to sum ``A_conv`` (offset 1 per pixel); sum pooling with
stride 2 over ``pool_size`` x ``pool_size`` windows (2: the reference
network; 14 x 14 x ``n_maps`` inputs for every even size); a feedforward
soft winner-take-all layer; the classifier.

Before its normalisation every patch gets ``patch_offset`` (a fraction of
full pixel intensity) added to each pixel. The authors add nothing (their
1e-5 only makes blank patches uniform), so a patch with one faint pixel
becomes, after normalisation, as strong a dot as a full-ink one: the filters
then code the noise at stroke borders. With an offset, faint patches stay
near uniform (the blank map wins) and the ink a patch holds shapes its code,
as in regularised contrast normalisation (Coates, Ng & Lee 2011, who add 10
to the variance for the same reason). Every layer learns with the same rule

.. math:: \\Delta W_{ij} = \\epsilon\\, \\mathrm{DA}\\, s_j (y_i - W_{ij}),
          \\qquad s = \\mathrm{softmax}(y^\\top \\log W / t)

Training is layer-wise (our choice, for speed on a CPU): the convolutional
layer learns first (DA = 1, on every patch of ``conv_epochs`` passes), then it
is frozen and the pooled features, normalised to sum ``A_feedf`` with the
+1 offset, feed a :class:`~spikehebb.tasks.mnist.shallow.ShallowNet` whose
hidden layer is the feedforward layer: Hebbian epochs, then dopamine epochs
with exploration noise on the feedforward input (the authors' default,
``explore='feedf'``).

References
----------
R. Holca-Lamarre (2015), Hebbian convolutional neural network,
github.com/raphaelholca/hebbianCNN (``hebbian_cnn.py``).
A. Coates, A. Y. Ng and H. Lee (2011). An analysis of single-layer networks
in unsupervised feature learning. AISTATS 15, 215-223.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .hebb import hebbian_step, normalize, softmax
from .shallow import ShallowNet

SIDE, PAD, K = 28, 2, 5
#: pixel value of full intensity in the images the loader returns (uint8 scale)
FULL = 255.0


def patches(x):
    """All 5 x 5 patches of images ``x`` (B, 28, 28) padded to 32 x 32:
    ``(B * 784, 25)``."""
    xp = np.pad(x, ((0, 0), (PAD, PAD), (PAD, PAD)))
    v = sliding_window_view(xp, (K, K), axis=(1, 2))  # (B, 28, 28, 5, 5)
    return v.reshape(-1, K * K)


class ConvNet:
    """Convolutional layer plus a :class:`ShallowNet` head on pooled features."""

    def __init__(self, p, rng):
        self.p = p
        m = p["n_maps"]
        # authors' initialisation: close to the normalised patch mean
        self.W_conv = rng.random((K * K, m)) + p["A_conv"] / (K * K) + 2.5
        n_in = (SIDE // 2) ** 2 * m
        head = dict(p)
        self.head = ShallowNet(n_in, p["n_feedf"], 10, head, rng)
        # float32 halves the cost of the 3,920-input layer; precision is ample
        self.head.W_hid = self.head.W_hid.astype(np.float32)
        self.head.W_out = self.head.W_out.astype(np.float32)
        self.conv_done = 0

    def state(self):
        return {"W_conv": self.W_conv, **self.head.state(), "conv_done": np.array(self.conv_done)}

    def load_state(self, st):
        self.W_conv = np.array(st["W_conv"])
        self.head.load_state(st)
        self.conv_done = int(st["conv_done"])

    def conv_activity(self, x):
        """Patch inputs ``(B*784, 25)`` and map activities ``(B*784, n_maps)``."""
        # +1e-5: blank patches become uniform even without an offset
        y = normalize(patches(x) + (self.p["patch_offset"] * FULL + 1e-5), self.p["A_conv"])
        return y, softmax(y @ np.log(self.W_conv), self.p["t_conv"])

    def train_conv_epoch(self, x, rng):
        """One Hebbian pass over all patches of ``x`` (shuffled images)."""
        order = rng.permutation(len(x))
        bs = self.p["conv_batch"]
        for b in range(0, len(x), bs):
            y, s = self.conv_activity(x[order[b:b + bs]])
            hebbian_step(self.W_conv, y, s, self.p["eps_conv"])
        self.conv_done += 1

    def features(self, x, chunk=500):
        """Pooled map activities, normalised: ``(B, 14*14*n_maps)`` float32."""
        m, h, q = self.p["n_maps"], SIDE // 2, self.p["pool_size"]
        out = np.empty((len(x), h * h * m), dtype=np.float32)
        for i in range(0, len(x), chunk):
            xb = x[i:i + chunk]
            out[i:i + chunk] = normalize(pool(self.conv_activity(xb)[1].reshape(len(xb), SIDE, SIDE, m), q),
                                         self.p["A_feedf"])
        return out


def pool(s, size):
    """Sum pooling, stride 2, ``size`` x ``size`` windows (even ``size``):
    ``(B, 28, 28, m)`` -> ``(B, 14 * 14 * m)``.

    Windows larger than 2 overlap; the maps are zero-padded by
    ``(size - 2) / 2`` on each side so that the grid stays 14 x 14.
    """
    B, m, h = len(s), s.shape[-1], SIDE // 2
    if size == 2:
        return s.reshape(B, h, 2, h, 2, m).sum((2, 4)).reshape(B, -1)
    r = (size - 2) // 2
    sp = np.pad(s, ((0, 0), (r, r), (r, r), (0, 0)))
    v = sliding_window_view(sp, (size, size), axis=(1, 2))[:, ::2, ::2]  # (B, 14, 14, m, size, size)
    return v.sum((-1, -2)).reshape(B, -1)
