"""The one error type a user sees for bad input."""


class ModelError(ValueError):
    """Bad model file, bad option or bad data: reported as one line, exit code 2.

    Parameters
    ----------
    where : str
        Dotted key in the model file (``"populations.post.tau_m"``) or an
        argument name (``"--seed"``).
    message : str
        What was expected and what was found.
    file : str, optional
        The file the key belongs to; filled in by the loader when known.
    """

    def __init__(self, where, message, file=None):
        self.where = where
        self.message = message
        self.file = file
        super().__init__(str(self))

    def __str__(self):
        parts = [p for p in (self.file, self.where) if p]
        return ": ".join(parts + [self.message])
