"""The one registry class of the package: names or description classes -> entries.

Every table of "which thing serves which name or type" is a :class:`Registry`:

* descriptions chosen by a model file's ``type`` key (``POPULATIONS``,
  ``RULES``, ``CONNECTIVITY``, ...): ``@POPULATIONS.register`` on a
  :class:`~spikehebb.model.schema.Description` subclass files it under its
  ``TYPE``; ``POPULATIONS.build(table, where)`` makes the description a table
  names;
* a backend's builders, one per description class (``by_class=True``):
  ``@RULE_BUILDERS.register(PairSTDP)`` on a function;
  ``RULE_BUILDERS.build(rule, ...)`` calls the builder of ``type(rule)`` or,
  failing that, of its nearest registered base class (the MRO), so that no
  ``isinstance`` ladder is needed anywhere;
* plain names (backends, tasks, transfer functions): ``REG.add(name, value)``,
  ``REG.get(name, where)`` and ``REG[name]``.

Unknown names and unsupported types are :class:`~spikehebb.errors.ModelError`
(one line naming the key). This module imports nothing but the error type, so
every layer can use it.
"""
from .errors import ModelError

__all__ = ["Registry"]


class Registry:
    """Keys (names or classes) -> entries, with one-line errors.

    Parameters
    ----------
    what : str
        What the entries are, for messages: ``"population type"``, ``"task"``,
        ``"spike backend"`` (a backend's builders: "the spike backend does not support ...").
    by_class : bool
        False (descriptions, names): :meth:`register` is a plain class
        decorator filing a description class under its ``TYPE``, and
        :meth:`build` makes a description from a model file table. True (a
        backend's builders): ``@REG.register(DescriptionClass)`` files the
        decorated function, and :meth:`build` calls the builder registered for
        the object's class or its nearest registered base class.
    """

    def __init__(self, what, by_class=False):
        self.what = what
        self.by_class = by_class
        self.entries = {}

    # --- filling -------------------------------------------------------------------------
    def add(self, key, entry):
        """File ``entry`` under ``key`` (a name or a class); returns ``entry``."""
        self.entries[key] = entry
        return entry

    def register(self, key):
        """Decorator filing the decorated object.

        ``@REG.register`` on a description class files it under its ``TYPE``;
        with ``by_class``, ``@REG.register(DescriptionClass)`` files the
        decorated builder under that class.
        """
        if not self.by_class:
            return self.add(key.TYPE, key)
        return lambda entry: self.add(key, entry)

    # --- reading -------------------------------------------------------------------------
    def names(self):
        """The registered names, sorted (for messages and listings)."""
        return sorted(k if isinstance(k, str) else k.__name__ for k in self.entries)

    def __contains__(self, key):
        return key in self.entries

    def __iter__(self):
        return iter(self.entries)

    def __len__(self):
        return len(self.entries)

    def __getitem__(self, key):
        return self.entries[key]

    def get(self, name, where):
        """The entry registered as ``name``; an unknown name is a :class:`ModelError` at ``where``."""
        try:
            return self.entries[name]
        except (KeyError, TypeError):  # TypeError: an unhashable value from a file (a list, a table)
            raise ModelError(where, f"unknown {self.what} {name!r}; expected one of: "
                                    f"{', '.join(self.names())}") from None

    def lookup(self, obj):
        """The entry of ``type(obj)``, or of its nearest registered base class."""
        for cls in type(obj).__mro__:
            if cls in self.entries:
                return self.entries[cls]
        raise ModelError(getattr(obj, "_where", "") or type(obj).__name__,
                         f"the {self.what} does not support {type(obj).__name__}")

    def build(self, obj, *args, **kwargs):
        """Build ``obj``.

        ``build(table, where)`` validates a model file table (``type`` and the
        class's fields) and returns the description; with ``by_class``,
        ``build(description, *args, **kwargs)`` returns what the builder
        registered for the description's class makes of it.
        """
        if self.by_class:
            return self.lookup(obj)(obj, *args, **kwargs)
        return self._from_table(obj, *args)

    def _from_table(self, table, where):
        if not isinstance(table, dict):
            raise ModelError(where, f"expected a table describing a {self.what}")
        if "type" not in table:
            raise ModelError(f"{where}.type", f"required key is missing; one of: {', '.join(self.names())}")
        cls = self.get(table["type"], f"{where}.type")
        return cls(_where=where, **{k: v for k, v in table.items() if k != "type"})
