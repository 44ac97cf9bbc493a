"""Tasks: learning problems built from the model layer plus a backend name.

A model file whose ``[task]`` table has ``type = NAME`` is run by the task
registered under NAME in :data:`TASKS`. The loader returns the table as
parsed (:attr:`spikehebb.model.Model.task_table`); :func:`resolve` validates
it, and every caller that runs a task calls :func:`resolve` (or
:func:`load_task`) before it makes anything.

A task module provides::

    PARAMS: tuple of spikehebb.model.schema.Field   # the [task] table's keys
    def run(params: dict, ctx: spikehebb.tasks.Context) -> spikehebb.results.RunResult

and optionally:

``USES_NETWORK = True``
    The task is built from the file's populations, projections and
    modulators (``ctx.network``); the file must have ``[populations]``. A
    task without it must have none.
``check(params, network, where)``
    Cross-checks of the validated parameters (and the network) at load time;
    may replace values in ``params`` by richer objects.
``compare(load, ctx, options) -> dict``
    What ``spikehebb compare`` does with a model of this task:

    * ``load(backend)`` returns ``(model, params)``: the model file loaded with
      that backend's tables (``[quick]`` and ``--set`` applied as given) and
      its validated parameters (:func:`load_task`);
    * ``ctx`` is a :class:`Context` with ``seed``, ``target`` (``--target``
      as given, None by default), ``quick``, ``data_dir``, ``progress`` and
      ``model_name`` from the command line and ``out_dir``, the comparison's
      directory (it exists); ``backend`` is left at its default: each side
      sets its own;
    * ``options`` is the parsed ``spikehebb compare`` namespace, for options
      only some tasks read (``options.train_spike``);
    * it returns the report: one dict of numbers per side (``"rate"``,
      ``"spike"``, ...) and ``"agreement"``, and writes it as
      ``OUT/compare.json`` (:func:`spikehebb.results.write_json`); the
      command line prints one line per side, ``agreement`` last.

    Each side is best an ordinary run folder under ``out_dir``
    (:func:`spikehebb.tasks.sides.run_side`).
``check_resume(out_dir, model_hash)``
    ``spikehebb run --resume``: refuse (:class:`ModelError`) a checkpoint in
    ``out_dir`` that is unreadable or another model's, before anything is built.
``COMPARE_OPTIONS``
    The ``spikehebb compare`` options the task's ``compare`` reads, as
    written on the command line (``("--train-spike", "--data")``); any other
    of them given for this task is an error before anything is made.

Modules are imported lazily so that ``spikehebb run`` on one model does not
import every task.
"""
import importlib
from dataclasses import dataclass, field
from typing import Optional

from ..model.errors import ModelError
from ..model.schema import parse_fields
from ..registry import Registry

#: task type -> module path (imported on demand)
TASKS = Registry("task")
TASKS.add("association", "spikehebb.tasks.association.task")
TASKS.add("conditioning", "spikehebb.tasks.association.conditioning")
TASKS.add("hopfield", "spikehebb.tasks.hopfield.task")
TASKS.add("classification", "spikehebb.tasks.mnist.task")


@dataclass
class Context:
    """How a task is run: chosen on the command line, not in the model file.

    Attributes
    ----------
    backend : str
        ``"spike"`` or ``"rate"``.
    target : str or None
        Brian2 code-generation target for the spike backend.
    seed : int
        Seed of every random generator the task uses.
    out_dir : str or None
        Directory for checkpoints (exists while the task runs).
    quick : bool
        Small, fast variant (about a minute).
    data_dir : str or None
        Data directory given by ``--data``.
    resume : bool
        Continue from the checkpoint in ``out_dir``.
    progress : bool
        Show progress bars.
    model_name : str
        Name of the model (file stem).
    network : spikehebb.model.Network or None
        The model file's network, for tasks built from descriptions.
    weights_from : str or None
        Run directory whose saved weights replace the initial ones.
    evaluate : bool
        Only test (with ``weights_from``), no training.
    model_hash : str or None
        Hash of the resolved model (:attr:`spikehebb.model.Model.hash`); stored
        with each checkpoint so that ``--resume`` refuses another model's.
    """

    backend: str = "rate"
    target: Optional[str] = None
    seed: int = 0
    out_dir: Optional[str] = None
    quick: bool = False
    data_dir: Optional[str] = None
    resume: bool = False
    progress: bool = True
    model_name: str = ""
    network: object = None
    weights_from: Optional[str] = None
    evaluate: bool = False
    model_hash: Optional[str] = None
    extra: dict = field(default_factory=dict)


def get_task(name, where="task.type"):
    """Import and return the task module registered as ``name``."""
    return importlib.import_module(TASKS.get(name, where))


def resolve(model):
    """The validated parameters of a task model's ``[task]`` table.

    Checks that the file has a network exactly when the task uses one, parses
    the table against the task's ``PARAMS`` and runs its ``check``.

    Parameters
    ----------
    model : spikehebb.model.Model
        A loaded task model (``model.task`` set).

    Returns
    -------
    dict
        ``{name: value}`` for every field of the task's ``PARAMS``.

    Raises
    ------
    ModelError
        With ``file`` set to the model's path, for an unknown task or a bad parameter.
    """
    try:
        if model.task is None:
            raise ModelError("task", "a network model has no [task] table")
        module = get_task(model.task)
        uses_network = getattr(module, "USES_NETWORK", False)
        if uses_network and model.network is None:
            raise ModelError("populations", f"a {model.task} task is built from [populations] and [projections]")
        if model.network is not None and not uses_network:
            raise ModelError("populations", f"not used by a task model (a {model.task} task builds no network "
                                            "from the file)")
        params = parse_fields(module.PARAMS, model.task_table, "task")
        if hasattr(module, "check"):
            module.check(params, model.network, "task")
        return params
    except ModelError as e:
        e.file = e.file or model.path
        raise


def load_task(path, overrides=(), quick=False, backend=None):
    """A task model file and its validated parameters: ``(model, params)``.

    :func:`spikehebb.model.load_model` (same arguments) followed by :func:`resolve`.
    """
    from ..model import load_model
    model = load_model(path, overrides, quick=quick, backend=backend)
    return model, resolve(model)
