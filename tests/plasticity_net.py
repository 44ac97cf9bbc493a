"""Networks for plasticity tests: hand-made pre trains, post spikes forced by a teacher."""
import numpy as np

from spikehebb.model import LIF, Network, Projection, SpikeTimes

DT = 1e-4
W_MAX = 1e-12          # 1 pA: the plastic synapses barely touch the post neuron
TEACHER_W = "200 nA"   # with tau_e = 0.05 ms: one post spike exactly one step after each teacher spike


def forced_pairs_network(pre_trains, teacher_times, rule, w0=0.5, duration=None, trace=False,
                         modulators=None):
    """``len(pre_trains)`` pre neurons onto one LIF neuron whose spikes a teacher sets.

    Times in seconds (multiples of DT). Returns the Network; post spikes come
    one time step after the teacher's.
    """
    idx = np.concatenate([[k] * len(tr) for k, tr in enumerate(pre_trains)]).astype(int)
    times = np.concatenate([np.asarray(tr, float) for tr in pre_trains])
    last = max(times.max(initial=0), max(teacher_times, default=0))
    return Network(
        name="stdp_test", dt=f"{DT * 1e3} ms",
        duration=duration or f"{(last + 0.01) * 1e3:.3f} ms",
        populations={
            "pre": SpikeTimes(n=len(pre_trains), indices=idx, times=[f"{t * 1e3:.4f} ms" for t in times]),
            "teacher": SpikeTimes(n=1, indices=np.zeros(len(teacher_times), int),
                                  times=[f"{t * 1e3:.4f} ms" for t in teacher_times]),
            "post": LIF(n=1, synapse="current", tau_m="20 ms", v_rest="-70 mV", v_reset="-70 mV",
                        v_th="-55 mV", t_ref="0.5 ms", tau_e="0.05 ms"),
        },
        projections={
            "plastic": Projection(pre="pre", post="post", w_init=f"{w0} pA", w_max="1 pA", rule=rule),
            "teach": Projection(pre="teacher", post="post", w_init=TEACHER_W),
        },
        modulators=modulators,
        record={"spikes": ["post"], "weights": ["plastic"] if trace else [],
                "weight_synapses": len(pre_trains), "weight_dt": f"{DT * 1e3} ms"},
    )
