"""The page's words: short explanations that follow the poster's TL;DR."""

TLDR = """
**Training a ReLU network is non-convex** — gradient descent can stop in a valley that is not the best one.
**Yet its global minimum is the solution of a convex problem** over activation patterns, and the optimal
neurons follow from that solution by a simple mapping. **Convex problems are easier**: no bad valleys, and
a solver can certify the answer.
"""

OBJECTIVE_1 = (
    r"\min_{W,\alpha}\;\Big\|\sum_{i=1}^m \max(0, X w_i)\,\alpha_i - y\Big\|_2^2"
    r" + \frac{\lambda}{2}\sum_{i=1}^m \big(\|w_i\|_2^2 + \alpha_i^2\big)\qquad(1)"
)
OBJECTIVE_2 = (
    r"\min_{u_i, v_i \in \mathcal K_i}\;\Big\|\sum_{i=1}^P D_i X (u_i - v_i) - y\Big\|_2^2"
    r" + \lambda \sum_{i=1}^P \big(\|u_i\|_2 + \|v_i\|_2\big)\qquad(2)"
)
CONES = r"\mathcal K_i = \{u : (2D_i - I)\,X u \ge 0\},\qquad D_i = \mathrm{diag}(\mathbb 1[X g_i \ge 0])"
MAPPING = (
    r"(w_i, \alpha_i) = \Big(\tfrac{u_i}{\sqrt{\|u_i\|}}, \sqrt{\|u_i\|}\Big)\ \text{or}\ "
    r"\Big(\tfrac{v_i}{\sqrt{\|v_i\|}}, -\sqrt{\|v_i\|}\Big)"
)
LAMBDA_NOTE = (
    "The poster writes λ in front of the weight decay of (1); with **λ/2**, as here, (1) and (2) have "
    "exactly the same optimal value (at an optimum ‖wᵢ‖² = αᵢ² = ‖uᵢ‖)."
)
ONE_NEURON_LOSS = (
    r"\mathcal L(w) = \sum_{j}\big(\max(0, x_j w) - y_j\big)^2"
    r" + \tfrac{\lambda}{2}\big(w^2 + 1\big)"
)
BIAS_NEURON_LOSS = (
    r"\mathcal L(w, b) = \sum_{j}\big(\max(0, w x_j + b) - y_j\big)^2"
    r" + \tfrac{\lambda}{2}\big(w^2 + b^2 + 1\big)"
)
NETWORK = r"f(x) = \sum_{i=1}^m \alpha_i \max\big(0,\ w_i x\big)"
NETWORK_BIAS = r"f(x) = \sum_{i=1}^m \alpha_i \max\big(0,\ w_i x + b_i\big)"
TWO_NEURON_LOSS = (
    r"\mathcal L(w_1, w_2) = \sum_{j}\big(\max(0, x_j w_1) + \max(0, x_j w_2) - y_j\big)^2"
    r" + \tfrac{\lambda}{2}\big(w_1^2 + w_2^2 + 2\big)"
)

LANDSCAPE = """
Each shaded region is a set of weights where every neuron keeps the same **activation pattern** Dᵢ (which points
it switches on). Inside a region the loss is a convex quadratic; the kinks between regions make the whole surface
non-convex. Flat valleys appear where a neuron is switched off on the points it would need: gradient descent
(full batch, fixed step γ) stops there. **Click anywhere on the contour** to start gradient descent from that point;
▶ Play animates every run in the browser.
"""

CURVE = """
With one neuron the landscape is a curve. Its two pieces belong to two activation patterns: on each piece the loss
is a convex parabola, and gradient descent slides to the bottom of the piece it starts on — which need not be the
lower one. **Click the curve** or move the slider to choose the start.
"""

MANY_NEURONS = """
With many neurons and a trained second layer the landscape has too many dimensions to draw. The loss curve below
and the output chart show where gradient descent ends; the convex panel gives the global optimum it should reach.
"""

OUTPUT = """
The data, the function computed by each gradient-descent endpoint (black: your start) and the network mapped back
from the convex solution (dashed). With up to eight neurons, dotted curves show the neurons of your run, αᵢ·max(0,
wᵢx + bᵢ) (without a bias, αᵢ·max(0, wᵢx)), and small triangles under the axis mark the points each neuron
activates — its pattern Dᵢ; with a bias, thin vertical lines mark each neuron's kink −b/w (with more than eight
neurons, those of the neurons that matter: |αᵢ|·‖wᵢ‖ at least 1 % of the largest).
"""

FIXED_PATTERNS = """
Fix each neuron's activation pattern and the loss is **convex** in the neuron weights (constrained to the cones that
keep those patterns). The smallest of these convex minima over all pattern choices is the global minimum of the
non-convex loss — here that is the star on the landscape. A valley where GD comes to rest is the minimum of the
convex problem for its own patterns (a dead neuron, pattern all zeros, included), but not necessarily the smallest.
"""

PROBLEM_2 = """
With a trained second layer α the same idea gives the convex problem (2) over **all** activation patterns. Its
optimal value equals the optimum of (1) as soon as there are enough neurons (m ≥ n + 1), and its solution maps to
the optimal neurons.
"""

UNRESOLVED_NOTE = (
    "{count} input(s) lie closer to another (within about 1e-9 in angle, the bias included) than activation "
    "patterns reliably resolve in float64: problem (2) may treat them as one input, so the optimum shown may be "
    "that of the merged data (at λ = 0 the true infimum can then be lower). Move them apart (or merge them) for "
    "an exact answer."
)
