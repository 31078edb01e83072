"""The momentum assignment: the heavy-ball update, the effective learning rate, stability
on a quadratic, and the best heavy-ball rate against gradient descent.

Hidden reference values are computed here, offline, in plain Python and NumPy (no
optbook, no torch) and written into the test cells as literals.

No answer is a function of ``optbook.momentum_theory`` as it stands: the weights are
asked oldest first, the state of Part 3 is (x, v) (the chapter's is (v, x)), and Part 4
asks for the rates, not the parameters ``optimal_parameters`` returns.
"""

import math
import textwrap

import numpy as np

from grading.authoring import SETUP_IMPORTS, answer, intro, lit, markdown, setup, test, tests, write

NAME = "momentum"


def hidden(grade_id, points, code):
    """A graded cell of hidden checks only."""
    return tests(grade_id, points, "### BEGIN HIDDEN TESTS\n" + textwrap.dedent(code).strip("\n")
                 + "\n### END HIDDEN TESTS")


def _heavy_ball(grad, x0, lr, beta, steps):
    x, v = list(x0), [0.0, 0.0]
    out = list(x)
    for _ in range(steps):
        g = grad(*x)
        v = [beta * v[i] + g[i] for i in range(2)]
        x = [x[i] - lr * v[i] for i in range(2)]
        out += x
    return out


EFF_CASES = [(0.1, 0.9, 10), (0.01, 0.99, 1000), (0.6, 0.25, 3), (0.2, 0.0, 5)]
REF_EFF = [lr * sum(b ** k for k in range(t)) for lr, b, t in EFF_CASES]

ILL = lambda x1, x2: (0.2 * x1, 4 * x2)  # noqa: E731
REF_HB = _heavy_ball(ILL, (-5.0, -2.0), 0.6, 0.5, 20)
REF_HB2 = _heavy_ball(lambda x1, x2: (2 * x1, 4 * x2), (1.0, -1.0), 0.05, 0.9, 8)
REF_SECOND = _heavy_ball(lambda x1, x2: (x1, x2), (1.0, -2.0), 0.25, 0.5, 2)[4:6]
assert REF_SECOND == [0.4375, -0.875]


def _matrix(lr, beta, lam):
    """(x', v') = M (x, v)."""
    return [[1 - lr * lam, -lr * beta], [lam, beta]]


def _radius(m):
    return float(max(abs(np.linalg.eigvals(np.array(m, dtype=float)))))


MATRICES = [[[0.5, 4.0], [-0.3, -1.4]], [[2.0, 1.0], [0.0, -3.0]], [[0.0, 1.0], [-1.0, 0.0]],
            [[0.9, 0.5], [0.4, 0.3]]]
RADII = [_radius(m) for m in MATRICES]
BETAS = [0.0, 0.1, 0.15, 0.3, 0.5, 0.9, 0.95]
STABLE = [b for b in BETAS if _radius(_matrix(0.6, b, 4.0)) < 1]
assert STABLE == [0.3, 0.5, 0.9, 0.95]
assert all(abs(_radius(_matrix(0.6, b, 4.0)) - 1) > 0.02 for b in BETAS)  # no tie at rho = 1


def _gd_rate(mu, L):
    return (L / mu - 1) / (L / mu + 1)


def _hb_rate(mu, L):
    return (math.sqrt(L / mu) - 1) / (math.sqrt(L / mu) + 1)


def _steps(rate, factor):
    k = math.ceil(math.log(factor) / math.log(rate))
    assert rate ** k <= factor < rate ** (k - 1) and abs(math.log(factor) / math.log(rate) - k) > 1e-3
    return k


STEPS_GD, STEPS_HB = _steps(_gd_rate(1.0, 100.0), 1e-3), _steps(_hb_rate(1.0, 100.0), 1e-3)
assert (STEPS_GD, STEPS_HB) == (346, 35)

IN_PLACE = ("the first row (x0 itself: if it moved, a later step changed the stored point "
            "in place; store a copy, or write x = x - ...)")

cells = [
    intro("Assignment: momentum", "momentum", """
        Four parts: (1) the heavy-ball update, (2) the effective learning rate and the weights
        of past gradients, (3) when momentum converges on a quadratic, and (4) how much faster
        the best heavy ball is than gradient descent.
        """),
    setup(SETUP_IMPORTS),

    markdown("p1_text", """
        ## Part 1: the heavy-ball update (3 points)

        Write `heavy_ball(f_grad, x0, lr, beta, steps)`: start at `x0` (two floats) with
        velocity $v_0 = 0$ and take `steps` steps
        $v \\leftarrow \\beta v + \\nabla f(x)$, $x \\leftarrow x - \\eta v$, where
        `f_grad(x1, x2)` returns the pair of partial derivatives. Return every point, `x0`
        first, as an array of shape `(steps + 1, 2)`: a NumPy array (float64 or float32), a
        tensor or a list of pairs.
        """),
    answer("p1_heavy_ball", """
        def heavy_ball(f_grad, x0, lr, beta, steps):
            ### BEGIN SOLUTION
            x = np.asarray(x0, dtype=float)
            v = np.zeros_like(x)
            points = [x]
            for _ in range(steps):
                v = beta * v + np.asarray(f_grad(*x), dtype=float)
                x = x - lr * v
                points.append(x)
            return np.array(points)
            ### END SOLUTION
        """),
    tests("p1_tests_visible", 1, f"""
        _path = heavy_ball(lambda x1, x2: (0.2 * x1, 4 * x2), (-5.0, -2.0), 0.6, 0.5, 20)
        check_type(_path, "sequence", "heavy_ball(..., steps=20) (an array of shape (steps + 1, 2))", shape=(21, 2))
        check_close(_path[0], [-5.0, -2.0], {IN_PLACE!r})
        check_close(_path[1], [-4.4, 2.8], "the first heavy-ball step: from v = 0 it is a plain gradient step, x0 - lr grad f(x0)")
        _path = heavy_ball(lambda x1, x2: (x1, x2), (1.0, -2.0), 0.25, 0.5, 2)
        check_close(_path[2], {REF_SECOND!r}, "the second step on (x1^2 + x2^2) / 2 from (1, -2), lr 0.25, beta 0.5: v = beta v + grad f(x) at the current point x (no look-ahead), then x = x - lr v")
        """),
    hidden("p1_tests_hidden_trace", 1, f"""
        _path = heavy_ball(lambda x1, x2: (0.2 * x1, 4 * x2), (-5.0, -2.0), 0.6, 0.5, 20)
        check_close(_path[2], {lit(REF_HB[4:6])}, "the second step, where the velocity first matters", rtol=1e-9)
        check_close(_path, {lit(REF_HB)}, "the heavy-ball path on 0.1 x1^2 + 2 x2^2 (lr 0.6, beta 0.5)", rtol=1e-8, atol=1e-12)
        """),
    hidden("p1_tests_hidden_other", 1, f"""
        _path = heavy_ball(lambda x1, x2: (2 * x1, 4 * x2), (1.0, -1.0), 0.05, 0.9, 8)
        check_close(_path[0], [1.0, -1.0], {IN_PLACE!r})
        check_close(_path, {lit(REF_HB2)}, "the heavy-ball path on x1^2 + 2 x2^2 (lr 0.05, beta 0.9)", rtol=1e-8, atol=1e-12)
        check_close(heavy_ball(lambda x1, x2: (0.0, 0.0), (3.0, 4.0), 0.1, 0.9, 2), [3.0, 4.0, 3.0, 4.0, 3.0, 4.0],
                    "a path from a point where the gradient is zero")
        """),

    markdown("p2_text", """
        ## Part 2: the effective learning rate (3 points)

        Unrolled from $v_0 = 0$, the velocity is a weighted sum of the gradients so far,
        $v_t = \\sum_{s=1}^{t} w_s\\, g_s$. Write

        * `gradient_weights(beta, t)`: the weights $w_1, w_2, \\dots, w_t$ of $g_1, g_2, \\dots, g_t$
          in $v_t$, **oldest first** (a list or array of `t` floats);
        * `effective_lr(lr, beta, t)`: the step length per unit gradient at step $t$, $\\|x_t - x_{t-1}\\| / \\|g\\|$,
          when every gradient so far was the same $g$ (from $v_0 = 0$); for large $t$ it
          approaches the chapter's long-run value;
        * `beta_for(lr, target)`: the $\\beta$ whose long-run effective learning rate ($t \\to \\infty$)
          equals `target`.
        """),
    answer("p2_effective", """
        def gradient_weights(beta, t):
            ### BEGIN SOLUTION
            return [beta ** (t - s) for s in range(1, t + 1)]
            ### END SOLUTION


        def effective_lr(lr, beta, t):
            ### BEGIN SOLUTION
            return lr * (1 - beta ** t) / (1 - beta)
            ### END SOLUTION


        def beta_for(lr, target):
            ### BEGIN SOLUTION
            return 1 - lr / target
            ### END SOLUTION
        """),
    test("p2_tests_weights", 1, """
        check_close(gradient_weights(0.5, 3), [0.25, 0.5, 1.0], "the weights of g_1, g_2, g_3 in v_3 for beta = 0.5 (oldest first: g_1 has decayed the most)")
        """, """
        check_close(gradient_weights(0.9, 4), [0.729, 0.81, 0.9, 1.0], "the weights of g_1, ..., g_4 in v_4 for beta = 0.9 (oldest first)", rtol=1e-9)
        check_close(gradient_weights(0.3, 1), [1.0], "the weight of g_1 in v_1")
        """),
    test("p2_tests_effective", 1, """
        check_close(effective_lr(0.1, 0.5, 1), 0.1, "effective_lr(0.1, 0.5, 1) (momentum builds up from v_0 = 0: step 1 is a plain gradient step)")
        check_close(effective_lr(0.1, 0.5, 2), 0.15, "effective_lr(0.1, 0.5, 2) (momentum builds up from v_0 = 0: v_2 = beta g + g)")
        """, f"""
        check_close([effective_lr(*c) for c in {EFF_CASES!r}], {lit(REF_EFF)},
                    "the effective learning rates at step t (momentum builds up from v_0 = 0)", rtol=1e-9)
        """),
    test("p2_tests_beta", 1, """
        check_close(beta_for(0.1, 0.2), 0.5, "beta_for(0.1, 0.2), the momentum that doubles the effective learning rate")
        """, """
        check_close([beta_for(0.01, 0.1), beta_for(0.3, 0.4), beta_for(0.2, 0.2)], [0.9, 0.25, 0.0],
                    "the momentum that gives the target effective learning rate", rtol=1e-9, atol=1e-12)
        """),

    markdown("p3_text", """
        ## Part 3: when momentum converges on a quadratic (4 points)

        On $f(x) = \\tfrac{\\lambda}{2}x^2$ one heavy-ball step maps the state $(x, v)$ linearly:
        $v' = \\beta v + \\lambda x$, $x' = x - \\eta v'$. Write

        * `momentum_matrix(lr, beta, lam)`: the 2 x 2 matrix $M$ (NumPy) with
          $(x', v') = M (x, v)$: **x first** (the chapter orders the state $(v, x)$);
        * `spectral_radius(M)`: the largest absolute value of the eigenvalues of a square matrix;
        * `largest_stable_lr(beta, lam)`: the learning rate above which the iteration diverges
          (the chapter derives it; you may also find it numerically, to 6 digits, with your
          spectral radius).

        Set `stable_betas` to the list of those $\\beta$ in `[0.0, 0.1, 0.15, 0.3, 0.5, 0.9, 0.95]`,
        in that order, with which $\\eta = 0.6$ converges on $\\lambda = 4$ (spectral radius below 1),
        where plain gradient descent, needing $\\eta < 0.5$, diverges. Compute it.
        """),
    answer("p3_stability", """
        def momentum_matrix(lr, beta, lam):
            ### BEGIN SOLUTION
            return np.array([[1 - lr * lam, -lr * beta], [lam, beta]])
            ### END SOLUTION


        def spectral_radius(M):
            ### BEGIN SOLUTION
            return float(max(abs(np.linalg.eigvals(M))))
            ### END SOLUTION


        def largest_stable_lr(beta, lam):
            ### BEGIN SOLUTION
            return 2 * (1 + beta) / lam
            ### END SOLUTION


        ### BEGIN SOLUTION
        stable_betas = [b for b in [0.0, 0.1, 0.15, 0.3, 0.5, 0.9, 0.95]
                        if spectral_radius(momentum_matrix(0.6, b, 4.0)) < 1]
        ### END SOLUTION
        """),
    test("p3_tests_matrix", 1, """
        check_close(momentum_matrix(0.1, 0.0, 1.0), [[0.9, 0.0], [1.0, 0.0]], "the matrix without momentum, lr 0.1, lambda 1 (the state is (x, v): the first row gives x', the second v'; x' = x - lr v' uses the new velocity v')")
        check_close(momentum_matrix(0.5, 0.5, 1.0), [[0.5, -0.25], [1.0, 0.5]], "the matrix for lr 0.5, beta 0.5, lambda 1 (the state is (x, v); x' = x - lr v' uses the new velocity v')")
        """, """
        check_close(momentum_matrix(0.6, 0.5, 4.0), [[-1.4, -0.3], [4.0, 0.5]], "the matrix for lr 0.6, beta 0.5, lambda 4 (the state is (x, v); x' uses the new velocity v')", rtol=1e-9)
        check_close(momentum_matrix(0.05, 0.9, 10.0), [[0.5, -0.045], [10.0, 0.9]], "the matrix for lr 0.05, beta 0.9, lambda 10 (the state is (x, v); x' uses the new velocity v')", rtol=1e-9)
        """),
    test("p3_tests_radius", 1, """
        check_close(spectral_radius(np.array([[0.5, 0.0], [0.0, -2.0]])), 2.0, "the spectral radius of diag(0.5, -2) (the largest absolute value: a negative eigenvalue counts by its size)")
        """, f"""
        check_close([spectral_radius(np.array(m)) for m in {MATRICES!r}], {lit(RADII)},
                    "the spectral radii (the largest absolute value of an eigenvalue, complex ones included)", rtol=1e-7)
        """),
    test("p3_tests_largest", 1, """
        check_close(largest_stable_lr(0.0, 1.0), 2.0, "the largest stable learning rate without momentum on lambda = 1 (gradient descent's 2 / lambda)", rtol=1e-6)
        """, """
        check_close([largest_stable_lr(0.5, 4.0), largest_stable_lr(0.9, 10.0), largest_stable_lr(0.25, 0.5)], [0.75, 0.38, 5.0],
                    "the largest stable learning rates with momentum", rtol=1e-6)
        """),
    test("p3_tests_stable", 1, """
        check_type(stable_betas, "sequence", "stable_betas (a list of the stable betas)")
        """, f"""
        check_close(stable_betas, {lit(STABLE)}, "stable_betas (the betas with which lr 0.6 converges on lambda = 4)", rtol=1e-9)
        """),

    markdown("p4_text", """
        ## Part 4: the best heavy ball (5 points)

        For a quadratic whose Hessian has eigenvalues in $[\\mu, L]$, the chapter gives the factor
        by which the error shrinks per step, at best, for gradient descent (with its best
        learning rate) and for the heavy ball (with its best $\\eta$ and $\\beta$). Write

        * `gd_rate(mu, L)`: that factor for gradient descent;
        * `heavy_ball_rate(mu, L)`: that factor for the heavy ball (the chapter's formula, or
          your spectral radius at the best parameters);
        * `steps_needed(rate, factor)`: the smallest number of steps $k$ with $\\text{rate}^k \\le \\text{factor}$.

        Then set `steps_gd` and `steps_momentum`: the steps each method needs to shrink the error
        1000-fold when $\\mu = 1$, $L = 100$ (use your functions).
        """),
    answer("p4_rates", """
        def gd_rate(mu, L):
            ### BEGIN SOLUTION
            kappa = L / mu
            return (kappa - 1) / (kappa + 1)
            ### END SOLUTION


        def heavy_ball_rate(mu, L):
            ### BEGIN SOLUTION
            root_kappa = math.sqrt(L / mu)
            return (root_kappa - 1) / (root_kappa + 1)
            ### END SOLUTION


        def steps_needed(rate, factor):
            ### BEGIN SOLUTION
            return math.ceil(math.log(factor) / math.log(rate))
            ### END SOLUTION


        ### BEGIN SOLUTION
        steps_gd = steps_needed(gd_rate(1.0, 100.0), 1e-3)
        steps_momentum = steps_needed(heavy_ball_rate(1.0, 100.0), 1e-3)
        ### END SOLUTION
        """),
    test("p4_tests_gd", 1, """
        check_close(gd_rate(1.0, 3.0), 0.5, "the best rate of gradient descent for mu = 1, L = 3")
        """, f"""
        check_close([gd_rate(0.2, 4.0), gd_rate(1.0, 100.0), gd_rate(2.0, 2.0)], {lit([_gd_rate(0.2, 4.0), _gd_rate(1.0, 100.0), 0.0])},
                    "the best rates of gradient descent", rtol=1e-9, atol=1e-12)
        """),
    test("p4_tests_hb", 1, """
        check_close(heavy_ball_rate(1.0, 9.0), 0.5, "the best heavy-ball rate for mu = 1, L = 9 (the error shrinks by sqrt(beta) per step, not by beta)", rtol=1e-6)
        """, f"""
        check_close([heavy_ball_rate(0.2, 4.0), heavy_ball_rate(1.0, 100.0)], {lit([_hb_rate(0.2, 4.0), _hb_rate(1.0, 100.0)])},
                    "the best heavy-ball rates (the error shrinks by sqrt(beta) per step)", rtol=1e-6)
        """),
    test("p4_tests_steps", 1, """
        check_equal(steps_needed(0.5, 0.1), 4, "steps_needed(0.5, 0.1) (0.5^4 = 0.0625 is the first power of 0.5 at or below 0.1: round up)")
        """, """
        check_equal(steps_needed(0.9, 1e-3), 66, "steps_needed(0.9, 1e-3) (the first power at or below the factor)")
        check_equal(steps_needed(0.99, 0.5), 69, "steps_needed(0.99, 0.5) (the first power at or below the factor)")
        """),
    hidden("p4_tests_steps_gd", 1, f"""
        check_equal(steps_gd, {STEPS_GD}, "steps_gd (gradient descent, mu = 1, L = 100, a 1000-fold shrink)")
        """),
    hidden("p4_tests_steps_momentum", 1, f"""
        check_equal(steps_momentum, {STEPS_HB}, "steps_momentum (the best heavy ball, mu = 1, L = 100, a 1000-fold shrink)")
        """),
]

if __name__ == "__main__":
    print(write(NAME, cells))
