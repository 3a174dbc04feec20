"""The convex side: activation patterns and problem (2), whose optimum is the global optimum of (1)."""
from .convex import solve_convex
from .patterns import enumerate_patterns, sample_patterns
from .solution import ConvexSolution, SolverError, convex_objective, map_to_network

__all__ = [
    "ConvexSolution",
    "SolverError",
    "convex_objective",
    "enumerate_patterns",
    "map_to_network",
    "sample_patterns",
    "solve_convex",
]
