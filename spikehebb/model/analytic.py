r"""Closed-form results of the model layer's neurons, shared by every backend and task.

One place for each formula: the rate backend's transfer functions and the
spike backend's Hopfield mapping both use :func:`lif_rate`.
"""
import numpy as np


def lif_rate(mu, v_th, v_reset, tau_m, t_ref):
    r"""Analytic f-I curve of a deterministic LIF neuron (rate in Hz).

    .. math::

        \nu = \left[t_{ref} + \tau_m \ln\frac{\mu - V_r}{\mu - \theta}\right]^{-1}
        \quad (\mu > \theta), \qquad \nu = 0 \text{ otherwise.}
    """
    mu = np.asarray(mu, float)
    out = np.zeros(np.broadcast(mu, v_th, v_reset, tau_m, t_ref).shape)
    mu, v_th, v_reset, tau_m, t_ref = np.broadcast_arrays(mu, v_th, v_reset, tau_m, t_ref)
    above = mu > v_th
    out[above] = 1.0 / (t_ref[above] + tau_m[above] * np.log((mu[above] - v_reset[above])
                                                             / (mu[above] - v_th[above])))
    return out
