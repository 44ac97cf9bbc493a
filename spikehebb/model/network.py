"""A whole network description: populations, projections, modulators, recording."""
import numpy as np

from .errors import ModelError
from .modulators import Modulator
from .neurons import POPULATIONS
from .projection import Projection
from .schema import Description, Field, parse_fields


class Record(Description):
    """What to record. Weight traces are sampled every ``weight_dt`` for
    ``weight_synapses`` synapses spread evenly over each projection in
    ``weights`` (or an explicit index list); never every step of every synapse."""

    FIELDS = (
        Field("spikes", "raw", (), doc="populations whose spikes are kept"),
        Field("spike_neurons", "raw", {}, doc="population -> how many of its neurons (0 .. N-1) to keep "
                                              "spikes of; default all (e.g. 100 of 1000 inputs)"),
        Field("rates", "raw", (), doc="populations whose mean rate is kept"),
        Field("rate_bin", "time", "100 ms", positive=True),
        Field("weights", "raw", (), doc="projections whose weight traces are kept"),
        Field("weight_synapses", "raw", 20, doc="how many synapses (int) or which (list)"),
        Field("weight_dt", "time", "1 s", positive=True),
    )

    def spike_count(self, name, n):
        """How many neurons (0 .. k-1) of population ``name`` (``n`` neurons) have their spikes kept."""
        return min(self.spike_neurons.get(name, n), n)

    def traced_synapses(self, n_syn):
        """Indices of the synapses (of a projection with ``n_syn``) whose weights are traced."""
        sel = self.weight_synapses
        if isinstance(sel, int):
            # evenly spaced, so that the traces are not all one neuron's synapses
            return np.unique(np.linspace(0, n_syn - 1, min(sel, n_syn)).round().astype(int)) if n_syn else np.arange(0)
        return np.asarray(sel, int)


class Network(Description):
    """Populations, projections and modulators, with run length and time step.

    Build from Python with description objects (or tables), or from a model
    file with :func:`spikehebb.model.load_model`.
    """

    FIELDS = (
        Field("name", "str", "network"),
        Field("duration", "time", "1 s", positive=True),
        Field("quick_duration", "time", None, positive=True, doc="duration with --quick"),
        Field("dt", "time", "0.1 ms", positive=True),
        Field("populations", "raw"),
        Field("projections", "raw", None),
        Field("modulators", "raw", None),
        Field("record", "raw", None),
        Field("metrics", "raw", None, doc="list of metric tables, see spikehebb.metrics"),
    )

    def run_duration(self, quick=False):
        """The run length: ``duration``, or with ``--quick`` ``quick_duration``
        (default a tenth of ``duration``), never longer than ``duration``."""
        return min(self.quick_duration or self.duration / 10, self.duration) if quick else self.duration

    def check(self, where):
        p = lambda *k: ".".join((where,) + k) if where else ".".join(k)  # noqa: E731
        pops = self.populations
        if not isinstance(pops, dict) or not pops:
            raise ModelError(p("populations"), "expected at least one population")
        self.populations = {name: POPULATIONS.build(v, p("populations", name)) if isinstance(v, dict) else v
                            for name, v in pops.items()}
        self.modulators = {name: Modulator(_where=p("modulators", name), **v) if isinstance(v, dict) else v
                           for name, v in (self.modulators or {}).items()}
        self.projections = {name: Projection(_where=p("projections", name), **v) if isinstance(v, dict) else v
                            for name, v in (self.projections or {}).items()}
        for name, proj in self.projections.items():
            w = p("projections", name)
            for side in ("pre", "post"):
                if getattr(proj, side) not in self.populations:
                    raise ModelError(f"{w}.{side}", f"no population {getattr(proj, side)!r}; "
                                     f"populations are: {', '.join(self.populations)}")
            post = self.populations[proj.post]
            if not hasattr(post, "weight_kind"):
                raise ModelError(f"{w}.post", f"population {proj.post!r} ({post.TYPE}) cannot receive synapses")
            proj.weights_as(post.weight_kind, w)
            if hasattr(post, "check_incoming"):  # e.g. spike sources take plastic projections only
                post.check_incoming(proj, w)
            if hasattr(proj.connectivity, "check_pair"):
                proj.connectivity.check_pair(self.populations[proj.pre], post, f"{w}.connectivity")
            self._check_indices(proj, w)
            modulator = getattr(proj.rule, "modulator", None)
            if modulator is not None and modulator not in self.modulators:
                raise ModelError(f"{w}.rule.modulator", f"no modulator {modulator!r} in [modulators]")
        for name, mod in self.modulators.items():
            pop = getattr(mod.source, "population", None)
            if pop is not None and pop not in self.populations:
                raise ModelError(p("modulators", name, "source", "population"), f"no population {pop!r}")
        rec = self.record if self.record is not None else {}
        self.record = Record(_where=p("record"), **rec) if isinstance(rec, dict) else rec
        for key in ("spikes", "rates"):
            for name in getattr(self.record, key):
                if name not in self.populations:
                    raise ModelError(p("record", key), f"no population {name!r}")
        for name in self.record.weights:
            if name not in self.projections:
                raise ModelError(p("record", "weights"), f"no projection {name!r}")
        subset = self.record.spike_neurons
        if not isinstance(subset, dict):
            raise ModelError(p("record", "spike_neurons"), "expected a table: population = number of neurons")
        for name, k in subset.items():
            where = p("record", "spike_neurons", name)
            if name not in self.record.spikes:
                raise ModelError(where, f"{name!r} is not in record.spikes")
            n = self.populations[name].n
            if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= n:
                raise ModelError(where, f"expected a whole number of neurons from 1 to {n}, got {k!r}")
        from .measures import build_measures
        self.metrics = build_measures(self.metrics, self, p("metrics"))
        if not self.dt < self.duration:
            raise ModelError(p("dt"), "must be shorter than duration")

    def _check_indices(self, proj, where):
        n_pre, n_post = self.populations[proj.pre].n, self.populations[proj.post].n
        if proj.connectivity == "indices":
            if len(proj.i) and (proj.i.max() >= n_pre or proj.j.max() >= n_post):
                raise ModelError(f"{where}.i", f"indices out of range ({n_pre} pre, {n_post} post neurons)")
        if proj.connectivity == "one_to_one" and n_pre != n_post:
            raise ModelError(f"{where}.connectivity", f"one_to_one needs equal sizes, got {n_pre} and {n_post}")


MODEL_FIELDS = (
    Field("name", "str", None),
    Field("description", "str", ""),
)


def split_model_table(table, where="model"):
    """Separate ``[model]``'s own keys from the network's run keys."""
    own = {k: table[k] for k in ("name", "description") if k in table}
    rest = {k: v for k, v in table.items() if k not in own}
    return parse_fields(MODEL_FIELDS, own, where), rest
