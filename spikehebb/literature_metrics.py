"""Metrics of the literature-rule models (specs in :mod:`spikehebb.model.literature_measures`).

Every metric draws held-out inputs from a fixed generator (``METRIC_SEED``),
computes the steady responses of the learned (and initial) weights and
returns plain floats.
"""
import numpy as np

from .metrics_base import principal_components, weight_matrix
from .metrics_base import register as _register
from .model.literature_measures import CodeQuality, ConvReadout, CorrelationGame, FeatureDiversity, FilterPCCosine

METRIC_SEED = 12345


def input_samples(pop, count, seed=METRIC_SEED):
    """``(rates, signal)``: ``count`` input samples (Hz) of a ``rate_images`` or ``rate_patterns``
    population and the signal a code should reconstruct (centred patches, or the rates)."""
    from .datasets.patches import SampleSource
    from .model.units import to_si
    rng = np.random.default_rng(seed)
    if getattr(pop, "TYPE", None) == "rate_images":
        src = SampleSource(pop)
        raw = src.raw(count, rng)
        return src.to_rates(raw), src.centred(raw)
    if getattr(pop, "TYPE", None) == "rate_patterns":
        p = np.asarray(pop.patterns)[rng.integers(len(pop.patterns), size=count)]
        x = np.maximum(p + float(to_si(pop.noise)) * rng.standard_normal(p.shape), 0.0)
        return x, x
    raise ValueError(f"no input samples for a {getattr(pop, 'TYPE', type(pop).__name__)!r} population")


def _matrix(network, result, projection, initial=False):
    rec, proj = result.weights[projection], network.projections[projection]
    w = result.arrays.get(f"initial_weights/{projection}") if initial else rec["final"]
    if w is None:
        return None
    n_pre, n_post = network.populations[proj.pre].n, network.populations[proj.post].n
    return weight_matrix(w, rec["final_i"], rec["final_j"], n_pre, n_post)


def feedforward_responses(post, x, W):
    """Steady responses (samples, units) of population ``post`` to inputs ``x`` through ``W``."""
    u = x @ W
    if post.TYPE == "adaptive_threshold_units":
        # the thresholds' fixed point: each unit answers a fraction `target` of the inputs
        return np.maximum(u - np.quantile(u, 1 - post.target, axis=0), 0.0)
    from .backends.rate.transfer import TRANSFER
    from .model.units import to_si
    return TRANSFER[post.transfer](u, gain=post.gain, bias=post.bias, r_max=to_si(post.r_max))


def lateral_responses(x, W, L, steps=200):
    """Steady state of :math:`y = [W^\\top x - L y]_+` (L: inhibitory magnitudes, (post, post)
    as pre -> post), found by damped iteration from 0."""
    y, drive = np.zeros((len(x), W.shape[1])), x @ W
    for _ in range(steps):
        y += 0.3 * (np.maximum(drive - y @ L, 0.0) - y)
    return y


def _pairs(m):
    iu = np.triu_indices(m.shape[0], 1)
    return m[iu]


def diversity(W, y):
    """``(mean |cos| between columns of W, mean |corr| between response columns, CV of mean responses)``."""
    norm = np.linalg.norm(W, axis=0)
    wn = W / np.where(norm > 0, norm, 1.0)
    sd = y.std(axis=0)
    yc = (y - y.mean(axis=0)) / np.where(sd > 0, sd, np.inf)  # silent units: uncorrelated
    corr = yc.T @ yc / len(y)
    mean = y.mean(axis=0)
    return (np.mean(np.abs(_pairs(wn.T @ wn))), np.mean(np.abs(_pairs(corr))),
            mean.std() / mean.mean() if mean.mean() > 0 else np.nan)


def code_quality(y, signal):
    """``(active fraction, active units per input, held-out linear reconstruction error)``."""
    half = len(y) // 2
    a = np.c_[y, np.ones(len(y))]
    dec = np.linalg.lstsq(a[:half], signal[:half], rcond=None)[0]
    test = signal[half:]
    err = np.sum((test - a[half:] @ dec) ** 2) / np.sum((test - test.mean(axis=0)) ** 2)
    active = y > 0
    return active.mean(), active.sum(axis=1).mean(), err


def game_objective(x, W, L):
    """The correlation game's payoff per unit and the steady responses (see :class:`CorrelationGame`)."""
    y = lateral_responses(x, W, L)
    c = y.T @ y / len(x)
    io = np.mean(np.sum(y * (x @ W), axis=1))
    return (io - 0.5 * (c.sum() - np.trace(c))) / W.shape[1], y


def parts_match(W, parts, threshold=0.9):
    """``(mean best |cos| of each column of W with a part, number of distinct parts matched above threshold)``."""
    wn = W / np.maximum(np.linalg.norm(W, axis=0), 1e-300)
    pn = parts / np.linalg.norm(parts, axis=1, keepdims=True)
    cos = pn @ wn
    best = cos.max(axis=0)
    return best.mean(), len(set(cos.argmax(axis=0)[best >= threshold]))


@_register(FeatureDiversity)
def _feature_diversity(spec, network, result):
    proj = network.projections[spec.projection]
    x, _ = input_samples(network.populations[proj.pre], spec.samples)
    W = _matrix(network, result, spec.projection)
    cos, corr, cv = diversity(W, feedforward_responses(network.populations[proj.post], x, W))
    return {"weight_cosine_mean": cos, "output_correlation_mean": corr, "activity_cv": cv}


@_register(CodeQuality)
def _code_quality(spec, network, result):
    proj = network.projections[spec.projection]
    x, signal = input_samples(network.populations[proj.pre], spec.samples)
    W = _matrix(network, result, spec.projection)
    frac, per_input, err = code_quality(feedforward_responses(network.populations[proj.post], x, W), signal)
    return {"active_fraction": frac, "active_per_input": per_input, "reconstruction_error": err}


@_register(FilterPCCosine)
def _filter_pc_cosine(spec, network, result):
    proj = network.projections[spec.projection]
    x, _ = input_samples(network.populations[proj.pre], spec.samples)
    _, vecs = principal_components(x.T @ x / len(x))
    W = _matrix(network, result, spec.projection)
    cos = np.abs(np.sum(W * vecs[:, :W.shape[1]], axis=0)) / np.linalg.norm(W, axis=0)
    out = {f"filter_pc_cosine_{k + 1}": c for k, c in enumerate(cos)}
    out["filter_pc_cosine_min"] = cos.min()
    return out


@_register(CorrelationGame)
def _correlation_game(spec, network, result):
    pre = network.populations[network.projections[spec.projection].pre]
    x, _ = input_samples(pre, spec.samples)
    out = {}
    for prefix, initial in (("_before", True), ("", False)):
        W, L = _matrix(network, result, spec.projection, initial), _matrix(network, result, spec.lateral, initial)
        if W is None or L is None:
            continue
        out[f"game_objective{prefix}"], _ = game_objective(x, W, L)
    if pre.TYPE == "rate_images" and pre.source == "bars":
        from .datasets.patches import bar_features
        W = _matrix(network, result, spec.projection)
        out["parts_match_mean"], out["parts_distinct"] = parts_match(W, bar_features(pre.size))
    return out


def conv_features(images, filters, pool, chunk=500):
    """ON/OFF max-pooled feature maps of ``filters`` ((size*size, K)) on ``images`` ((N, H, W)), flattened."""
    from numpy.lib.stride_tricks import sliding_window_view
    size = int(round(np.sqrt(filters.shape[0])))
    out = []
    for start in range(0, len(images), chunk):
        win = sliding_window_view(images[start:start + chunk], (size, size), axis=(1, 2))
        maps = win.reshape(*win.shape[:3], -1) @ filters            # (n, h, w, K)
        maps = np.concatenate([np.maximum(maps, 0), np.maximum(-maps, 0)], axis=-1)
        n, h, w, k = maps.shape
        h, w = h // pool * pool, w // pool * pool
        pooled = maps[:, :h, :w].reshape(n, h // pool, pool, w // pool, pool, k).max(axis=(2, 4))
        out.append(pooled.reshape(n, -1))
    return np.concatenate(out)


def linear_readout(f_train, y_train, f_test, y_test, ridge):
    """``(train error, test error)`` of ridge regression onto one-hot labels (argmax decision)."""
    a = np.c_[f_train, np.ones(len(f_train))]
    g = a.T @ a
    g[np.diag_indices_from(g)] += ridge * np.trace(g) / len(g)
    coef = np.linalg.solve(g, a.T @ np.eye(10)[y_train])
    err = [np.mean((np.c_[f, np.ones(len(f))] @ coef).argmax(axis=1) != y) for f, y in
           ((f_train, y_train), (f_test, y_test))]
    return err[0], err[1]


@_register(ConvReadout)
def _conv_readout(spec, network, result):
    from .datasets.mnist import load_mnist
    from .model.units import to_si
    pre = network.populations[network.projections[spec.projection].pre]
    if getattr(pre, "TYPE", None) != "rate_images" or pre.source != "mnist" or pre.channels != "on":
        raise ValueError("metric 'conv_readout' needs a rate_images input with source = \"mnist\" and channels = \"on\"")
    data, scale = load_mnist(), float(to_si(pre.scale)) / 255.0
    W = _matrix(network, result, spec.projection)
    f_train = conv_features(data["x_train"][:spec.n_train] * scale, W, spec.pool)
    f_test = conv_features(data["x_test"][:spec.n_test] * scale, W, spec.pool)
    train, test = linear_readout(f_train, data["y_train"][:spec.n_train].astype(int), f_test,
                                 data["y_test"][:spec.n_test].astype(int), spec.ridge)
    return {"readout_train_error": train, "readout_test_error": test}
