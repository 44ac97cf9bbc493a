"""Capacity of the Hebbian Hopfield network at finite N.

Criterion (the same as ``scripts/hopfield_capacity.py``): store P random
patterns; start asynchronous updates at each stored pattern, either exactly
(protocol "stored") or with 10 % of its bits flipped (protocol "cue 0.1", the
task's default cue noise); run to a fixed point. A pattern is recalled when
the final state has at most 1 % wrong bits. The estimate alpha_c is the load
P/N where the recalled fraction first drops below 1/2, linearly interpolated
between loads 0.01 apart.

Measured with the full script (scripts/RESULTS_hopfield.md):

=========  =======  =======  =======
protocol   N = 100  N = 200  N = 400
=========  =======  =======  =======
stored     0.200    0.176    0.161
cue 0.1    0.176    0.159    0.147
=========  =======  =======  =======

Both approach 0.138 (Amit, Gutfreund & Sompolinsky 1985) from above as N
grows. Issue 4's |alpha_c(200) - 0.138| <= 0.03 holds for protocol "cue 0.1"
(0.159) but not for protocol "stored" (0.176, kept as a strict expected
failure). The protocol for the passing check was chosen after both had been
measured; see the report.
"""
import numpy as np
import pytest

from spikehebb.tasks.hopfield.capacity import (ALPHA_HEBBIAN, critical_alpha, exact_recall_alpha,
                                               recalled_vs_load)

ALPHAS = np.round(np.arange(0.10, 0.2401, 0.01), 3)


def _alpha_c(n, trials, flip):
    f, counts = recalled_vs_load("hebbian", n, ALPHAS, trials, np.random.default_rng(n), flip=flip)
    assert f[0] > 0.8 and f[-1] < 0.4  # the transition lies inside the grid
    assert counts.min() >= 240
    return critical_alpha(ALPHAS, f)


@pytest.fixture(scope="module")
def stored():
    return {100: _alpha_c(100, 30, 0.0), 200: _alpha_c(200, 12, 0.0)}


def test_critical_alpha_interpolates_the_half_crossing():
    assert critical_alpha([0.1, 0.2, 0.3], [1.0, 0.8, 0.2]) == pytest.approx(0.25)
    assert np.isnan(critical_alpha([0.1, 0.2], [1.0, 0.9]))


def test_hebbian_capacity_approaches_0138_from_above(stored):
    # finite-size retrieval persists beyond the N -> infinity value and the shift shrinks with N;
    # the crossing lies above the exact-recall load 1/(2 ln N) of McEliece et al. (1987)
    assert ALPHA_HEBBIAN < stored[200] < stored[100]
    assert stored[200] > exact_recall_alpha(200)


def test_hebbian_capacity_n200_from_noisy_cues_within_003_of_0138(stored):
    alpha = _alpha_c(200, 12, 0.1)
    assert abs(alpha - ALPHA_HEBBIAN) <= 0.03
    assert alpha < stored[200]  # noisy cues also need a basin of attraction: lower capacity


@pytest.mark.xfail(strict=True, reason="start at the stored pattern: measured alpha_c(200) = 0.176, "
                                       "finite-size shift 0.038 > 0.03 (see scripts/RESULTS_hopfield.md)")
def test_hebbian_capacity_n200_from_stored_patterns_within_003_of_0138(stored):
    assert abs(stored[200] - ALPHA_HEBBIAN) <= 0.03
