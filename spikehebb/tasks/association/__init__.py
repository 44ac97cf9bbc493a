"""The association family: supervised Hebbian association, hetero-associative memory
(task ``association``, :mod:`.task`) and classical conditioning (task
``conditioning``, :mod:`.conditioning`). Each entry module exposes ``PARAMS``
and ``run``; ``association`` also ``compare`` (both backends side by side)."""
