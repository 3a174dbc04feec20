import os

import torch
from hypothesis import settings

# Maths properties are checked on many random problems locally and a steady number in CI.
settings.register_profile("default", deadline=None, max_examples=25)
settings.register_profile("ci", deadline=None, max_examples=25, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

# The numerical tests run under 1 and 2 torch threads (``make test`` runs them twice): outcomes must not
# depend on the thread count a machine happens to have.
if os.environ.get("TORCH_THREADS"):
    torch.set_num_threads(int(os.environ["TORCH_THREADS"]))


def pytest_report_header(config):
    return f"torch threads: {torch.get_num_threads()}"
