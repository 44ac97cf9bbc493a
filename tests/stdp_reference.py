"""A small, independent reference for STDP weight updates (after NEST's test_stdp_synapse.py).

Works on explicit spike lists, not traces: every pairing is summed directly.
Conventions (the same as NEST's by default): at equal times the pre spike is
processed first; weights are clipped to [w_min, w_max] after every update. A pre
and a post spike at the same time do not pair with ``coincident="ignore"`` (NEST);
with ``coincident="pair"`` the post spike pairs with the same-time pre spike as
pre before post (lag 0), and the pre spike never sees the same-time post spike.

DA-STDP (:func:`da_stdp`) integrates dw/dt = eta w_max c d with small midpoint
steps instead of the backend's closed form.
"""
import math


def _events(pre, post):
    return sorted([(t, 0) for t in pre] + [(t, 1) for t in post])


def _partners(kind, t, pre, post, coincident, pairing="all_to_all"):
    """Spikes of the other side that the spike (kind 0: pre, 1: post) at ``t`` pairs with."""
    if kind == 0:
        others = [s for s in post if s < t]
    else:
        others = [s for s in pre if (s <= t if coincident == "pair" else s < t)]
    return others[-1:] if pairing == "nearest" else others


def pair_stdp(pre, post, w0, *, w_max, a_plus, a_minus, tau_plus, tau_minus,
              dependence="additive", pairing="all_to_all", w_min=0.0, coincident="ignore"):
    """Weight after each event, for pair STDP; returns [(t, w), ...]."""
    w, out = w0, []
    for t, kind in _events(pre, post):
        others = _partners(kind, t, pre, post, coincident, pairing)
        if kind == 0:
            k = sum(math.exp(-(t - s) / tau_minus) for s in others)
            f = w_max if dependence == "additive" else w
            w = min(max(w - a_minus * f * k, w_min), w_max)
        else:
            k = sum(math.exp(-(t - s) / tau_plus) for s in others)
            f = w_max if dependence == "additive" else (w_max - w)
            w = min(max(w + a_plus * f * k, w_min), w_max)
        out.append((t, w))
    return out


def triplet_stdp(pre, post, w0, *, w_max, a2_plus, a3_plus, a2_minus, a3_minus,
                 tau_plus, tau_minus, tau_x, tau_y, w_min=0.0, coincident="ignore"):
    """Weight after each event, for the all-to-all triplet rule (Pfister & Gerstner 2006)."""
    def trace(spikes, t, tau):
        return sum(math.exp(-(t - s) / tau) for s in spikes)
    w, out = w0, []
    for t, kind in _events(pre, post):
        if kind == 0:
            dw = -w_max * trace(_partners(0, t, pre, post, coincident), t, tau_minus) * (
                a2_minus + a3_minus * trace([s for s in pre if s < t], t, tau_x))
        else:
            dw = w_max * trace(_partners(1, t, pre, post, coincident), t, tau_plus) * (
                a2_plus + a3_plus * trace([s for s in post if s < t], t, tau_y))
        w = min(max(w + dw, w_min), w_max)
        out.append((t, w))
    return out


def da_stdp(pre, post, pulses, w0, t_eval, *, w_max, a_plus, a_minus, tau_plus, tau_minus, tau_c,
            eta, tau_d, d_base=0.0, coincident="ignore", h=1e-5):
    """DA-STDP (Izhikevich 2007) by direct integration; returns (w, c, d) at each of ``t_eval``
    (c and d as they are just before the events at that time, as recorded by the backends).

    Pair STDP (additive, all-to-all) sums into the eligibility c (jumps at spikes,
    decays with tau_c); d = d_base + sum of pulses a e^{-(t - t_k)/tau_d};
    dw/dt = eta w_max c d integrated from 0 with midpoint steps of at most ``h``
    (c and d decay exactly within a step), breaking steps at every event.
    ``pulses`` is a list of (time, amount). No bounds (keep tests away from them).
    """
    jumps = {}
    for t, kind in _events(pre, post):
        others = _partners(kind, t, pre, post, coincident)
        if kind == 0:
            dc = -a_minus * sum(math.exp(-(t - s) / tau_minus) for s in others)
        else:
            dc = a_plus * sum(math.exp(-(t - s) / tau_plus) for s in others)
        jumps.setdefault(t, [0.0, 0.0])[0] += dc
    for t, a in pulses:
        jumps.setdefault(t, [0.0, 0.0])[1] += a
    stops = sorted(set(jumps) | set(t_eval))
    w, c, x, now, out = w0, 0.0, 0.0, 0.0, {}
    for stop in stops:
        n = max(1, math.ceil((stop - now) / h - 1e-9))
        step = (stop - now) / n
        for _ in range(n):
            c_mid = c * math.exp(-step / 2 / tau_c)
            x_mid = x * math.exp(-step / 2 / tau_d)
            w += step * eta * w_max * c_mid * (d_base + x_mid)
            c *= math.exp(-step / tau_c)
            x *= math.exp(-step / tau_d)
        now = stop
        out[stop] = (w, c, d_base + x)  # the state at ``stop``, before its events (w is continuous)
        dc, dx = jumps.get(stop, (0.0, 0.0))
        c, x = c + dc, x + dx
    return [out[t] for t in t_eval]
