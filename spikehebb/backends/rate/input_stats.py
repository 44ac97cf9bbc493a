r"""Mean and variance of the synaptic drive of LIF units, from presynaptic rates.

Each presynaptic neuron :math:`k` fires as a Poisson process with rate
:math:`r_k`; a spike adds the weight :math:`w_k` to an exponentially decaying
current (amperes) or conductance (siemens) with time constant :math:`\tau_s`.
Sums run over the synapses of one receptor type onto one unit:
:math:`M = \sum_k w_k r_k`, :math:`V = \sum_k w_k^2 r_k`.

**Current-based** (:math:`\tau_m \dot v = v_{rest} - v + R(I_{ext} + I_e - I_i)`):
each spike injects the charge :math:`q = w\tau_s`, a jump of the membrane of
:math:`R q/\tau_m`. In the diffusion limit (Brunel 2000)

.. math::

    \mu = v_{rest} + R\,(I_{ext} + \tau_e M_e - \tau_i M_i), \qquad
    \sigma_B^2 = \frac{R^2}{\tau_m}\,(\tau_e^2 V_e + \tau_i^2 V_i) + 2\sigma^2,

where :math:`\sigma` is the LIF's own white-noise amplitude (``sigma``, the
standard deviation of the free membrane).

**Conductance-based** (effective-time-constant approximation; Kuhn, Aertsen &
Rotter 2004, Richardson 2004): the mean conductances :math:`G_s = \tau_s M_s`
add to the leak :math:`g_L = 1/R`, shortening the membrane time constant, and
each spike's charge is taken at the mean potential:

.. math::

    g_{tot} = g_L + G_e + G_i, \quad \tau_{eff} = \tau_m \frac{g_L}{g_{tot}}, \quad
    \mu = \frac{g_L v_{rest} + G_e E_e + G_i E_i + I_{ext}}{g_{tot}},

.. math::

    \sigma_B^2 = \tau_{eff} \left(\frac{R}{\tau_m}\right)^2 \left[\tau_e^2 (E_e - \mu)^2 V_e
      + \tau_i^2 (E_i - \mu)^2 V_i\right] + 2\sigma^2 \frac{\tau_{eff}}{\tau_m}.

In both cases the synaptic filtering shifts both thresholds by
:math:`s = \frac{\alpha}{2} \sqrt{\sum_s \sigma_{B,s}^2\, \tau_s / \tau}` (Fourcaud &
Brunel 2002), :math:`\tau` being :math:`\tau_m` or :math:`\tau_{eff}`.

Neglected: shot-noise effects of large single-spike jumps, correlations
between inputs, and synaptic delays. The correction is first order in
:math:`\sqrt{\tau_s/\tau}`; against Brian2 (``scripts/RESULTS_rate.md``) the rate
is within 3% for :math:`\tau_s/\tau_m = 0.1` between about 5 and 60 Hz, 4-7% low
for :math:`\tau_s/\tau_m = 0.25`, and 30% low for the conductance-based neuron of
Song et al. (2000), where :math:`\tau_s/\tau_{eff} \approx 0.7`. Below a few Hz
(far below threshold) it overestimates the rate.

References
----------
Brunel (2000) J. Comput. Neurosci. 8:183. Fourcaud & Brunel (2002) Neural
Comput. 14:2057. Kuhn, Aertsen & Rotter (2004) J. Neurosci. 24:2345.
Richardson (2004) Phys. Rev. E 69:051918.
"""
from dataclasses import dataclass

import numpy as np

from .transfer import ALPHA_FB, siegert


@dataclass
class LIFParams:
    """SI parameters of one LIF population (arrays broadcast over units)."""

    n: int
    synapse: str
    tau_m: float
    r_m: float
    v_rest: float
    v_reset: float
    v_th: float
    t_ref: float
    tau_e: float
    tau_i: float
    e_e: float
    e_i: float
    i_ext: np.ndarray
    sigma: float


def lif_input_stats(p, m_e, v_e, m_i, v_i):
    """Mean drive, noise amplitude, membrane time constant and threshold shift.

    Parameters
    ----------
    p : LIFParams
    m_e, v_e, m_i, v_i : ndarray (n,)
        :math:`\\sum w r` and :math:`\\sum w^2 r` of the excitatory and
        inhibitory synapses onto each unit (SI weights, rates in Hz).

    Returns
    -------
    mu, sigma_b, tau, shift : ndarray (n,)
    """
    if p.synapse == "current":
        mu = p.v_rest + p.r_m * (p.i_ext + p.tau_e * m_e - p.tau_i * m_i)
        var_e = p.r_m ** 2 / p.tau_m * p.tau_e ** 2 * v_e
        var_i = p.r_m ** 2 / p.tau_m * p.tau_i ** 2 * v_i
        tau = np.full_like(mu, p.tau_m)
        var_int = 2 * p.sigma ** 2
    else:
        g_l = 1.0 / p.r_m
        g_e, g_i = p.tau_e * m_e, p.tau_i * m_i
        g_tot = g_l + g_e + g_i
        tau = p.tau_m * g_l / g_tot
        mu = (g_l * p.v_rest + g_e * p.e_e + g_i * p.e_i + p.i_ext) / g_tot
        k = tau * (p.r_m / p.tau_m) ** 2
        var_e = k * p.tau_e ** 2 * (p.e_e - mu) ** 2 * v_e
        var_i = k * p.tau_i ** 2 * (p.e_i - mu) ** 2 * v_i
        var_int = 2 * p.sigma ** 2 * tau / p.tau_m
    sigma_b = np.sqrt(var_e + var_i + var_int)
    shift = 0.5 * ALPHA_FB * np.sqrt((var_e * p.tau_e + var_i * p.tau_i) / tau)
    return mu, sigma_b, tau, shift


def lif_rate_from_inputs(p, m_e, v_e, m_i, v_i):
    """Stationary rate (Hz) of each LIF unit: Siegert formula on :func:`lif_input_stats`."""
    mu, sigma_b, tau, shift = lif_input_stats(p, m_e, v_e, m_i, v_i)
    return siegert(mu, sigma_b, p.v_th, p.v_reset, tau, p.t_ref, shift)
