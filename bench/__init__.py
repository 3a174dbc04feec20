"""Benchmarks: each ``bench_*.py`` module has a ``main()`` that prints a table of ratios against a
baseline measured in the same process. Run them all with ``python -m bench`` (or ``make bench``);
``python -m bench core`` runs only the modules whose name contains "core"."""
