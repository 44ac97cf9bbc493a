"""Spiking Hopfield recall on LIF neurons (Brian2, numpy target) and the task entry point."""
import numpy as np
import pytest
from brian2 import ms

from spikehebb.model.schema import parse_fields
from spikehebb.tasks import Context
from spikehebb.tasks.hopfield import task
from spikehebb.backends.memory import overlap
from spikehebb.tasks.hopfield.patterns import flip_bits
from spikehebb.tasks.hopfield.network import HopfieldNetwork
from spikehebb.tasks.hopfield.patterns import random_patterns
from spikehebb.tasks.hopfield.spiking import NEURON, build_network, lif_rate, spiking_recall
from spikehebb.backends.memory import hebbian


@pytest.mark.parametrize("cue", ["current", "rate"])
def test_spiking_recall_three_patterns_n100(cue):
    # current cue: present throughout at half the recurrent field; rate cue: Poisson input
    # for the first 50 ms only, then the network holds the pattern on its own
    rng = np.random.default_rng(0)
    x = random_patterns(3, 100, rng)
    cues = flip_bits(x, 0.1, rng)
    states, info = spiking_recall(hebbian(x), cues, seed=0, target="numpy", cue=cue, duration=200 * ms)
    m = overlap(states, x)
    assert np.all(m >= 0.9), m
    assert np.all(m > overlap(cues, x))  # the network corrected flipped bits: the cue alone gives 0.8
    rate_net = HopfieldNetwork(random_state=0).fit(x).recall(cues)
    assert np.all(overlap(rate_net, x) >= m - 1e-12)  # the binary network is the reference
    # +1 units fire near the rate the mapping assumes (LIF f-I curve at rheobase + kappa)
    on = info["rates"][states > 0]
    assert 0.5 * info["nu_on"] < np.median(on) < 2 * info["nu_on"]


def test_signed_weights_split_into_excitatory_and_inhibitory_synapses():
    from brian2 import amp, nA
    rng = np.random.default_rng(1)
    x = random_patterns(3, 20, rng)
    w = hebbian(x)
    net, nu_on = build_network(w, cue_bits=x[:2])  # two copies
    assert nu_on == pytest.approx(lif_rate(1.2 * nA, **NEURON))  # rheobase 0.2 nA + kappa 1 nA
    # analytic f-I curve: 1 / (t_ref + tau_m ln(R I / (R I - 20 mV))) with R I = 120 mV
    assert nu_on == pytest.approx(1 / (10e-3 + 20e-3 * np.log(120 / 100)))
    scale = 2 * 1e-9 / (nu_on * 5e-3)  # w = 2 kappa W / (nu_on tau_syn)
    exc, inh = net.projections["exc"], net.projections["inh"]
    rebuilt = np.zeros((40, 40))
    rebuilt[exc.j, exc.i] += np.asarray(exc.w_init / amp)
    rebuilt[inh.j, inh.i] -= np.asarray(inh.w_init / amp)
    np.testing.assert_allclose(rebuilt, np.kron(np.eye(2), w) * scale, rtol=1e-9, atol=1e-24)


def test_task_rate_backend_runs_from_params():
    params = parse_fields(task.PARAMS, {"n": 64, "p": 3, "flip": 0.1}, "task")
    res = task.run(params, Context(backend="rate", seed=3, progress=False))
    assert res.metrics["recall_overlap"] == 1.0 and res.metrics["recalled_fraction"] == 1.0
    assert res.metrics["cue_overlap"] == pytest.approx(0.8125)  # 6 of 64 bits flipped
    assert {"cue_recall_target", "energy", "overlap"} <= set(res.figures)
    assert np.all(np.diff(res.arrays["energy"], axis=0) <= 1e-12)


def test_model_files_validate(models_dir):
    import tomllib
    for name in ("hopfield_random", "hopfield_letters"):
        table = tomllib.loads((models_dir / f"{name}.toml").read_text())["task"]
        assert table.pop("type") == "hopfield"
        parse_fields(task.PARAMS, table, "task")
