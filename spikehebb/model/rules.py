"""Plasticity rules: named, validated parameter sets. Backends own the math.

Weights are measured in units of the projection's ``w_max``; amplitudes
(``a_plus`` ...) are fractions of ``w_max`` per pairing.
"""
from .errors import ModelError
from .schema import Description, Field, Registry

RULES = Registry("plasticity rule")

_STDP_FIELDS = (
    Field("a_plus", "float", 0.005, nonnegative=True, doc="potentiation amplitude, fraction of w_max"),
    Field("a_minus", "float", 0.00525, nonnegative=True, doc="depression amplitude, fraction of w_max"),
    Field("tau_plus", "time", "20 ms", positive=True),
    Field("tau_minus", "time", "20 ms", positive=True),
)

#: how a pre and a post spike in the same time step pair (see the rules' docstrings)
_COINCIDENT = Field("coincident", "str", "ignore", choices=("ignore", "pair"),
                    doc="same-step pre and post spikes: ignore (NEST) | pair (as pre before post)")


@RULES.register
class Static(Description):
    """No plasticity: weights keep their initial values."""

    TYPE = "static"
    PLASTIC = False


@RULES.register
class PairSTDP(Description):
    r"""Pair-based STDP (Song, Miller & Abbott 2000; van Rossum et al. 2000).

    For a pre spike at :math:`t_{pre}` and a post spike at :math:`t_{post}`,
    :math:`\Delta t = t_{post} - t_{pre}`,

    .. math::

        \Delta w = \begin{cases}
            A_+ \, f_+(w) \, e^{-\Delta t / \tau_+} & \Delta t > 0 \\
           -A_- \, f_-(w) \, e^{\Delta t / \tau_-} & \Delta t < 0
        \end{cases}

    with ``additive`` weight dependence :math:`f_+ = f_- = w_{max}` and
    ``multiplicative`` :math:`f_+ = w_{max} - w`, :math:`f_- = w`; weights are
    clipped to :math:`[w_{min}, w_{max}]` after every update. With
    ``all_to_all`` pairing every pre/post pair contributes; with ``nearest``
    each spike pairs only with the latest spike of the other side (symmetric
    nearest-spike scheme of Morrison, Diesmann & Gerstner 2008).

    With ``coincident = "ignore"`` (the default, as NEST's STDP synapses) a pre
    and a post spike in the same time step do not pair; with ``"pair"`` they
    pair as pre before post (:math:`\Delta t = 0`: potentiation by the full
    :math:`A_+ f_+(w)`, no depression), as Brian2's STDP examples do (their pre
    pathway runs first). The choice matters when spikes coincide often, e.g. a
    post spike caused within one step by a strong input (18 % higher output rate
    in Song et al.'s network with ``"pair"``: 17.0 -> 20.1 Hz, seed 0).

    Rate limit (Kempter, Gerstner & van Hemmen 1999), independent Poisson
    trains with rates :math:`r_{pre}, r_{post}`, additive, all-to-all:

    .. math:: \left\langle \frac{dw}{dt} \right\rangle = w_{max}\, r_{pre}\, r_{post}\, (A_+ \tau_+ - A_- \tau_-)

    References
    ----------
    Song, Miller & Abbott (2000) Nat. Neurosci. 3:919. Morrison, Diesmann &
    Gerstner (2008) Biol. Cybern. 98:459.
    """

    TYPE = "pair_stdp"
    PLASTIC = True
    FIELDS = _STDP_FIELDS + (
        Field("weight_dependence", "str", "additive", choices=("additive", "multiplicative")),
        Field("pairing", "str", "all_to_all", choices=("all_to_all", "nearest")),
        _COINCIDENT,
    )


@RULES.register
class TripletSTDP(Description):
    r"""Triplet STDP, minimal all-to-all model (Pfister & Gerstner 2006).

    Traces :math:`r_1, r_2` (pre; :math:`\tau_+, \tau_x`) and :math:`o_1, o_2`
    (post; :math:`\tau_-, \tau_y`) jump by 1 at spikes and decay exponentially.

    .. math::

        \text{post spike: } \Delta w = w_{max}\, r_1 (A_2^+ + A_3^+ o_2(t^-)) \qquad
        \text{pre spike: } \Delta w = -w_{max}\, o_1 (A_2^- + A_3^- r_2(t^-))

    Same-step pre and post spikes: ``coincident`` as in :class:`PairSTDP`
    (default ``"ignore"``; ``"pair"`` lets the post spike see the same-step pre
    spike in :math:`r_1`).

    Rate limit (BCM-like): :math:`\langle dw/dt\rangle = w_{max} r_{pre} r_{post}
    (A_2^+\tau_+ + A_3^+\tau_+\tau_y r_{post} - A_2^-\tau_- - A_3^-\tau_-\tau_x r_{pre})`.

    References
    ----------
    Pfister & Gerstner (2006) J. Neurosci. 26:9673.
    """

    TYPE = "triplet_stdp"
    PLASTIC = True
    FIELDS = (
        # defaults: visual cortex, all-to-all, full model (Pfister & Gerstner 2006, Table 4)
        Field("a2_plus", "float", 5e-10, nonnegative=True),
        Field("a3_plus", "float", 6.2e-3, nonnegative=True),
        Field("a2_minus", "float", 7e-3, nonnegative=True),
        Field("a3_minus", "float", 2.3e-4, nonnegative=True),
        Field("tau_plus", "time", "16.8 ms", positive=True),
        Field("tau_minus", "time", "33.7 ms", positive=True),
        Field("tau_x", "time", "101 ms", positive=True),
        Field("tau_y", "time", "125 ms", positive=True),
        _COINCIDENT,
    )


@RULES.register
class DASTDP(Description):
    r"""Dopamine-modulated STDP with an eligibility trace (Izhikevich 2007).

    Pair STDP (additive, all-to-all) writes into an eligibility trace
    :math:`c` instead of the weight; the weight follows :math:`c` gated by the
    modulator concentration :math:`d` (see :class:`~spikehebb.model.Modulator`):

    .. math::

        \frac{dc}{dt} = -\frac{c}{\tau_c} + \mathrm{STDP}(\Delta t)\,\delta(t - t_{spike}),
        \qquad \frac{dw}{dt} = \eta\, w_{max}\, c\, d

    with :math:`d = d_0 + x`, the tonic baseline plus an excess that decays with
    :math:`\tau_d`. The weight is exact in time: whenever it is read (a presynaptic
    spike, which transmits it; a postsynaptic spike; a dopamine pulse; a recording
    time; the end of the run) it is advanced from its last update :math:`t_0` by the
    closed-form integral (:math:`c` and :math:`x` decay exponentially in between),

    .. math::

        w(t) = w(t_0) + \eta\, w_{max}\, c(t_0) \left[d_0 \tau_c \left(1 - e^{-(t - t_0)/\tau_c}\right)
               + x(t_0)\, \tau_e \left(1 - e^{-(t - t_0)/\tau_e}\right)\right],
        \qquad \frac{1}{\tau_e} = \frac{1}{\tau_c} + \frac{1}{\tau_d},

    then clipped to :math:`[w_{min}, w_{max}]` (as NEST's ``stdp_dopamine_synapse``).
    The synapses see the modulator one time step late (a pulse at :math:`t_k`
    acts from :math:`t_{k+1}`). Same-step pre and post spikes: ``coincident``
    as in :class:`PairSTDP` (default ``"ignore"``).

    Rate limit (three-factor rule): :math:`\tau_c\, dc/dt = -c + \tau_c r_{pre}
    r_{post}(A_+\tau_+ - A_-\tau_-)`, :math:`dw/dt = \eta w_{max} c d`.

    References
    ----------
    Izhikevich (2007) Cereb. Cortex 17:2443. Potjans, Morrison & Diesmann (2010)
    Front. Comput. Neurosci. 4:141 (the event-driven, exact-in-time update).
    """

    TYPE = "da_stdp"
    PLASTIC = True
    FIELDS = _STDP_FIELDS + (
        Field("tau_c", "time", "1 s", positive=True, doc="eligibility trace time constant"),
        Field("modulator", "str", "dopamine", doc="name of the modulator in [modulators]"),
        Field("learning_rate", "rate", "1 Hz", positive=True, doc="eta"),
        _COINCIDENT,
    )
