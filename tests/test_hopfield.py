"""Binary Hopfield networks: storage rules, dynamics, energy, modern and dense memories."""
import numpy as np
import pytest

from spikehebb.model.errors import ModelError
from spikehebb.backends import memory as storage
from spikehebb.backends.rate import hopfield_dynamics as dynamics, hopfield_modern as modern
from spikehebb.tasks.hopfield.patterns import flip_bits
from spikehebb.tasks.hopfield.network import HopfieldNetwork, recall_overlap, recalled_fraction
from spikehebb.tasks.hopfield.patterns import letters, random_patterns


def test_hebbian_weights_equal_outer_product_formula():
    rng = np.random.default_rng(1)
    x = random_patterns(4, 15, rng)
    w = storage.hebbian(x)
    n = x.shape[1]
    for i in range(n):
        for j in range(n):
            expected = 0.0 if i == j else sum(x[mu, i] * x[mu, j] for mu in range(4)) / n
            assert w[i, j] == pytest.approx(expected, abs=1e-12)


def test_storkey_matches_elementwise_definition():
    # Storkey (1997): w_ij += (xi_i xi_j - xi_i h_ji - h_ij xi_j) / N, h_ij = sum_{k != i,j} w_ik xi_k
    rng = np.random.default_rng(2)
    x = random_patterns(3, 8, rng)
    n = x.shape[1]
    w = np.zeros((n, n))
    for xi in x:
        h = np.array([[sum(w[i, k] * xi[k] for k in range(n) if k not in (i, j)) for j in range(n)]
                      for i in range(n)])
        w = w + np.array([[xi[i] * xi[j] - xi[i] * h[j, i] - h[i, j] * xi[j] for j in range(n)]
                          for i in range(n)]) / n
    np.fill_diagonal(w, 0)
    np.testing.assert_allclose(storage.storkey(x), w, atol=1e-12)


def test_pseudo_inverse_is_the_projector_with_zero_diagonal():
    rng = np.random.default_rng(3)
    x = random_patterns(10, 40, rng)
    n = x.shape[1]
    q = x @ x.T / n  # W = (1/N) sum xi^mu (Q^-1)_mu,nu xi^nu (Personnaz et al. 1986)
    expected = x.T @ np.linalg.inv(q) @ x / n
    w = storage.pseudo_inverse(x)
    np.testing.assert_allclose(w, expected - np.diag(np.diag(expected)), atol=1e-10)
    # every stored pattern is a fixed point: field = (1 - W_ii) xi_i
    np.testing.assert_array_equal(np.sign(x @ w.T), x)


@pytest.mark.parametrize("rule", storage.RULES)
@pytest.mark.parametrize("update", ["async", "sync"])
def test_stored_patterns_are_fixed_points_well_below_capacity(rule, update):
    # P/N = 0.025, far below 1/(2 ln N) = 0.094: a wrong bit has probability ~ Phi(-1/sqrt(0.025)) ~ 1e-10
    rng = np.random.default_rng(4)
    x = random_patterns(5, 200, rng)
    net = HopfieldNetwork(rule=rule, update=update, random_state=0).fit(x)
    np.testing.assert_array_equal(net.recall(x), x)
    if update == "async":
        _, info = net.recall(x, targets=x, record=True)
        assert info["sweeps"] == 1 and info["converged"]


def test_energy_never_increases_under_async_updates():
    rng = np.random.default_rng(5)
    n = 120
    x = random_patterns(30, n, rng)  # load 0.25: far above capacity, long trajectories
    w = storage.hebbian(x)
    cues = rng.choice([-1.0, 1.0], size=(8, n))
    final, info = dynamics.async_run(w, cues, np.random.default_rng(0), targets=x[:8], record=True)
    e = info["energy"]
    assert np.all(np.diff(e, axis=0) <= 1e-12)
    assert np.all(e[0] - e[-1] > 1.0)  # the dynamics did something
    # incremental bookkeeping agrees with the direct formula
    np.testing.assert_allclose(e[-1], -0.5 * np.einsum("bi,ij,bj->b", final, w, final), atol=1e-9)
    np.testing.assert_allclose(info["overlap"][-1], np.sum(final * x[:8], axis=1) / n, atol=1e-12)
    # the end state is a fixed point: no unit wants to flip
    h = final @ w
    assert np.all((h * final >= -1e-12))
    assert info["converged"]


def test_sync_updates_reach_fixed_point_or_two_cycle():
    rng = np.random.default_rng(6)
    x = random_patterns(20, 100, rng)
    w = storage.hebbian(x)
    final, hist = dynamics.sync_run(w, rng.choice([-1.0, 1.0], size=(5, 100)), max_steps=200)
    # Goles-Chacc et al. (1985): parallel dynamics with symmetric W end in a fixed point or a 2-cycle
    h = final @ w  # (a zero field, up to rounding, keeps the unit: sums of multiples of 1/N)
    nxt = np.where(h > 1e-9, 1.0, np.where(h < -1e-9, -1.0, final))
    for b in range(5):
        assert np.array_equal(nxt[b], final[b]) or np.array_equal(nxt[b], hist[-2][b])
    assert len(hist) < 200


def test_recall_from_noisy_cues_and_metrics():
    rng = np.random.default_rng(7)
    x = random_patterns(5, 200, rng)
    cues = flip_bits(x, 0.2, rng)
    np.testing.assert_allclose(storage.overlap(cues, x), 0.6)  # exactly 40 of 200 bits flipped
    states = HopfieldNetwork(random_state=1).fit(x).recall(cues)
    assert recall_overlap(states, x) == 1.0 and recalled_fraction(states, x) == 1.0
    assert recall_overlap(cues, x) == pytest.approx(0.6)
    assert recalled_fraction(flip_bits(x, 0.01, rng), x) == 1.0  # 2 wrong bits = 1 %
    assert recalled_fraction(flip_bits(x, 0.015, rng), x) == 0.0  # 3 wrong bits


def test_modern_hopfield_retrieves_in_one_update_at_p_equal_n():
    rng = np.random.default_rng(8)
    n = 100
    x = random_patterns(n, n, rng)  # P = N
    cues = flip_bits(x, 0.2, rng)
    out = modern.modern_update(x, cues, beta=1.0)
    assert recall_overlap(out, x) == 1.0
    # the Hebbian network at the same load does not retrieve
    assert recall_overlap(HopfieldNetwork(random_state=0).fit(x).recall(cues), x) < 0.5
    # the modern energy decreases in the update (Ramsauer et al. 2020, theorem 1)
    assert np.all(modern.modern_energy(x, modern.modern_update(x, cues, 1.0, binary=False), 1.0)
                  <= modern.modern_energy(x, cues, 1.0) + 1e-9)


def test_dense_memory_degree_two_is_the_hebbian_network():
    # (r + x)^2 - (r - x)^2 = 4 r x: the dense update with n = 2 is sgn of the Hebbian field
    rng = np.random.default_rng(9)
    x = random_patterns(25, 80, rng)
    cues = flip_bits(x, 0.15, rng)
    dense, _ = modern.dense_async_run(x, cues, 2, np.random.default_rng(3))
    hebb, _ = dynamics.async_run(storage.hebbian(x), cues, np.random.default_rng(3))
    np.testing.assert_array_equal(dense, hebb)


def test_dense_memory_stores_far_beyond_hebbian_capacity():
    rng = np.random.default_rng(10)
    x = random_patterns(50, 100, rng)  # load 0.5
    dense = HopfieldNetwork("dense", degree=3, random_state=0).fit(x)
    start = x[:25]
    out = dense.recall(start)
    assert recalled_fraction(out, start) >= 0.9
    assert np.all(np.diff(dense.energy(np.stack([start[0], out[0]]))) <= 0)
    assert recalled_fraction(HopfieldNetwork(random_state=0).fit(x).recall(start), start) < 0.1


def test_letters_render_from_bundled_font():
    pats = letters("AOX", (12, 12))
    assert pats.shape == (3, 144) and set(np.unique(pats)) == {-1.0, 1.0}
    o = pats[1].reshape(12, 12)
    assert o[6, 6] == -1 and o[6, 2] == 1  # the O's hole stays empty, its ring is inked
    assert len({tuple(p) for p in pats}) == 3


def test_bad_input_raises_model_error():
    with pytest.raises(ModelError):
        HopfieldNetwork(rule="oja")
    with pytest.raises(ModelError):
        HopfieldNetwork().fit(np.array([[1, 0, -1]]))
    with pytest.raises(ModelError):
        HopfieldNetwork().fit(np.ones((2, 4))).recall(np.ones(5))
