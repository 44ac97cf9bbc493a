r"""Four Hebbian rules of the recent literature, and the populations their models need.

Rate backend only (the spiking backend reports them as unsupported: none of the
papers defines a spiking form). Notation as in :mod:`.rate_models`: :math:`x_i`
presynaptic and :math:`y_j` postsynaptic rates (Hz), weights dimensionless,
:math:`w_j` the weight vector onto unit :math:`j`. Rates that multiply make
``learning_rate`` a plain number in :math:`1/(\mathrm{s}\,\mathrm{Hz}^2)`.

- :class:`NeAW`: Hebbian or anti-Hebbian per neuron, by its activity (Kang et al. 2023).
- :class:`AHL` with :class:`AdaptiveThresholdUnits`: sparse, distributed codes (Wadhwa & Madhow 2016).
- :class:`HPCA`: Hebbian PCA for convolutional filters (Lagani et al. 2021).
- :class:`CorrelationGameExcitation`, :class:`CorrelationGameInhibition`: the
  correlation game (Seung & Zung 2017).
- :class:`ImageSamples`: image patches (bundled sample image, MNIST) or bars, one per period.
"""
from .errors import ModelError
from .neurons import POPULATIONS
from .rate_models import _ETA, _NativeRule
from .rules import RULES
from .schema import Description, Field


@POPULATIONS.register
class ImageSamples(Description):
    r"""Input rates that show one random image sample per ``period``.

    ``source`` ``"sample_image"`` cuts ``size`` x ``size`` patches at random places
    of a bundled matplotlib image (``image``, as the Hopfield patches model uses);
    ``"mnist"`` cuts them from the first ``n_images`` MNIST training digits;
    ``"bars"`` draws ``size`` x ``size`` images of horizontal and vertical bars, each
    present with probability ``bar_probability`` (Foldiak 1990). Pixels in [0, 1]
    become ``scale`` x pixel (``channels = "on"``, ``size**2`` units), or each
    patch minus its mean is split into ON and OFF halves (``"on_off"``,
    ``2 size**2`` units) so that rates stay non-negative. Rate backend only.
    """

    TYPE = "rate_images"
    FIELDS = (
        Field("source", "str", choices=("sample_image", "mnist", "bars")),
        Field("size", "int", 8, positive=True, doc="patch (or bars image) side, pixels"),
        Field("channels", "str", "on", choices=("on", "on_off")),
        Field("scale", "rate", "20 Hz", positive=True, doc="rate of a pixel of value 1"),
        Field("period", "time", "10 ms", positive=True),
        Field("image", "str", "grace_hopper", doc="bundled image for source = sample_image"),
        Field("n_images", "int", 2000, positive=True, doc="MNIST training images to cut patches from"),
        Field("bar_probability", "float", 0.125, positive=True, doc="probability of each bar"),
    )

    def check(self, where):
        if self.bar_probability >= 1:
            raise ModelError(f"{where}.bar_probability", f"must be below 1, got {self.bar_probability}")

    @property
    def n(self):
        return self.size ** 2 * (2 if self.channels == "on_off" else 1)


@POPULATIONS.register
class AdaptiveThresholdUnits(Description):
    r"""Rectified units with homeostatic thresholds: the code of Adaptive Hebbian Learning.

    .. math::

        y_j = [u_j - \theta_j]_+, \qquad
        \tau_\theta\, \dot\theta_j = \theta_s \left(H(y_j) - p\right)

    with :math:`u_j` the summed input (Hz), :math:`H` the Heaviside step and
    :math:`p` the ``target`` fraction of samples each unit should answer: a unit
    that is active more often than :math:`p` raises its threshold. Every unit is
    thus active for about :math:`p` of the inputs (sparse), and together about
    :math:`p N` units answer each input (distributed). Instantaneous (no rate
    time constant). Rate backend only.

    References
    ----------
    Wadhwa & Madhow (2016) Learning sparse, distributed representations using
    the Hebbian principle. arXiv:1611.04228.
    """

    TYPE = "adaptive_threshold_units"
    FIELDS = (
        Field("n", "int", positive=True),
        Field("target", "float", 0.1, positive=True, doc="fraction of inputs each unit answers, p"),
        Field("tau_theta", "time", "1 s", positive=True),
        Field("theta_scale", "rate", "20 Hz", positive=True, doc="threshold step scale theta_s"),
        Field("theta_init", "rate", "0 Hz", nonnegative=True),
    )
    weight_kind = None

    def check(self, where):
        if self.target >= 1:
            raise ModelError(f"{where}.target", f"must be below 1, got {self.target}")


@RULES.register
class NeAW(_NativeRule):
    r"""Neuron-activity-aware Hebbian learning (NeAW; Kang, Chakraborty & Mukhopadhyay 2023).

    Each neuron learns Hebbian while its running activity :math:`\bar y_j` is at
    or below the ``target`` :math:`\vartheta`, anti-Hebbian above it; weights onto
    a neuron are kept at unit norm (the normalisation of Hebbian deep networks):

    .. math::

        s_j = \operatorname{sign}(\vartheta - \bar y_j) \ (+1 \text{ at equality}), \qquad
        \tau_{avg}\, \dot{\bar y}_j = y_j - \bar y_j, \\
        w_j \leftarrow \frac{w_j + \eta\, s_j\, y_j\, x\, \Delta t}
                            {\lVert w_j + \eta\, s_j\, y_j\, x\, \Delta t \rVert}.

    Plain Hebbian learning (:math:`s_j = 1`) drives every neuron to the input's
    principal direction, so that on correlated inputs all neurons answer alike;
    a neuron that becomes too active turns anti-Hebbian and moves away, which
    spreads the neurons over distinct directions (decorrelated outputs). The
    paper switches each neuron by its activity; the form implemented here
    compares a running mean of the rate with a fixed target rate, and uses
    explicit normalisation (the paper's exact switching statistic and
    normalisation may differ).

    References
    ----------
    Kang, Chakraborty & Mukhopadhyay (2023) Unsupervised 3D object learning
    through neuron activity aware plasticity. ICLR 2023, arXiv:2302.11622.
    """

    TYPE = "neaw"
    FIELDS = (_ETA, Field("target", "rate", "10 Hz", positive=True, doc="activity threshold"),
              Field("tau_avg", "time", "500 ms", positive=True))


@RULES.register
class AHL(_NativeRule):
    r"""Adaptive Hebbian learning (AHL; Wadhwa & Madhow 2016), the weight update.

    For units with adaptive thresholds (:class:`AdaptiveThresholdUnits`), a
    Hebbian term with the input's residual after the code's reconstruction:

    .. math:: \dot w_{ij} = \eta\, y_j \Big(x_i - \sum_k w_{ik}\, y_k\Big)

    so that active units learn what the other active units do not explain
    (competition without winner-take-all), and weights stay bounded.
    Combined with the thresholds, units learn a sparse, distributed code:
    each answers about a fraction :math:`p` of inputs and several answer each input.
    The paper's ingredients are the adaptive thresholds (a target firing
    probability per neuron) and online Hebbian updates of the active neurons;
    the residual form of the update is this implementation's choice (the
    paper's exact update and normalisation may differ).

    References
    ----------
    Wadhwa & Madhow (2016) Learning sparse, distributed representations using
    the Hebbian principle. arXiv:1611.04228.
    """

    TYPE = "ahl"
    FIELDS = (_ETA,)


@RULES.register
class HPCA(_NativeRule):
    r"""Hebbian principal component analysis for convolutional filters (Lagani et al. 2021).

    .. math:: \dot w_{ij} = \eta\, f(y_j) \Big(x_i - \sum_{k \le j} w_{ik}\, f(y_k)\Big)

    with :math:`f` the identity (``nonlinearity = "linear"``: Sanger's rule) or
    a rectifier (``"relu"``: the nonlinear HPCA variant). The filters of a
    convolutional layer share weights across positions, so their update is this
    rule averaged over the image's patches: trained on patches drawn at random
    (:class:`ImageSamples`), filter :math:`j` converges to the :math:`j`-th
    principal eigenvector of the patches' second-moment matrix
    :math:`\langle x x^\top\rangle` (linear case). Needs ``all_to_all`` connectivity.

    References
    ----------
    Lagani, Amato, Falchi & Gennaro (2021) Training convolutional neural
    networks with Hebbian principal component analysis. arXiv:2012.12229.
    Sanger (1989) Neural Netw. 2:459.
    """

    TYPE = "hpca"
    FIELDS = (_ETA, Field("nonlinearity", "str", "linear", choices=("linear", "relu")))


@RULES.register
class CorrelationGameExcitation(_NativeRule):
    r"""Hebbian excitation with synaptic competition: the correlation game (Seung & Zung 2017).

    The excitatory player maximises each neuron's input-output correlation
    :math:`\sum_i w_{ij} \langle x_i y_j\rangle` over non-negative weights with a
    fixed total ``total`` :math:`c` per neuron (a shared resource):

    .. math::

        w_j \leftarrow \Pi\!\left(w_j + \eta\, y_j\, x\, \Delta t\right), \qquad
        \Pi: \text{subtract a common amount from the surviving synapses so that }
        \textstyle\sum_i w_{ij} = c, \ w_{ij} \ge 0

    (projected gradient ascent). Synapses driven below zero are eliminated, so a
    neuron keeps only its most strongly correlated inputs; with the projection's
    ``w_max`` these are a group of at least :math:`c / w_{max}` inputs, a part.
    The conserved total with elimination follows the paper's model of synaptic
    competition; the projection's exact form is this implementation's.

    References
    ----------
    Seung & Zung (2017) A correlation game for unsupervised learning yields
    computational interpretations of Hebbian excitation, anti-Hebbian
    inhibition, and synapse elimination. arXiv:1704.00646.
    """

    TYPE = "correlation_game_excitation"
    FIELDS = (_ETA, Field("total", "float", 1.0, positive=True, doc="sum of a neuron's weights, c"))


@RULES.register
class CorrelationGameInhibition(_NativeRule):
    r"""Anti-Hebbian lateral inhibition: the correlation game's other player (Seung & Zung 2017).

    The inhibitory weights :math:`L_{jk} \ge 0` are the Lagrange multipliers of
    upper bounds :math:`\langle y_j y_k\rangle \le \epsilon` on the output-output
    correlations; they follow dual gradient ascent,

    .. math:: \dot L_{jk} = \eta\, (y_j y_k - \epsilon), \qquad L_{jk} \ge 0,

    so that neurons that fire together inhibit each other more, pushing them to
    learn different features. The projection has ``receptor = "inh"`` and holds
    the magnitudes :math:`L_{jk}`; ``bound`` is :math:`\sqrt\epsilon` (a rate).

    References
    ----------
    Seung & Zung (2017) arXiv:1704.00646. Foldiak (1990) Biol. Cybern. 64:165.
    """

    TYPE = "correlation_game_inhibition"
    FIELDS = (_ETA, Field("bound", "rate", "1 Hz", nonnegative=True, doc="sqrt of the correlation bound"))


from . import literature_measures  # noqa: F401,E402  (their metric specifications)
