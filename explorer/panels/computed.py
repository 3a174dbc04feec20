"""The page's pure computations (:mod:`explorer.compute`), each cached by its arguments in the one cache."""

from __future__ import annotations

from .. import compute
from ..cache import cached

surface = cached()(compute.surface)
pattern_regions = cached()(compute.pattern_regions)
descent_from = cached()(compute.descent_from)
descent_init = cached()(compute.descent_init)
fixed_alpha_optimum = cached()(compute.fixed_alpha_optimum)
convex_optimum = cached()(compute.convex_optimum)
unresolved_inputs = cached()(compute.unresolved_inputs)
basins = cached()(compute.basins)
