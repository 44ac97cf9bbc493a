"""Inputs and reward sources: time-varying Poisson rates, and the reward-prediction error."""
import numpy as np
import pytest

from spikehebb.backends import simulate
from spikehebb.model import LIF, Modulator, Network, PoissonInput, RewardPrediction, Schedule


def test_piecewise_poisson_rates():
    """Rates follow the schedule; counts are Poisson (mean within 4 standard errors)."""
    pop = PoissonInput(n=200, schedule=[["0 s", "5 Hz"], ["0.5 s", "40 Hz"], ["1 s", "0 Hz"]])
    net = Network(name="sched", duration="1.5 s", populations={"inp": pop}, record={"spikes": ["inp"]})
    t, _ = simulate(net, "spike", seed=2, target="numpy").spikes["inp"]
    for (lo, hi), rate in {(0, 0.5): 5, (0.5, 1.0): 40, (1.0, 1.5): 0}.items():
        count = np.count_nonzero((t >= lo) & (t < hi))
        expected = rate * 200 * (hi - lo)
        assert abs(count - expected) <= 4 * np.sqrt(max(expected, 1)), (lo, count, expected)


def _rpe_network(i_ext):
    """A LIF population whose rate is set by its input; reward when it fires at >= 10 Hz."""
    return Network(
        name="rpe", duration="2 s", dt="0.1 ms",
        populations={"out": LIF(n=10, synapse="current", v_rest="-70 mV", v_reset="-70 mV",
                                v_th="-55 mV", t_ref="2 ms", i_ext=i_ext)},
        modulators={"dopamine": Modulator(tau="200 ms", source=RewardPrediction(
            population="out", period="250 ms", target_rate="10 Hz", alpha=0.5, amount=1.0))},
        record={"spikes": ["out"]})


@pytest.mark.parametrize("i_ext, rewarded", [("200 pA", True), ("0 pA", False)])
def test_reward_prediction_error_decays_as_reward_becomes_expected(i_ext, rewarded):
    res = simulate(_rpe_network(i_ext), "spike", seed=0, target="numpy")
    n_periods = 7  # evaluated at the end of each 250 ms period: 0.25 s ... 1.75 s
    events = res.arrays["modulator/dopamine/n_events"][0]
    assert events == (n_periods if rewarded else 0)
    if rewarded:
        # pulses 1 - rbar with rbar <- rbar + 0.5 (1 - rbar): 1, 0.5, 0.25, ... so the level at
        # the end is the sum of decayed pulses; check against that closed form
        times = np.arange(1, n_periods + 1) * 0.25
        pulses = 0.5 ** np.arange(n_periods)
        t_end = res.arrays["modulator/dopamine/t"][-1]
        level = np.sum(pulses * np.exp(-(t_end - times[times <= t_end]) / 0.2)[:len(pulses)]
                       * (times <= t_end))
        assert res.arrays["modulator/dopamine/d"][-1] == pytest.approx(level, rel=0.02)


def test_schedule_delivers_given_pulses():
    net = Network(name="sched", duration="1 s",
                  populations={"out": LIF(n=1)},
                  modulators={"dopamine": Modulator(tau="100 ms", baseline=0.1,
                                                    source=Schedule(times=["200 ms", "600 ms"], amounts=[1.0, 2.0]))},
                  record={"rate_bin": "10 ms"})
    res = simulate(net, "spike", seed=0, target="numpy")
    t, d = res.arrays["modulator/dopamine/t"], res.arrays["modulator/dopamine/d"]
    expected = 0.1 + np.where(t > 0.2, np.exp(-(t - 0.2) / 0.1), 0) + np.where(t > 0.6, 2 * np.exp(-(t - 0.6) / 0.1), 0)
    np.testing.assert_allclose(d, expected, atol=0.02)
    assert res.arrays["modulator/dopamine/n_events"][0] == 2


@pytest.mark.slow  # 10 s of 260 inputs on the numpy target
def test_event_driven_poisson_inputs_are_poisson():
    """Fixed-rate inputs draw inter-spike intervals: rate, ISI coefficient of variation, Fano factor
    and the geometric interval distribution (memoryless) of a Poisson process on the time grid; silent neurons stay silent."""
    rates = np.r_[np.full(200, 20.0), np.full(50, 80.0), np.zeros(10)]
    pop = PoissonInput(n=len(rates), rate=[f"{r} Hz" for r in rates])
    net = Network(name="isi", duration="10 s", dt="0.1 ms", populations={"inp": pop}, record={"spikes": ["inp"]})
    t, i = simulate(net, "spike", seed=4, target="numpy").spikes["inp"]
    assert not np.any(i >= 250)  # 0 Hz: no spike
    for lo, hi, r in ((0, 200, 20.0), (200, 250, 80.0)):
        sel = (i >= lo) & (i < hi)
        n_exp = r * (hi - lo) * 10.0
        assert abs(sel.sum() - n_exp) <= 4 * np.sqrt(n_exp), (r, sel.sum(), n_exp)  # Poisson count
        isis = np.concatenate([np.diff(np.sort(t[i == k])) for k in range(lo, hi)])
        cv = isis.std() / isis.mean()
        assert abs(cv - 1) < 0.03, cv  # 1 for Poisson (on the time grid: sqrt(1 - r dt) ~ 0.999)
        counts = np.array([np.histogram(t[i == k], bins=10, range=(0, 10))[0] for k in range(lo, hi)]).ravel()
        fano = counts.var() / counts.mean()
        assert abs(fano - 1) < 0.1, fano
        # intervals in steps are geometric, P(k > m) = (1 - p)^m with p = r dt: memoryless
        k = np.round(isis / 1e-4).astype(int)
        q = 1 - r * 1e-4
        for m in (1, 10, int(0.5 / (r * 1e-4)), int(2 / (r * 1e-4))):
            surv, expect = np.mean(k > m), q ** m
            assert abs(surv - expect) < 4 * np.sqrt(expect * (1 - expect) / len(k)) + 1e-9, (r, m, surv, expect)
    # each run draws from its own seed
    t2, i2 = simulate(net, "spike", seed=5, target="numpy").spikes["inp"]
    assert not np.array_equal(t2[:100], t[:100])
