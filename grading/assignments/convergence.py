"""The convergence assignment: gradient descent's rate on a quadratic derived step by step,
projections onto a half-space and onto an l1 ball, and a measured rate against its bound.

Hidden reference values are computed here, offline, with plain Python and NumPy (no
optbook, no torch) and written into the test cells as literals. Every graded cell
checks one answer (Part 1: one step, with the steps before it), so a slip costs only
its own cells.
"""

import math

import numpy as np

from grading.authoring import SETUP_IMPORTS, answer, intro, lit, markdown, setup, test, write

NAME = "convergence"

# ----------------------------------------------------------------------------- Part 1
# Each step's reference, as a function of the numbers the hidden checks use.
STEPS = [
    ("gradient_coordinate", lambda v: v["lam"] * v["c"]),
    ("next_coordinate", lambda v: (1 - v["eta"] * v["lam"]) * v["c"]),
    ("coordinate_after_t", lambda v: (1 - v["eta"] * v["lam"]) ** v["t"] * v["c0"]),
    ("gap_after_t", lambda v: v["lam"] / 2 * (1 - v["eta"] * v["lam"]) ** (2 * v["t"]) * v["c0"] ** 2),
    ("worst_factor", lambda v: max(abs(1 - v["eta"] * v["mu"]), abs(1 - v["eta"] * v["L"]))),
]
# The symbols each step may use, and the hidden points (chosen so that the common slips
# differ: t + 1 for t, no square, 1 - mu/L, 1 - eta mu, a missing 1/2).
USES = [("lam", "c"), ("eta", "lam", "c"), ("eta", "lam", "c0", "t"), ("eta", "lam", "c0", "t"),
        ("eta", "mu", "L")]
POINTS = [
    {"eta": 0.13, "lam": 2.7, "c": -1.9, "c0": 1.6, "t": 5, "mu": 0.4, "L": 3.1},
    {"eta": 0.7, "lam": 2.2, "c": 0.8, "c0": -2.3, "t": 3, "mu": 0.3, "L": 2.6},
    {"eta": 0.31, "lam": 0.45, "c": 2.4, "c0": 0.9, "t": 8, "mu": 0.45, "L": 5.0},
]
STEP_WORDS = [
    "gradient_coordinate (the eigencoordinate of the gradient H (x - x*): q_i^T H = lam q_i^T)",
    "next_coordinate (the eigencoordinate after one step x - eta grad f(x))",
    "coordinate_after_t (the eigencoordinate after t steps: apply next_coordinate t times, starting from c0)",
    "gap_after_t (coordinate i's share of f(x_t) - f*: lam / 2 times the square of the coordinate after t steps)",
    "worst_factor (the largest per-step factor |1 - eta lam| over the eigenvalues lam in [mu, L])",
]


def _at(step, point):
    names = USES[step]
    args = ", ".join(f"{n}={point[n]!r}" for n in names)
    return f"evaluate({STEPS[step][0]}, {STEPS[step][0]!r}, {args})"


def _step_hidden(k):
    """The hidden checks of the cell for step k (0-based): every step up to k."""
    lines = []
    for step in range(k + 1):
        exprs = "[" + ", ".join(_at(step, p) for p in POINTS) + "]"
        refs = [STEPS[step][1](p) for p in POINTS]
        lines.append(f"check_close({exprs}, {lit(refs)}, {STEP_WORDS[step]!r}, rtol=1e-9, atol=1e-12)")
    return "\n".join(lines)


VISIBLE = [
    'check_close(evaluate(gradient_coordinate, "gradient_coordinate", lam=2.0, c=3.0), 6.0, '
    '"gradient_coordinate at lam = 2, c = 3 (q_i^T H (x - x*) = lam c)")',
    'check_close(evaluate(next_coordinate, "next_coordinate", eta=0.1, lam=2.0, c=3.0), 2.4, '
    '"next_coordinate at eta = 0.1, lam = 2, c = 3 (the coordinate minus eta times the gradient\'s)")',
    'check_close(evaluate(coordinate_after_t, "coordinate_after_t", eta=0.1, lam=2.0, c0=3.0, t=0), 3.0, '
    '"coordinate_after_t at t = 0 (after zero steps the coordinate is still c0: count the steps from 0)")\n'
    'check_close(evaluate(coordinate_after_t, "coordinate_after_t", eta=0.1, lam=2.0, c0=3.0, t=2), 1.92, '
    '"coordinate_after_t at t = 2, eta = 0.1, lam = 2, c0 = 3")',
    'check_close(evaluate(gap_after_t, "gap_after_t", eta=0.1, lam=2.0, c0=3.0, t=0), 9.0, '
    '"gap_after_t at t = 0, lam = 2, c0 = 3 (f - f* = lam / 2 times the coordinate squared)")\n'
    'check_close(evaluate(gap_after_t, "gap_after_t", eta=0.1, lam=2.0, c0=3.0, t=1), 5.76, '
    '"gap_after_t at t = 1 (square the whole coordinate after t steps, its factor included)")',
    'check_close(evaluate(worst_factor, "worst_factor", eta=0.3, mu=0.5, L=8.0), 1.4, '
    '"worst_factor at eta = 0.3, mu = 0.5, L = 8 (a learning rate too large for L: look at both ends of '
    '[mu, L]; 1 - mu/L is the factor of eta = 1/L only)")',
]

# ----------------------------------------------------------------------------- Part 2
def _halfspace(y, a, b):
    y, a = np.asarray(y, float), np.asarray(a, float)
    return y - max(0.0, a @ y - b) / (a @ a) * a


def _l1_ball(y, radius):
    y = np.asarray(y, float)
    if np.abs(y).sum() <= radius:
        return y
    u = np.sort(np.abs(y))[::-1]
    cssv = np.cumsum(u) - radius
    rho = np.nonzero(u - cssv / np.arange(1, len(u) + 1) > 0)[0][-1]
    tau = cssv[rho] / (rho + 1)
    return np.sign(y) * np.maximum(np.abs(y) - tau, 0.0)


HALF_CASES = [  # (y, a, b): outside, inside, outside with a long a, in 4-D
    ([3.0, -1.0, 2.0], [1.0, 2.0, -2.0], -2.5),
    ([0.5, 0.25], [3.0, 4.0], 10.0),
    ([4.0, 1.5], [3.0, 4.0], 10.0),
    ([1.0, -2.0, 0.5, 3.0], [0.5, 0.0, -1.5, 2.0], 1.0),
    ([-1.0, 2.0, 0.5], [0.0, 0.0, 2.0], 3.0),
]
L1_CASES = [  # (y, radius): outside, inside, one large entry, 5-D with signs
    ([1.5, -0.7, 0.2], 1.0),
    ([0.3, -0.2, 0.1], 1.0),
    ([5.0, 0.3, -0.1], 2.0),
    ([-0.9, 2.3, 0.45, -1.7, 0.05], 2.5),
    ([0.6, -0.8], 1.3),
]
for _y, _r in L1_CASES:  # no ties among the absolute values
    assert len(set(np.abs(_y))) == len(_y)


def _cases(function, cases, call):
    exprs = "[" + ", ".join(call(*case) for case in cases) + "]"
    refs = np.concatenate([function(*case) for case in cases])
    return exprs, refs


HALF_EXPRS, HALF_REFS = _cases(_halfspace, HALF_CASES,
                               lambda y, a, b: f"project_halfspace(np.array({y}), np.array({a}), {b})")
L1_EXPRS, L1_REFS = _cases(_l1_ball, L1_CASES,
                           lambda y, r: f"project_l1_ball(np.array({y}), {r})")
# Shown to the student in the visible checks: each example's answer is easy by hand.
L1_VISIBLE = _l1_ball([2.0, -1.0], 2.0)  # (1.5, -0.5)
assert np.allclose(L1_VISIBLE, [1.5, -0.5])

# ----------------------------------------------------------------------------- Part 3
EIGENVALUES = [0.2, 0.5, 1.0, 2.0]
ETA, RUN_STEPS = 0.96, 100


def _distances():
    x = np.ones(4)
    out = [float(np.linalg.norm(x))]
    for _ in range(RUN_STEPS):
        x = x - ETA * np.array(EIGENVALUES) * x
        out.append(float(np.linalg.norm(x)))
    return out


DISTANCES = _distances()
MEASURED = (DISTANCES[20] / DISTANCES[10]) ** (1 / 10)
BOUND = max(abs(1 - ETA * lam) for lam in EIGENVALUES)
assert abs(BOUND - 0.92) < 1e-12 and abs(MEASURED - BOUND) > 1e-3
assert all(d <= BOUND ** t * DISTANCES[0] * (1 + 1e-12) for t, d in enumerate(DISTANCES))
DOMINANT = 2.0

cells = [
    intro("Assignment: convexity and convergence", "convergence", """
        Three parts: (1) the rate of gradient descent on a quadratic, derived step by step
        and checked at every step, (2) projections onto a half-space and onto an
        $\\ell_1$ ball, and (3) a measured rate against its bound.
        """),
    setup(SETUP_IMPORTS + "import sympy as sp\n"),

    markdown("p1_text", """
        ## Part 1: the rate on a quadratic, step by step (5 points)

        Take $f(\\mathbf{x}) = \\tfrac12(\\mathbf{x} - \\mathbf{x}^\\star)^\\top\\mathbf{H}(\\mathbf{x} - \\mathbf{x}^\\star)$
        with $\\mathbf{H}$ symmetric, eigenvalues $\\lambda_i$ in $[\\mu, L]$ and orthonormal
        eigenvectors $\\mathbf{q}_i$, and gradient descent
        $\\mathbf{x}_{t+1} = \\mathbf{x}_t - \\eta\\nabla f(\\mathbf{x}_t)$. Follow one
        eigencoordinate of the error, $c = \\mathbf{q}_i^\\top(\\mathbf{x} - \\mathbf{x}^\\star)$,
        with eigenvalue $\\lambda = \\lambda_i$. Write each step as a sympy expression in the
        symbols imported below (`eta`, `lam`, `c`, `c0`, `t`, `mu`, `L`); each step applies
        one rule to the step before:

        1. `gradient_coordinate`: $\\mathbf{q}_i^\\top\\nabla f(\\mathbf{x})$ in terms of `lam` and
           `c` (rule: $\\nabla f(\\mathbf{x}) = \\mathbf{H}(\\mathbf{x} - \\mathbf{x}^\\star)$ and
           $\\mathbf{q}_i^\\top\\mathbf{H} = \\lambda_i\\mathbf{q}_i^\\top$);
        2. `next_coordinate`: the coordinate after one step, in terms of `eta`, `lam`, `c`
           (rule: the update);
        3. `coordinate_after_t`: the coordinate after $t$ steps from $c_0$, in terms of
           `eta`, `lam`, `c0`, `t` (rule: induction on $t$);
        4. `gap_after_t`: this coordinate's share of $f(\\mathbf{x}_t) - f^\\star$, which is
           $\\tfrac{\\lambda}{2}c^2$, after $t$ steps (rule: substitute step 3);
        5. `worst_factor`: the largest per-step factor $|1 - \\eta\\lambda|$ over all
           $\\lambda$ in $[\\mu, L]$, in terms of `eta`, `mu`, `L`, so that
           $\\|\\mathbf{x}_t - \\mathbf{x}^\\star\\| \\le$ `worst_factor`$^t\\,\\|\\mathbf{x}_0 - \\mathbf{x}^\\star\\|$
           for every learning rate (rule: $|1 - \\eta\\lambda|$ is convex in $\\lambda$, so
           its largest value on an interval is at an end; `sp.Abs` and `sp.Max` help).

        The checks evaluate your expressions at numbers, so any equal form counts. Step $k$
        earns its point only when steps $1, \\dots, k$ are all right: nothing after a false
        step earns credit, and writing the final rate for every step earns nothing.
        `evaluate(expression, eta=..., ...)` gives an expression's value.
        """),
    answer("p1_derivation", """
        from optbook.derivations import eta, lam, c, c0, t, mu, L, evaluate

        ### BEGIN SOLUTION
        gradient_coordinate = lam * c
        next_coordinate = c - eta * gradient_coordinate
        coordinate_after_t = (1 - eta * lam) ** t * c0
        gap_after_t = lam / 2 * coordinate_after_t ** 2
        worst_factor = sp.Max(sp.Abs(1 - eta * mu), sp.Abs(1 - eta * L))
        ### END SOLUTION
        """),
    *[test(f"p1_tests_step{k + 1}", 1, VISIBLE[k], _step_hidden(k)) for k in range(5)],

    markdown("p2_text", """
        ## Part 2: two projections (4 points)

        The chapter projects onto a box, a ball and the simplex. Write two more, for one
        point `y` (a 1-D NumPy array of float64; return a 1-D array, a tensor or a list):

        * `project_halfspace(y, a, b)`: the nearest point of the half-space
          $\\{\\mathbf{x} : \\mathbf{a}^\\top\\mathbf{x} \\le b\\}$ ($\\mathbf{a} \\ne 0$, not
          necessarily of length 1);
        * `project_l1_ball(y, radius)`: the nearest point (in the Euclidean norm) of the
          $\\ell_1$ ball $\\{\\mathbf{x} : \\sum_j |x_j| \\le r\\}$. Hint: outside the ball the
          answer is $\\mathrm{sign}(y_j)\\max(|y_j| - \\tau, 0)$ for the $\\tau > 0$ that puts it on
          the boundary, which is where `project_simplex` helps
          (`from optbook.projections import project_simplex`; it takes a tensor).

        A point of the set is its own projection.
        """),
    answer("p2_projections", """
        def project_halfspace(y, a, b):
            ### BEGIN SOLUTION
            y, a = np.asarray(y, dtype=float), np.asarray(a, dtype=float)
            excess = a @ y - b
            return y - max(excess, 0.0) / (a @ a) * a
            ### END SOLUTION


        def project_l1_ball(y, radius):
            ### BEGIN SOLUTION
            y = np.asarray(y, dtype=float)
            if np.abs(y).sum() <= radius:
                return y.copy()
            u = np.sort(np.abs(y))[::-1]
            excess = np.cumsum(u) - radius
            rho = np.nonzero(u - excess / np.arange(1, len(u) + 1) > 0)[0][-1]
            tau = excess[rho] / (rho + 1)
            return np.sign(y) * np.maximum(np.abs(y) - tau, 0.0)
            ### END SOLUTION
        """),
    test("p2_tests_halfspace_visible", 1, """
        check_close(project_halfspace(np.array([0.5, 0.5]), np.array([0.0, 1.0]), 2.0), [0.5, 0.5],
                    "project_halfspace of a point inside the half-space (a point of the set is its own projection)")
        check_close(project_halfspace(np.array([3.0, 5.0]), np.array([0.0, 1.0]), 2.0), [3.0, 2.0],
                    "project_halfspace([3, 5]) onto x2 <= 2 (move along a until a^T x = b)")
        """),
    test("p2_tests_halfspace_hidden", 1, f"""
        check_close(project_halfspace(np.array([4.0, 3.0]), np.array([3.0, 4.0]), 10.0), {lit(_halfspace([4.0, 3.0], [3.0, 4.0], 10.0), 12)},
                    "project_halfspace([4, 3]) onto 3 x1 + 4 x2 <= 10 (a of length 5: divide by ||a||^2, not ||a||)")
        """, f"""
        check_close({HALF_EXPRS}, {lit(HALF_REFS)},
                    "project_halfspace on points inside and outside, with a of any length "
                    "(y - max(a^T y - b, 0) a / ||a||^2)", rtol=1e-9, atol=1e-12)
        """),
    test("p2_tests_l1_visible", 1, f"""
        check_close(project_l1_ball(np.array([0.2, -0.3]), 1.0), [0.2, -0.3],
                    "project_l1_ball of a point inside the ball (a point of the set is its own projection)")
        check_close(project_l1_ball(np.array([2.0, -1.0]), 2.0), {lit(L1_VISIBLE)},
                    "project_l1_ball([2, -1], 2) (subtract the same tau = 0.5 from every |y_j| and keep the signs)")
        """),
    test("p2_tests_l1_hidden", 1, "", f"""
        check_close({L1_EXPRS}, {lit(L1_REFS)},
                    "project_l1_ball on points inside and outside (sign(y) max(|y| - tau, 0): the nearest point, "
                    "not y scaled down to the boundary)", rtol=1e-9, atol=1e-12)
        """),

    markdown("p3_text", f"""
        ## Part 3: a measured rate against its bound (4 points)

        Run gradient descent with $\\eta = {ETA}$ for {RUN_STEPS} steps on
        $f(\\mathbf{{x}}) = \\tfrac12\\sum_i\\lambda_i x_i^2$ with
        $\\lambda = ({', '.join(str(v) for v in EIGENVALUES)})$ (so $\\mathbf{{x}}^\\star = 0$,
        $\\mu = {EIGENVALUES[0]}$, $L = {EIGENVALUES[-1]}$), from $\\mathbf{{x}}_0 = (1, 1, 1, 1)$,
        in float64 or float32 (NumPy, torch, or `gradient_descent` from `optbook.convergence`). Then set

        * `distances`: $\\|\\mathbf{{x}}_t - \\mathbf{{x}}^\\star\\|$ for $t = 0, \\dots, {RUN_STEPS}$
          ({RUN_STEPS + 1} numbers, a list, an array or a tensor);
        * `measured_rate`: the mean factor per step between steps 10 and 20,
          $(\\|\\mathbf{{x}}_{{20}}\\| / \\|\\mathbf{{x}}_{{10}}\\|)^{{1/10}}$;
        * `bound_rate`: the factor per step of the bound, `worst_factor` of Part 1 at this
          $\\eta$, $\\mu$ and $L$;
        * `dominant_eigenvalue`: look at the coordinates of $\\mathbf{{x}}_{{{RUN_STEPS}}}$: the
          eigenvalue $\\lambda_i$ whose coordinate is the largest in size at the end of the run.
        """),
    answer("p3_run", f"""
        ### BEGIN SOLUTION
        _eigenvalues = np.array({EIGENVALUES})
        _x = np.ones(4)
        distances = [np.linalg.norm(_x)]
        for _ in range({RUN_STEPS}):
            _x = _x - {ETA} * _eigenvalues * _x
            distances.append(np.linalg.norm(_x))
        measured_rate = (distances[20] / distances[10]) ** (1 / 10)
        bound_rate = max(abs(1 - {ETA} * _eigenvalues))
        dominant_eigenvalue = _eigenvalues[np.argmax(np.abs(_x))]
        ### END SOLUTION
        """),
    test("p3_tests_distances", 1, f"""
        check_type(distances, "sequence", "distances (t = 0, ..., {RUN_STEPS}, the start included)", length={RUN_STEPS + 1})
        check_close(distances[:2], {lit(DISTANCES[:2])}, "distances[:2] (||x_0|| = 2, then one step with eta = {ETA})")
        """, f"""
        check_close(distances, {lit(DISTANCES)}, "distances (||x_t|| for t = 0, ..., {RUN_STEPS})", rtol=1e-7, atol=1e-14)
        """),
    test("p3_tests_measured", 1, """
        check_number(measured_rate, "measured_rate")
        """, f"""
        check_close(measured_rate, {MEASURED!r},
                    "measured_rate ((||x_20|| / ||x_10||)^(1/10), from your run: not the bound's factor)", rtol=1e-7)
        """),
    test("p3_tests_bound", 1, """
        check_number(bound_rate, "bound_rate")
        check_less(0.5, bound_rate, "bound_rate (a factor per step close to 1) compared with 0.5")
        """, f"""
        check_close(bound_rate, {BOUND!r},
                    "bound_rate (max |1 - eta lam| over [mu, L] at eta = {ETA}: here the end at L decides, "
                    "1 - mu/L is the factor of eta = 1/L only)", rtol=1e-9)
        """),
    test("p3_tests_dominant", 1, f"""
        check_one_of(dominant_eigenvalue, {EIGENVALUES}, "dominant_eigenvalue (one of the four eigenvalues)")
        """, f"""
        check_close(dominant_eigenvalue, {DOMINANT!r},
                    "dominant_eigenvalue (the coordinate of x_{RUN_STEPS} largest in size: its factor |1 - eta lam| is the largest)",
                    rtol=1e-9)
        """),
]

if __name__ == "__main__":
    print(write(NAME, cells))
