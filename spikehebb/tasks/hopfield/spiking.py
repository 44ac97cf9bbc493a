r"""Spiking Hopfield network: stored weights on LIF neurons (Brian2 backend).

Mapping (documented choice). A +-1 state is read as a firing rate:
:math:`s_j = 2 r_j - 1` with :math:`r_j = \nu_j / \nu_{on}` (silent = -1,
firing at :math:`\nu_{on}` = +1). The Hopfield field then is

.. math::

    h_i = \sum_j W_{ij} s_j = 2 \sum_j W_{ij} r_j - \sum_j W_{ij},

and each neuron receives the current :math:`I_i = I_{rh} + \kappa h_i` (plus
the cue), where :math:`I_{rh} = (v_{th} - v_{rest}) / R_m` is the rheobase,
so that it fires when :math:`h_i > 0`, like :math:`s_i = \operatorname{sgn}(h_i)`:

* the recurrent term :math:`2\kappa \sum_j W_{ij} r_j` comes through
  current-based exponential synapses: a synapse of weight :math:`w` driven
  at rate :math:`\nu` gives a mean current :math:`w \nu \tau_e`, so
  :math:`w_{ij} = 2 \kappa W_{ij} / (\nu_{on} \tau_e)`. Positive
  :math:`W_{ij}` are excitatory synapses, negative ones inhibitory synapses
  (given as :math:`|w_{ij}|`, with :math:`\tau_i = \tau_e`): two projections
  of the one population onto itself, no separate inhibitory population;
* the constant term :math:`I_{rh} - \kappa \sum_j W_{ij}` is the neuron's
  bias current ``i_ext``;
* :math:`\nu_{on}` is the LIF rate at :math:`I_{rh} + \kappa` (a retrieved
  pattern has :math:`|h_i| \approx 1`), from the analytic f-I curve.

The mapping is a mean-field argument: it holds when units are nearly binary
and fire asynchronously. Hence a large :math:`\kappa` (1 nA, five times the
rheobase) with a 10 ms refractory period (the f-I curve saturates, so a unit
with :math:`h_i = 0.5` fires almost as fast as one with :math:`h_i = 1`),
initial potentials spread uniformly below threshold, and, when the cue is
switched off, slow (30 ms, NMDA-like) synapses that carry the input across
the refractory periods, as in models of persistent activity [2]_.

The cue is either a constant input current :math:`\gamma \kappa c_i`
(``cue = "current"``, present during the whole run and weaker than the
recurrent field, so that wrong cue bits can be overruled) or Poisson input
spikes at ``cue_rate``, one train per neuron, excitatory where the cue bit is
+1 and inhibitory where it is -1, during the first ``cue_duration``
(``cue = "rate"``), after which the network runs on its own.
The recalled state is +1 where the spike count in the read-out window (the
last ``readout`` fraction of the run) exceeds half the count expected at
:math:`\nu_{on}`.

References
----------
.. [1] J. J. Hopfield, "Neurons with graded response have collective
   computational properties like those of two-state neurons", PNAS 81,
   3088 (1984).
.. [2] X.-J. Wang, "Synaptic basis of cortical persistent activity: the
   importance of NMDA receptors to working memory", J. Neurosci. 19, 9587
   (1999).
"""
import numpy as np
from brian2 import Hz, Mohm, amp, mV, ms, pA, second

#: neuron parameters of the spiking Hopfield network
#: (a 10 ms refractory period makes the f-I curve saturate, so that units are nearly
#: binary: with t_ref = 2 ms and kappa = 200 pA, rates were graded and recall at
#: P = 5, N = 100 reached only 0.93; see scripts/RESULTS_hopfield.md)
NEURON = dict(tau_m=20 * ms, r_m=100 * Mohm, v_rest=-70 * mV, v_reset=-70 * mV, v_th=-50 * mV,
              t_ref=10 * ms, v_init="uniform")
#: synaptic time constant by cue mode: a cue that is switched off needs slow (NMDA-like)
#: recurrent synapses to hold the pattern; with 5 ms the synchronous volleys that follow
#: the cue die out between refractory periods
TAU_SYN = {"current": 5 * ms, "rate": 30 * ms}


def lif_rate(current, tau_m, r_m, v_rest, v_reset, v_th, t_ref, **_):
    r"""Analytic LIF rate (Hz) for a constant ``current`` (see :class:`spikehebb.model.LIF`)."""
    drive = float(r_m * current)
    lo, hi = float(v_th - v_rest), float(v_reset - v_rest)
    if drive <= lo:
        return 0.0
    return 1.0 / (float(t_ref) + float(tau_m) * np.log((drive - hi) / (drive - lo)))


def build_network(weights, *, kappa=1000 * pA, cue="current", cue_gain=0.5, cue_rate=200 * Hz,
                  cue_weight=None, cue_duration=50 * ms, duration=300 * ms, dt=0.1 * ms, tau_syn=None,
                  neuron=None, cue_bits=None):
    """The :class:`spikehebb.model.Network` that runs ``weights`` from ``cue_bits``.

    Parameters
    ----------
    weights : ndarray (N, N)
        Hopfield weights (symmetric, zero diagonal).
    cue_bits : ndarray (K, N) or (N,)
        +-1 cues; each runs on its own copy of the network (neurons
        ``k * N`` to ``(k + 1) * N - 1`` in the single simulated population).
    cue : {"current", "rate"}
        Cue mode.
    kappa : Quantity (amp)
        Current per unit of Hopfield field.
    cue_gain : float
        Cue current as a fraction of ``kappa`` (``cue = "current"``).
    cue_rate, cue_weight, cue_duration
        Poisson cue (``cue = "rate"``); ``cue_weight`` defaults to ``kappa``.
    tau_syn : Quantity (second), optional
        Time constant of all synapses (default :data:`TAU_SYN` of the cue mode).
    neuron : dict, optional
        Overrides of :data:`NEURON`.

    Returns
    -------
    network : spikehebb.model.Network
    nu_on : float
        Rate (Hz) of a +1 neuron in the mapping.
    """
    from ...model import LIF, Network, PoissonInput, Projection, Record

    tau = tau_syn if tau_syn is not None else TAU_SYN[cue]
    nrn = dict(NEURON, tau_e=tau, tau_i=tau)
    nrn.update(neuron or {})
    w1 = np.asarray(weights, dtype=float)
    cues = np.array(cue_bits, dtype=float, ndmin=2)
    # K cues run at once as K disconnected copies of the network: one build, one run
    k_copies, n1 = cues.shape
    w = np.kron(np.eye(k_copies), w1)
    c = cues.ravel()
    n = len(w)
    i_rh = (nrn["v_th"] - nrn["v_rest"]) / nrn["r_m"]
    nu_on = lif_rate(i_rh + kappa, **nrn)
    i_ext = i_rh - kappa * w.sum(axis=1)
    if cue == "current":
        i_ext = i_ext + cue_gain * kappa * c
    syn = 2 * float(kappa) * w / (nu_on * float(nrn["tau_e"]))  # amp per spike, post x pre
    post, pre = np.nonzero(syn)
    projections = {}
    for name, sign in (("exc", 1), ("inh", -1)):
        keep = sign * syn[post, pre] > 0
        if keep.any():
            projections[name] = Projection(
                pre="cells", post="cells", connectivity="indices", i=pre[keep], j=post[keep],
                receptor=name, w_init=np.abs(syn[post[keep], pre[keep]]) * amp)
    populations = {"cells": LIF(n=n, synapse="current", i_ext=np.asarray(i_ext / amp) * amp,
                                **{k: nrn[k] for k in nrn})}
    if cue == "rate":
        steps = int(round(float(duration / cue_duration)))
        rates = np.zeros((max(steps, 2), n))
        rates[0] = float(cue_rate)
        populations["cue"] = PoissonInput(n=n, rates=rates, schedule_dt=cue_duration)
        w_cue = cue_weight if cue_weight is not None else kappa
        # +1 cue bits are excited and -1 bits inhibited, so that the cue sets the whole state
        for name, bits in (("cue_exc", c > 0), ("cue_inh", c < 0)):
            if bits.any():
                k = np.flatnonzero(bits)
                projections[name] = Projection(pre="cue", post="cells", connectivity="indices", i=k, j=k,
                                               receptor=name[-3:], w_init=w_cue)
    net = Network(name="hopfield_spiking", duration=duration, dt=dt, populations=populations,
                  projections=projections, record=Record(spikes=["cells"]))
    return net, nu_on


def spiking_recall(weights, cue_bits, *, seed=0, target="numpy", readout=0.5, **kw):
    """Run the spiking network from each cue and read the recalled +-1 states.

    Returns
    -------
    states : ndarray (K, N)
        +1 where the read-out rate exceeds ``nu_on / 2``.
    info : dict
        ``rates`` (K, N) in Hz over the read-out window, ``nu_on``,
        ``spikes`` (times in s, indices over all K copies), ``duration`` (s)
        and the ``result`` (:class:`~spikehebb.results.RunResult`).
    """
    from ...backends import simulate

    cues = np.array(cue_bits, dtype=float, ndmin=2)
    net, nu_on = build_network(weights, cue_bits=cues, **kw)
    result = simulate(net, backend="spike", seed=seed, target=target)
    t, idx = (np.asarray(a) for a in result.spikes["cells"])
    t_end = float(net.duration / second)
    t0 = t_end * (1 - readout)
    counts = np.bincount(idx[t >= t0], minlength=cues.size).reshape(cues.shape)
    rates = counts / (t_end - t0)
    states = np.where(rates > nu_on / 2, 1.0, -1.0)
    return states, {"rates": rates, "nu_on": nu_on, "spikes": (t, idx), "duration": t_end,
                    "result": result}
