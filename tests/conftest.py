import os

from hypothesis import settings

# Maths properties are checked on many random problems locally and a steady number in CI.
settings.register_profile("default", deadline=None, max_examples=25)
settings.register_profile("ci", deadline=None, max_examples=25, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")
