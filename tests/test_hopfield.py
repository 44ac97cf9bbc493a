"""Binary Hopfield networks: storage rules, dynamics, energy, modern and dense memories."""
import numpy as np
import pytest

from spikehebb.model.errors import ModelError
from spikehebb.backends import memory as storage
from spikehebb.backends.rate import hopfield_dynamics as dynamics, hopfield_modern as modern
from spikehebb.tasks.hopfield.patterns import flip_bits
from spikehebb.model import Network
from spikehebb.tasks.hopfield.capacity import memory_description
from spikehebb.tasks.hopfield.memory import HopfieldMemory, recall_overlap, recalled_fraction
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
    net = HopfieldMemory(memory_description(rule, 200, update=update), random_state=0).fit(x)
    np.testing.assert_array_equal(net.recall(x), x)
    if update == "async":
        _, info = net.recall(x, targets=x, record=True)
        assert info["sweeps"] == 1 and info["converged"]
    else:
        _, info = net.recall(x, targets=x, record=True)
        assert np.all(info["steps"] == 1) and info["converged"].all()  # one update finds the fixed point


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


def _sync_reference(w, s, max_steps):
    """Plain parallel dynamics of one state: the trajectory until a fixed point or a 2-cycle."""
    traj = [s]
    for _ in range(max_steps):
        h = w @ traj[-1]
        traj.append(np.where(h > dynamics.TIE, 1.0, np.where(h < -dynamics.TIE, -1.0, traj[-1])))
        if np.array_equal(traj[-1], traj[-2]) or (len(traj) > 2 and np.array_equal(traj[-1], traj[-3])):
            break
    return traj


def test_sync_updates_reach_fixed_point_or_two_cycle():
    rng = np.random.default_rng(6)
    x = random_patterns(20, 100, rng)
    w = storage.hebbian(x)
    cues = rng.choice([-1.0, 1.0], size=(60, 100))
    final, info = dynamics.sync_run(w, cues, max_steps=200)
    # Goles-Chacc et al. (1985): parallel dynamics with symmetric W end in a fixed point or a 2-cycle
    nxt, _ = dynamics.sync_run(w, final, max_steps=1)
    back, _ = dynamics.sync_run(w, nxt, max_steps=1)
    fixed = np.all(nxt == final, axis=1)
    np.testing.assert_array_equal(fixed, info["converged"])
    np.testing.assert_array_equal(~fixed, info["cycle"])  # period exactly 2: back where it was
    np.testing.assert_array_equal(back[~fixed], final[~fixed])
    assert 0 < info["cycle"].sum() < 60  # both ends occur at this load (random cues, P/N = 0.2)
    assert info["steps"].max() < 200


def test_sync_run_stops_each_state_and_records_its_trajectory():
    rng = np.random.default_rng(11)
    n = 100
    x = random_patterns(18, n, rng)
    w = storage.hebbian(x)
    cues = np.concatenate([flip_bits(x[:10], 0.1, rng), rng.choice([-1.0, 1.0], size=(20, n))])
    targets = x[np.arange(30) % 18]
    final, info = dynamics.sync_run(w, cues, max_steps=50, targets=targets, record=True)
    steps = info["steps"]
    assert len(info["energy"]) == steps.max() + 1  # the loop ran only while some state moved
    assert steps.min() < steps.max()  # the states stopped at different times
    for b in range(len(cues)):
        traj = _sync_reference(w, cues[b], 50)
        # each state took exactly the updates of its own trajectory, the recognising one included
        assert steps[b] == len(traj) - 1
        np.testing.assert_array_equal(final[b], traj[-1])
        padded = traj + [traj[-1]] * (steps.max() + 1 - len(traj))  # a stopped state keeps its value
        np.testing.assert_allclose(info["energy"][:, b], dynamics.energy(w, np.array(padded)), atol=1e-9)
        np.testing.assert_allclose(info["overlap"][:, b], storage.overlap(np.array(padded), targets[b]),
                                   atol=1e-12)
    # max_steps stops states that are still moving; the record then ends at their last state
    short, info2 = dynamics.sync_run(w, cues, max_steps=1, targets=targets, record=True)
    assert np.all(info2["steps"] == 1) and len(info2["energy"]) == 2
    np.testing.assert_allclose(info2["energy"][-1], dynamics.energy(w, short), atol=1e-9)


def test_energy_is_the_quadratic_form():
    rng = np.random.default_rng(12)
    w = storage.storkey(random_patterns(6, 30, rng))
    s = rng.choice([-1.0, 1.0], size=(4, 30))
    np.testing.assert_allclose(dynamics.energy(w, s), -0.5 * np.einsum("bi,ij,bj->b", s, w, s), atol=1e-12)
    assert dynamics.energy(w, s[0]) == pytest.approx(-0.5 * s[0] @ w @ s[0])


def _async_reference(ws, groups, s, rng, max_sweeps):
    """One unit at a time, every state in every sweep, fields from scratch: the definition."""
    s = s.copy()
    for sweep in range(1, max_sweeps + 1):
        flips = 0
        for i in rng.permutation(s.shape[1]):
            for b in range(len(s)):
                h = ws[groups[b], i] @ s[b]
                new = 1.0 if h > dynamics.TIE else -1.0 if h < -dynamics.TIE else s[b, i]
                flips += new != s[b, i]
                s[b, i] = new
        if flips == 0:
            return s, sweep, True
    return s, max_sweeps, False


def test_async_run_matches_the_unit_by_unit_definition():
    # incremental fields, dropping settled states and the stacked weights change no result and
    # draw the same update orders
    rng = np.random.default_rng(13)
    n = 40
    xs = [random_patterns(p, n, rng) for p in (4, 9)]
    ws = np.stack([storage.hebbian(xs[0]), storage.storkey(xs[1])])
    cues = np.concatenate([flip_bits(xs[0], 0.2, rng), flip_bits(xs[1], 0.2, rng)])
    groups = np.repeat([0, 1], [4, 9])
    for max_sweeps in (1, 30):
        out, info = dynamics.async_run(ws, cues, np.random.default_rng(3), max_sweeps, groups=groups)
        ref, sweeps, converged = _async_reference(ws, groups, cues, np.random.default_rng(3), max_sweeps)
        np.testing.assert_array_equal(out, ref)
        assert (info["sweeps"], info["converged"]) == (sweeps, converged)
    assert converged and sweeps > 2  # the dynamics did something
    single, _ = dynamics.async_run(ws[1], cues[4:], np.random.default_rng(3))
    np.testing.assert_array_equal(single, _async_reference(ws[1:], np.zeros(9, int), cues[4:],
                                                           np.random.default_rng(3), 50)[0])


def test_recall_from_noisy_cues_and_metrics():
    rng = np.random.default_rng(7)
    x = random_patterns(5, 200, rng)
    cues = flip_bits(x, 0.2, rng)
    np.testing.assert_allclose(storage.overlap(cues, x), 0.6)  # exactly 40 of 200 bits flipped
    states = HopfieldMemory(memory_description("hebbian", 200), random_state=1).fit(x).recall(cues)
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
    assert recall_overlap(HopfieldMemory(memory_description("hebbian", n), random_state=0).fit(x).recall(cues), x) < 0.5
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
    dense = HopfieldMemory(memory_description("dense", 100, degree=3), random_state=0).fit(x)
    start = x[:25]
    out = dense.recall(start)
    assert recalled_fraction(out, start) >= 0.9
    assert np.all(np.diff(dense.energy(np.stack([start[0], out[0]]))) <= 0)
    hebb = HopfieldMemory(memory_description("hebbian", 100), random_state=0).fit(x)
    assert recalled_fraction(hebb.recall(start), start) < 0.1


def test_letters_render_from_bundled_font():
    pats = letters("AOX", (12, 12))
    assert pats.shape == (3, 144) and set(np.unique(pats)) == {-1.0, 1.0}
    o = pats[1].reshape(12, 12)
    assert o[6, 6] == -1 and o[6, 2] == 1  # the O's hole stays empty, its ring is inked
    assert len({tuple(p) for p in pats}) == 3


def test_bad_input_raises_model_error():
    with pytest.raises(ModelError, match="rule"):
        memory_description("oja", 4)
    with pytest.raises(ModelError, match="only -1 and \\+1"):
        HopfieldMemory(memory_description("hebbian", 3)).fit(np.array([[1, 0, -1]]))
    with pytest.raises(ModelError, match="4 units"):
        HopfieldMemory(memory_description("hebbian", 4)).fit(np.ones((2, 5)))
    with pytest.raises(ModelError, match="expected 4 bits per cue"):
        HopfieldMemory(memory_description("hebbian", 4)).fit(np.ones((2, 4))).recall(np.ones(5))
    with pytest.raises(ModelError, match="one population of type"):
        HopfieldMemory(Network(name="x", populations={"a": {"type": "poisson", "n": 2, "rate": "1 Hz"}})).fit(
            np.ones((1, 2)))
