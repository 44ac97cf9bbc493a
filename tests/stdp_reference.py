"""A small, independent reference for STDP weight updates (after NEST's test_stdp_synapse.py).

Works on explicit spike lists, not traces: every pairing is summed directly.
Conventions (the same as NEST's): a pre and a post spike at the same time do
not pair; at equal times the pre spike is processed first; weights are clipped
to [w_min, w_max] after every update.
"""
import math


def _events(pre, post):
    return sorted([(t, 0) for t in pre] + [(t, 1) for t in post])


def pair_stdp(pre, post, w0, *, w_max, a_plus, a_minus, tau_plus, tau_minus,
              dependence="additive", pairing="all_to_all", w_min=0.0):
    """Weight after each event, for pair STDP; returns [(t, w), ...]."""
    w, out = w0, []
    for t, kind in _events(pre, post):
        others = [s for s in (post if kind == 0 else pre) if s < t]
        if pairing == "nearest":
            others = others[-1:]
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
                 tau_plus, tau_minus, tau_x, tau_y, w_min=0.0):
    """Weight after each event, for the all-to-all triplet rule (Pfister & Gerstner 2006)."""
    def trace(spikes, t, tau):
        return sum(math.exp(-(t - s) / tau) for s in spikes if s < t)
    w, out = w0, []
    for t, kind in _events(pre, post):
        if kind == 0:
            dw = -w_max * trace(post, t, tau_minus) * (a2_minus + a3_minus * trace(pre, t, tau_x))
        else:
            dw = w_max * trace(pre, t, tau_plus) * (a2_plus + a3_plus * trace(post, t, tau_y))
        w = min(max(w + dw, w_min), w_max)
        out.append((t, w))
    return out
