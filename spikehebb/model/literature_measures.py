r"""Metric specifications of the literature-rule models (computed in :mod:`spikehebb.literature_metrics`).

Each metric draws ``samples`` held-out inputs from the projection's input
population (a fixed generator, independent of the run's seed) and computes the
steady responses of the learned weights; ``_before`` keys use the initial weights.
"""
from .measures import MEASURES
from .schema import Description, Field

_SAMPLES = Field("samples", "int", 2000, positive=True, doc="held-out input samples")


@MEASURES.register
class FeatureDiversity(Description):
    r"""``weight_cosine_mean``, ``output_correlation_mean`` and ``activity_cv`` of the units
    ``projection`` drives (NeAW).

    Mean over unit pairs of :math:`|\cos(w_j, w_k)|` (1: every unit learned the same
    direction, the collapse of plain Hebbian learning), mean over pairs of the
    absolute correlation coefficient of their responses (silent units count as
    uncorrelated), and the coefficient of variation of the units' mean responses
    (the "bias in neuron activity").
    """

    TYPE = "feature_diversity"
    FIELDS = (Field("projection", "str"), _SAMPLES)


@MEASURES.register
class CodeQuality(Description):
    r"""``active_fraction``, ``active_per_input`` and ``reconstruction_error`` of the code of
    the units ``projection`` drives (AHL).

    ``active_fraction``: fraction of (unit, input) pairs with a non-zero response
    (sparseness; 1 is a dense code). ``reconstruction_error``: the best linear
    decoder (least squares, with a constant) fitted from the code to the input
    signal on half the samples, tested on the other half,
    :math:`\sum\lVert s - \hat s\rVert^2 / \sum\lVert s - \bar s\rVert^2` (0: perfect,
    1: no better than the mean). Units with adaptive thresholds answer with the
    thresholds' fixed point (each unit's :math:`1 - p` quantile of its input).
    """

    TYPE = "code_quality"
    FIELDS = (Field("projection", "str"), _SAMPLES)


@MEASURES.register
class FilterPCCosine(Description):
    r"""``filter_pc_cosine_1 .. K`` and ``filter_pc_cosine_min`` (HPCA): :math:`|\cos|`
    between filter :math:`j` (the weights onto unit :math:`j`) and the :math:`j`-th
    eigenvector (``numpy.linalg.eigh``) of the second-moment matrix
    :math:`\langle x x^\top\rangle` of ``samples`` input samples."""

    TYPE = "filter_pc_cosine"
    FIELDS = (Field("projection", "str"), Field("samples", "int", 20000, positive=True))


@MEASURES.register
class CorrelationGame(Description):
    r"""``game_objective`` (and ``game_objective_before``), ``parts_match_mean`` and
    ``parts_distinct`` of the network of ``projection`` (feedforward, Hebbian) and
    ``lateral`` (inhibitory, anti-Hebbian) (Seung & Zung 2017).

    The objective is the game's payoff to the excitatory player, per unit:
    input-output correlation minus half the output-output correlation,

    .. math:: G = \frac1N \Big(\sum_j \langle y_j\, w_j\!\cdot x\rangle
                 - \tfrac12 \sum_{j \ne k} \langle y_j y_k\rangle\Big)

    with :math:`y` the steady state of :math:`y = [W^\top x - L y]_+`. For a
    ``bars`` input, ``parts_match_mean`` is the mean over units of the largest
    :math:`\cos` between its weights and a single bar (a part), and
    ``parts_distinct`` the number of different bars matched with :math:`\cos \ge 0.9`.
    """

    TYPE = "correlation_game"
    FIELDS = (Field("projection", "str"), Field("lateral", "str"), _SAMPLES)


@MEASURES.register
class ConvReadout(Description):
    r"""``readout_test_error`` (and ``readout_train_error``, fractions) of a linear readout on the
    convolutional features of ``projection``'s filters (HPCA on MNIST patches).

    The filters (weights onto each unit, ``size`` x ``size``) are convolved with
    whole MNIST digits (stride 1, pixels as the input population scales them), each
    feature map is split into its positive and negative parts and max-pooled
    over ``pool`` x ``pool`` blocks; a linear classifier (ridge regression onto
    one-hot labels, ``ridge`` times the mean feature power) is fitted on the first
    ``n_train`` training digits and tested on the first ``n_test`` test digits.
    """

    TYPE = "conv_readout"
    FIELDS = (Field("projection", "str"), Field("n_train", "int", 10000, positive=True),
              Field("n_test", "int", 10000, positive=True), Field("pool", "int", 4, positive=True),
              Field("ridge", "float", 1e-3, positive=True))
