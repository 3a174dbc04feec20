"""The convex side: activation patterns and problem (2), whose optimum is the global optimum of (1)."""

from .certificate import optimality_gap
from .convex import FALLBACK, SOLVERS, Solver, solve_convex, solve_with_fallback
from .patterns import enumerate_patterns, sample_patterns, unresolved_inputs
from .solution import ConvexSolution, SolverError, convex_objective, map_to_network
from .warm import WarmStarts

__all__ = [
    "FALLBACK",
    "SOLVERS",
    "Solver",
    "solve_with_fallback",
    "ConvexSolution",
    "SolverError",
    "convex_objective",
    "enumerate_patterns",
    "map_to_network",
    "optimality_gap",
    "sample_patterns",
    "unresolved_inputs",
    "solve_convex",
    "WarmStarts",
]
