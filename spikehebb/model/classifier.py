r"""Descriptions of Hebbian classifiers with dopamine reward (Holca-Lamarre et al. 2015).

Populations: an :class:`ImageInput` (a data set's images, normalised), soft
winner-take-all layers (:class:`SoftWTA`), and :class:`Normalise` relays (the
pooled features). Connectivity (:mod:`.connectivity`): ``conv`` (shared kernels, per-patch
normalisation) and ``pool`` (sum pooling), next to ``all_to_all``. The
rule :class:`NormalisingHebb` and the modulator source :class:`ChoiceReward`
(the four-valued reward-prediction dopamine) complete the network; the
training protocol is the ``[task]`` table of the ``classification`` task.

Each description may hold a ``spike`` table (and ``rate`` table) with the
parameters only that backend needs; everything else is shared. Weights are
dimensionless and in the same units on both backends: a soft-WTA unit's
drive is :math:`u_j = \sum_i y_i \log W_{ij}`.

References
----------
R. Holca-Lamarre, J. Lücke and K. Obermayer (2015). Reward-based learning in a
Hebbian network of cortical neurons (code: github.com/raphaelholca/hebbianRL,
hebbianCNN). P. U. Diehl and M. Cook (2015). Unsupervised learning of digit
recognition using spike-timing-dependent plasticity. Front. Comput. Neurosci.
9:99. B. Nessler, M. Pfeiffer, L. Buesing and W. Maass (2013). Bayesian
computation emerges in generic cortical microcircuits through spike-timing-
dependent plasticity. PLoS Comput. Biol. 9:e1003037.
"""
import numpy as np

from .errors import ModelError
from .modulators import SOURCES
from .neurons import POPULATIONS
from .rules import RULES
from .schema import Description, Field

#: order of the four dopamine values of a :class:`ChoiceReward` table
DA_CASES = ("unpredicted_reward", "predicted_reward", "predicted_omission", "unpredicted_omission")


class BackendTables(Description):
    """Base: parses the optional ``spike`` / ``rate`` tables into their classes."""

    SPIKE = None
    RATE = None

    def check(self, where):
        for key, cls in (("spike", self.SPIKE), ("rate", self.RATE)):
            if cls is None:
                continue
            table = getattr(self, key) or {}
            if isinstance(table, dict):
                setattr(self, key, cls(_where=f"{where}.{key}", **table))


class ImagePresentation(Description):
    """Spike backend: each image is Poisson spike trains for ``t_present``,
    with rates proportional to the normalised image (summing to ``rate_total``),
    followed by ``t_rest`` of silence in which the network relaxes."""

    FIELDS = (
        Field("rate_total", "rate", "20000 Hz", positive=True, doc="summed Poisson rate of an image"),
        Field("t_present", "time", "100 ms", positive=True),
        Field("t_rest", "time", "20 ms", nonnegative=True),
        Field("dt", "time", "0.5 ms", positive=True),
    )


@POPULATIONS.register
class ImageInput(BackendTables):
    r"""Images of a data set as input activities.

    Each image :math:`x` (``shape``, pixel values as stored) becomes

    .. math:: y_d = (A - D\,o)\, \frac{x_d}{\sum_{d'} x_{d'}} + o

    with total :math:`A` (``total``) and offset :math:`o` (``offset``) over
    the :math:`D` pixels; without ``total`` the raw pixels are passed on
    (a ``conv`` projection then normalises each patch). On the rate
    backend a mini-batch of images is presented at once; on the spike backend
    see :class:`ImagePresentation` (``[... .spike]``).
    """

    TYPE = "image"
    SPIKE = ImagePresentation
    FIELDS = (
        Field("dataset", "str", "mnist", choices=("mnist",)),
        Field("shape", "ints", [28, 28], doc="image height and width"),
        Field("total", "float", None, positive=True, doc="A: each normalised image sums to A"),
        Field("offset", "float", 1.0, nonnegative=True, doc="o: added to every pixel (the model's prior)"),
        Field("spike", "raw", None),
    )

    def check(self, where):
        super().check(where)
        if len(self.shape) != 2:
            raise ModelError(f"{where}.shape", f"expected [height, width], got {self.shape.tolist()}")
        if self.total is not None and self.total <= self.n * self.offset:
            raise ModelError(f"{where}.total", f"must exceed n * offset = {self.n * self.offset:g}, "
                                               f"got {self.total:g}")

    @property
    def n(self):
        return int(np.prod(self.shape))

    @property
    def grid(self):
        return tuple(int(s) for s in self.shape)


class WTASpiking(Description):
    r"""Spike backend of a :class:`SoftWTA` layer: LIF neurons (dimensionless
    potential, threshold 1) with lateral inhibition and an adaptive threshold
    (Diehl & Cook 2015).

    .. math::

        \tau_m \dot v_j = -v_j + I_j, \qquad \tau_\theta \dot\theta_j = -\theta_j \text{ (while learning)},

    a presynaptic spike of :math:`i` adds the drive weight
    :math:`g\,(\log W_{ij} - c_i)` to :math:`v_j`, with :math:`g` = ``gain``
    and the feedforward inhibition :math:`c_i = \langle \log W_{ij}
    \rangle_j` + ``shift``, the same for every neuron of the layer (so it
    never changes which neuron leads: it centres the drives on the layer's
    mean for each input, whatever the scale of the weights). At
    :math:`v_j > 1 + \theta_j` the neuron spikes, :math:`v_j \leftarrow 0`,
    :math:`\theta_j \leftarrow \theta_j + \Delta\theta` (only while learning:
    evaluation leaves thresholds alone), and every other neuron of the layer
    loses ``w_inh``. Averaged over Poisson inputs of total rate :math:`R`
    (activities summing to :math:`A`), the drive is
    :math:`\tau_m g (R/A)(u_j - \bar u - A\,\mathrm{shift})` with
    :math:`\bar u` the layer's mean :math:`u_k`. The exploration current
    :math:`I_j = \kappa\,\tau_m g (R/A)\,\xi_j` is the mean-field equivalent
    of the rate layer's drive noise :math:`\xi_j`, times :math:`\kappa` =
    ``explore_scale``; it lasts for the presentation (for a soft-WTA
    presynaptic layer :math:`A = 1` and :math:`R` is a running mean of its
    spike rate). Membrane potentials and traces are reset at each image onset.
    """

    FIELDS = (
        Field("tau_m", "time", "100 ms", positive=True, doc="membrane time constant"),
        Field("gain", "float", 0.02, positive=True, doc="depolarisation per input spike per unit drive weight"),
        Field("w_inh", "float", 1.0, nonnegative=True, doc="lateral inhibition per spike (threshold units)"),
        Field("refractory", "time", "2 ms", nonnegative=True),
        Field("tau_theta", "time", "100 s", positive=True, doc="adaptive threshold decay"),
        Field("dtheta", "float", 0.0, nonnegative=True, doc="threshold increase per spike while learning"),
        Field("shift", "float", 0.0, doc="added to the feedforward inhibition c_i = mean_j log W_ij "
                                         "(negative: more spikes)"),
        Field("explore_scale", "float", 1.0, nonnegative=True,
              doc="exploration current per unit of the rate layer's drive noise, "
                  "in units of its mean-field equivalent (1: equivalent)"),
    )


@POPULATIONS.register
class SoftWTA(BackendTables):
    r"""A soft winner-take-all layer.

    Rate backend: :math:`s_j = \exp(u_j/t) / \sum_k \exp(u_k/t)` with
    :math:`u_j = \sum_i y_i \log W_{ij}` (Holca-Lamarre et al. 2015; Nessler
    et al. 2013 for the spiking counterpart). With a ``grid`` the softmax runs
    across the ``n`` maps at each grid position (a convolutional layer). Spike
    backend: :class:`WTASpiking`; :math:`s_j` is neuron :math:`j`'s share of
    the layer's spikes during a presentation.
    """

    TYPE = "soft_wta"
    SPIKE = WTASpiking
    FIELDS = (
        Field("n", "int", positive=True, doc="units (maps, with a grid)"),
        Field("grid", "ints", [], doc="positions [height, width] of a convolutional layer"),
        Field("temperature", "float", 0.1, positive=True, doc="t of the softmax"),
        Field("spike", "raw", None),
    )
    weight_kind = None

    @property
    def size(self):
        return self.n * int(np.prod(self.grid)) if len(self.grid) else self.n


@POPULATIONS.register
class Normalise(Description):
    r"""Relay that normalises its summed input, like :class:`ImageInput`:
    :math:`y_d = (A - D\,o)\,x_d / \sum x + o` (the pooled features of a
    convolutional network)."""

    TYPE = "normalise"
    FIELDS = (
        Field("n", "int", positive=True),
        Field("total", "float", positive=True, doc="A"),
        Field("offset", "float", 1.0, nonnegative=True),
    )
    weight_kind = None

    def check(self, where):
        if self.total <= self.n * self.offset:
            raise ModelError(f"{where}.total", f"must exceed n * offset = {self.n * self.offset:g}, got {self.total:g}")


class HebbSpiking(Description):
    r"""Spike backend of :class:`NormalisingHebb`: time constant of the presynaptic
    trace whose normalised value :math:`\hat x_i` the eligibility reads."""

    FIELDS = (Field("tau_pre", "time", "20 ms", positive=True, doc="presynaptic trace"),)


@RULES.register
class NormalisingHebb(BackendTables):
    r"""Reward-modulated normalising Hebbian rule (Holca-Lamarre et al. 2015).

    Rate form, per presented input (mini-batches sum over their samples):

    .. math:: \Delta W_{ij} = \epsilon\, \mathrm{DA}\, s_j\, (y_i - W_{ij})

    with presynaptic activity :math:`y_i`, postsynaptic soft-WTA activity
    :math:`s_j` and dopamine DA (1 when ungated, else the value of the
    modulator the protocol names for the phase). With DA = 1 and inputs that
    sum to :math:`A`, each column of :math:`W` relaxes to sum :math:`A`.
    Weights stay above ``floor`` (their logarithm drives the units).

    Spike form (a dopamine-gated STDP-family rule): every presynaptic neuron
    has a trace :math:`x_i` (jump 1 per spike, time constant
    :math:`\tau_{pre}`, reset at the onset of each presentation), and the
    *normalised trace* is its share of the presynaptic layer's summed trace,
    scaled to the layer's total :math:`A` (the image's ``total``; 1 for a
    soft-WTA layer, whose :math:`s_j` sum to 1):

    .. math:: \hat x_i = A\, \frac{x_i}{\sum_k x_k}, \qquad
              \langle \hat x_i \rangle \approx A \frac{r_i}{\sum_k r_k} = y_i

    (:math:`r_i` the presynaptic rates; for an image :math:`r_i = R\,y_i/A`,
    for a soft-WTA layer :math:`y_j = s_j`, its spike share). The ratio needs
    neither the total rate :math:`R` nor the trace's build-up after the reset.
    It is read at every postsynaptic spike into an eligibility, and dopamine
    gates the eligibility at the end of the presentation:

    .. math::

        e_{ij} \leftarrow e_{ij} + \hat x_i(t_j^f) - W_{ij} \text{ at each spike } t_j^f \text{ of } j,
        \qquad \Delta W_{ij} = \epsilon\, \mathrm{DA}\, e_{ij} / N, \qquad e_{ij} \leftarrow 0

    with :math:`N` the postsynaptic layer's spike count in the presentation
    (no change when :math:`N = 0` or the presynaptic layer was silent).
    Averaged over presentations of a fixed input, :math:`\langle
    e_{ij}/N\rangle = s_j (y_i - W_{ij}) + \mathrm{Cov}`, with :math:`s_j =
    n_j/N`: the rate rule plus the pre-before-post correlation (a spike of
    :math:`i` makes a spike of :math:`j` likelier within :math:`\tau_m`),
    which the rate form neglects, as the Kempter drift neglects it for pair
    STDP (a ~2 % bias in ``tests/test_classifier_spike.py``).
    """

    TYPE = "normalising_hebb"
    PLASTIC = True
    BOUNDED = False  # normalised by the rule itself: no w_max
    SPIKE = HebbSpiking
    FIELDS = (
        Field("eps", "float", positive=True, doc="learning rate epsilon"),
        Field("floor", "float", 1e-10, positive=True, doc="smallest weight"),
        Field("spike", "raw", None),
    )


@SOURCES.register
class ChoiceReward(Description):
    r"""Reward-prediction dopamine from a classifier's choice, one value per sample.

    The reward is *predicted* when the classifier's greedy choice (without
    exploration noise) equals the action taken (with noise), and *received*
    when the action taken is the label:

    =====================  =========  ========  ==============
    case                   predicted  received  DA
    =====================  =========  ========  ==============
    unpredicted reward     no         yes       ``values[0]``
    predicted reward       yes        yes       ``values[1]``
    predicted omission     no         no        ``values[2]``
    unpredicted omission   yes        no        ``values[3]``
    =====================  =========  ========  ==============

    ``population`` is the classifier layer whose most active unit is the choice.
    """

    TYPE = "choice_reward"
    FIELDS = (
        Field("population", "str"),
        Field("values", "float", array=True, doc=", ".join(DA_CASES)),
    )

    def check(self, where):
        v = np.atleast_1d(np.asarray(self.values, dtype=float))
        if v.shape != (4,):
            raise ModelError(f"{where}.values", f"expected 4 values ({', '.join(DA_CASES)}), got {v.tolist()}")
        self.values = v
