r"""Transfer functions of rate units: LIF f-I curves and rate-native nonlinearities.

All functions are pure, vectorised over units, and take SI floats.

The LIF membrane obeys :math:`\tau_m \dot v = -(v - \mu) + \sigma_B \sqrt{\tau_m}\,\xi(t)`,
where :math:`\mu` is the mean drive (volts) and :math:`\sigma_B` the noise
amplitude in Brunel's (2000) convention (stationary variance of the free
membrane :math:`\sigma_B^2/2`). Thresholds are :math:`\theta` (``v_th``) and
:math:`V_r` (``v_reset``); :math:`t_{ref}` is the refractory period.

References
----------
Brunel (2000) J. Comput. Neurosci. 8:183. Fourcaud & Brunel (2002) Neural
Comput. 14:2057. Siegert (1951) Phys. Rev. 81:617.
"""
import numpy as np

from ...model.analytic import lif_rate  # noqa: F401  (the one LIF f-I curve; re-exported)
from ...registry import Registry

#: :math:`\sqrt{2}\,|\zeta(1/2)|`: threshold shift of colored synaptic noise (Fourcaud & Brunel 2002)
ALPHA_FB = np.sqrt(2.0) * 1.4603545088095868

# Panels with Gauss-Legendre nodes for the Siegert integral (second form below).
# Below t = 1 the integrand varies on the scale 1/|y_r|, tiny when the noise is weak:
# geometric panels [a, 4a] from 1e-8 keep a fixed relative resolution. Above t = 1 it
# is a Gaussian bump of width ~1 around t = y_theta: panels of width 1 up to y_theta + 6.
# Relative error < 1e-5 against scipy's adaptive quad (tests/test_rate_transfer.py).
_GL_X, _GL_W = np.polynomial.legendre.leggauss(6)
_T0 = 1e-8


def _siegert_nodes(t_max):
    edges = np.concatenate([_T0 * 4.0 ** np.arange(0, 14), [1.0], np.arange(2.0, np.ceil(t_max) + 1)])
    edges = np.unique(np.clip(edges, _T0, max(t_max, 1.0)))
    a, b = edges[:-1, None], edges[1:, None]
    nodes = (0.5 * (b - a) * _GL_X + 0.5 * (b + a)).ravel()
    weights = (0.5 * (b - a) * _GL_W).ravel()
    return nodes, weights


def siegert(mu, sigma, v_th, v_reset, tau_m, t_ref, shift=0.0):
    r"""Mean rate (Hz) of a LIF neuron driven by Gaussian white noise (Siegert formula).

    .. math::

        \nu^{-1} = t_{ref} + \tau_m \sqrt{\pi} \int_{y_r}^{y_\theta} e^{u^2} (1 + \mathrm{erf}\,u)\,du
                 = t_{ref} + \tau_m \int_0^\infty e^{-t^2}\,\frac{e^{2 y_\theta t} - e^{2 y_r t}}{t}\,dt,

    with :math:`y_\theta = (\theta + s - \mu)/\sigma_B`, :math:`y_r = (V_r + s - \mu)/\sigma_B`.
    The second form (used here, as in NEST's ``siegert_neuron``) has a smooth
    integrand. ``shift`` :math:`s` (volts) moves both thresholds: for synaptic
    (colored) noise with time constant :math:`\tau_s`,
    :math:`s = \frac{\alpha}{2}\sigma_B\sqrt{\tau_s/\tau_m}`,
    :math:`\alpha = \sqrt 2 |\zeta(1/2)|` (Fourcaud & Brunel 2002).
    Where :math:`\sigma_B \to 0` the result tends to :func:`lif_rate`, which is
    used below a relative noise of 1e-9.

    Parameters
    ----------
    mu, sigma : array_like
        Mean drive and noise amplitude :math:`\sigma_B` (volts), one per unit.
    v_th, v_reset, tau_m, t_ref, shift : array_like
        Neuron parameters (SI), broadcast against ``mu``.
    """
    mu, sigma, v_th, v_reset, tau_m, t_ref, shift = np.broadcast_arrays(
        *(np.asarray(x, float) for x in (mu, sigma, v_th, v_reset, tau_m, t_ref, shift)))
    out = lif_rate(mu, v_th, v_reset, tau_m, t_ref)
    noisy = sigma > 1e-9 * (v_th - v_reset)
    if not noisy.any():
        return out
    s = sigma[noisy]
    y_th = (v_th[noisy] + shift[noisy] - mu[noisy]) / s
    y_r = (v_reset[noisy] + shift[noisy] - mu[noisy]) / s
    # above y_th ~ 20 the rate is below 1e-170 Hz: zero, and exp() would overflow
    silent = y_th > 20.0
    y_th_c = np.minimum(y_th, 20.0)
    t, wq = _siegert_nodes(max(float(np.max(y_th_c, initial=0.0)), 0.0) + 6.0)
    k = np.searchsorted(t, 1.0)  # nodes are ascending
    ts, tl = t[:k, None], t[k:, None]
    # expm1 keeps the difference accurate where t -> 0; exp(2yt - t^2) cannot overflow beyond t = 1
    with np.errstate(over="ignore", invalid="ignore"):
        f_small = np.exp(-ts ** 2) * (np.expm1(2 * y_th_c * ts) - np.expm1(2 * y_r * ts)) / ts
        f_large = (np.exp(2 * y_th_c * tl - tl ** 2) - np.exp(2 * y_r * tl - tl ** 2)) / tl
    integral = wq[:k] @ f_small + wq[k:] @ f_large + _T0 * 2.0 * (y_th_c - y_r)  # [0, T0]: ~ 2 (y_th - y_r)
    rate = 1.0 / (t_ref[noisy] + tau_m[noisy] * integral)
    out[noisy] = np.where(silent, 0.0, rate)
    return out


def linear(x, gain=1.0, bias=0.0, r_max=np.inf):
    r""":math:`r = g\,x + b` (may be negative: a rate-native abstraction)."""
    return gain * np.asarray(x, float) + bias


def relu(x, gain=1.0, bias=0.0, r_max=np.inf):
    r""":math:`r = \min(\max(g\,x + b, 0), r_{max})`."""
    return np.clip(gain * np.asarray(x, float) + bias, 0.0, r_max)


def sigmoid(x, gain=1.0, bias=0.0, r_max=100.0):
    r""":math:`r = r_{max} / (1 + e^{-(g x + b)})`."""
    return r_max / (1.0 + np.exp(-(gain * np.asarray(x, float) + bias)))


#: a rate population's ``transfer`` name -> function
TRANSFER = Registry("transfer function")
for _f in (linear, relu, sigmoid):
    TRANSFER.add(_f.__name__, _f)
