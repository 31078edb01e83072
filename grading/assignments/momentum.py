"""The momentum assignment: the heavy-ball update, the effective learning rate, stability
on a quadratic, and the optimal heavy-ball parameters.

Hidden reference values are computed here, offline, in plain Python and NumPy (no
optbook, no torch) and written into the test cells as literals.
"""

import math

import numpy as np

from grading.authoring import SETUP_IMPORTS, answer, intro, markdown, setup, tests, write

NAME = "momentum"


def _heavy_ball(grad, x0, lr, beta, steps):
    x, v = list(x0), [0.0, 0.0]
    out = list(x)
    for _ in range(steps):
        g = grad(*x)
        v = [beta * v[i] + g[i] for i in range(2)]
        x = [x[i] - lr * v[i] for i in range(2)]
        out += x
    return out


ILL = lambda x1, x2: (0.2 * x1, 4 * x2)  # noqa: E731
REF_HB = _heavy_ball(ILL, (-5.0, -2.0), 0.6, 0.5, 20)
REF_HB2 = _heavy_ball(lambda x1, x2: (2 * x1, 4 * x2), (1.0, -1.0), 0.05, 0.9, 8)


def _matrix(lr, beta, lam):
    return [[beta, lam], [-lr * beta, 1 - lr * lam]]


CASES = [(0.6, 0.5, 4.0), (0.6, 0.5, 0.2), (0.1, 0.9, 10.0), (0.5, 0.25, 5.0)]
RADII = [float(max(abs(np.linalg.eigvals(np.array(_matrix(*c)))))) for c in CASES]


def r(values):
    return repr([round(v, 13) for v in values])


cells = [
    intro("Assignment: momentum", "momentum", """
        Four parts: (1) the heavy-ball update, (2) the effective learning rate and the weights
        of past gradients, (3) when momentum converges on a quadratic, and (4) the best
        heavy-ball parameters and how much they gain over gradient descent.
        """),
    setup(SETUP_IMPORTS),

    markdown("p1_text", """
        ## Part 1: the heavy-ball update

        Write `heavy_ball(f_grad, x0, lr, beta, steps)`: start at `x0` (two floats) with
        velocity $v_0 = 0$ and take `steps` steps
        $v \\leftarrow \\beta v + \\nabla f(x)$, $x \\leftarrow x - \\eta v$, where
        `f_grad(x1, x2)` returns the pair of partial derivatives. Return a NumPy array of shape
        `(steps + 1, 2)` with every point, `x0` first.
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
    tests("p1_tests_visible", 1, """
        _path = heavy_ball(lambda x1, x2: (0.2 * x1, 4 * x2), (-5.0, -2.0), 0.6, 0.5, 20)
        check_type(_path, "ndarray", "heavy_ball(..., steps=20) (a NumPy array of shape (steps + 1, 2))", shape=(21, 2))
        check_close(_path[1], [-4.4, 2.8], "the first heavy-ball step (it equals a gradient step)")
        """),
    tests("p1_tests_hidden_trace", 1, f"""
        ### BEGIN HIDDEN TESTS
        _path = heavy_ball(lambda x1, x2: (0.2 * x1, 4 * x2), (-5.0, -2.0), 0.6, 0.5, 20)
        check_close(_path[2], {r(REF_HB[4:6])}, "the second step, where the velocity first matters", rtol=1e-9)
        check_close(_path, {r(REF_HB)}, "the heavy-ball path on 0.1 x1^2 + 2 x2^2 (lr 0.6, beta 0.5)", rtol=1e-8, atol=1e-12)
        ### END HIDDEN TESTS
        """),
    tests("p1_tests_hidden_other", 1, f"""
        ### BEGIN HIDDEN TESTS
        _path = heavy_ball(lambda x1, x2: (2 * x1, 4 * x2), (1.0, -1.0), 0.05, 0.9, 8)
        check_close(_path, {r(REF_HB2)}, "the heavy-ball path on x1^2 + 2 x2^2 (lr 0.05, beta 0.9)", rtol=1e-8, atol=1e-12)
        check_close(heavy_ball(lambda x1, x2: (0.0, 0.0), (3.0, 4.0), 0.1, 0.9, 2), [3.0, 4.0, 3.0, 4.0, 3.0, 4.0],
                    "a path from a point where the gradient is zero")
        ### END HIDDEN TESTS
        """),

    markdown("p2_text", """
        ## Part 2: the effective learning rate

        Unrolled, the velocity is a weighted sum of past gradients,
        $v_t = \\sum_{\\tau \\ge 0} \\beta^\\tau g_{t-\\tau}$. Write

        * `gradient_weights(beta, k)`: the weights of $g_t, g_{t-1}, \\dots, g_{t-k+1}$ (a list of `k` floats);
        * `effective_lr(lr, beta)`: the step length per unit gradient once the gradient has been
          constant for a long time;
        * `beta_for(lr, target)`: the $\\beta$ that makes the effective learning rate equal `target`.
        """),
    answer("p2_effective", """
        def gradient_weights(beta, k):
            ### BEGIN SOLUTION
            return [beta ** tau for tau in range(k)]
            ### END SOLUTION


        def effective_lr(lr, beta):
            ### BEGIN SOLUTION
            return lr / (1 - beta)
            ### END SOLUTION


        def beta_for(lr, target):
            ### BEGIN SOLUTION
            return 1 - lr / target
            ### END SOLUTION
        """),
    tests("p2_tests_visible", 1, """
        check_close(gradient_weights(0.5, 3), [1.0, 0.5, 0.25], "the weights of the last 3 gradients for beta = 0.5")
        check_close(effective_lr(0.1, 0.0), 0.1, "the effective learning rate without momentum")
        """),
    tests("p2_tests_hidden", 2, """
        ### BEGIN HIDDEN TESTS
        check_close(gradient_weights(0.9, 4), [1.0, 0.9, 0.81, 0.729], "the weights for beta = 0.9")
        check_close([effective_lr(0.1, 0.9), effective_lr(0.01, 0.99), effective_lr(0.6, 0.5)], [1.0, 1.0, 1.2],
                    "the effective learning rates", rtol=1e-9)
        check_close([beta_for(0.01, 0.1), beta_for(0.3, 0.6)], [0.9, 0.5], "the momentum that gives the target rate", rtol=1e-9)
        ### END HIDDEN TESTS
        """),

    markdown("p3_text", """
        ## Part 3: when momentum converges on a quadratic

        On $f(x) = \\tfrac{\\lambda}{2}x^2$ one heavy-ball step maps the state $(v, x)$ linearly:
        $v' = \\beta v + \\lambda x$, $x' = x - \\eta v'$. Write

        * `momentum_matrix(lr, beta, lam)`: the 2 x 2 matrix $M$ (NumPy) with $(v', x') = M (v, x)$;
        * `spectral_radius(M)`: the largest absolute value of its eigenvalues;
        * `largest_stable_lr(beta, lam)`: the learning rate above which the iteration diverges,
          $\\eta < 2(1+\\beta)/\\lambda$.

        Set `stable_with_momentum`: is $\\eta = 0.6$ stable on $\\lambda = 4$ (where plain gradient
        descent, needing $\\eta < 0.5$, diverges) with $\\beta = 0.5$? (`True` or `False`, computed
        from your spectral radius.)
        """),
    answer("p3_stability", """
        def momentum_matrix(lr, beta, lam):
            ### BEGIN SOLUTION
            return np.array([[beta, lam], [-lr * beta, 1 - lr * lam]])
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
        stable_with_momentum = bool(spectral_radius(momentum_matrix(0.6, 0.5, 4.0)) < 1)
        ### END SOLUTION
        """),
    tests("p3_tests_visible", 1, """
        check_close(momentum_matrix(0.1, 0.0, 1.0), [[0.0, 1.0], [0.0, 0.9]], "the matrix without momentum")
        check_one_of(stable_with_momentum, [True, False], "stable_with_momentum (True or False)")
        """),
    tests("p3_tests_hidden", 2, f"""
        ### BEGIN HIDDEN TESTS
        check_close(momentum_matrix(0.6, 0.5, 4.0), [[0.5, 4.0], [-0.3, -1.4]], "the matrix for lr 0.6, beta 0.5, lambda 4", rtol=1e-9)
        check_close([spectral_radius(momentum_matrix(*c)) for c in {CASES!r}], {r(RADII)},
                    "the spectral radii", rtol=1e-7)
        check_close([largest_stable_lr(0.5, 4.0), largest_stable_lr(0.9, 10.0)], [0.75, 0.38], "the largest stable learning rates", rtol=1e-9)
        check_equal(stable_with_momentum, True, "stable_with_momentum (lr = 0.6, beta = 0.5 on lambda = 4)")
        ### END HIDDEN TESTS
        """),

    markdown("p4_text", """
        ## Part 4: the best heavy ball

        For a quadratic whose Hessian has eigenvalues in $[\\mu, L]$, the heavy ball with
        $\\eta = 4/(\\sqrt L + \\sqrt\\mu)^2$ and $\\beta = \\left(\\frac{\\sqrt\\kappa - 1}{\\sqrt\\kappa + 1}\\right)^2$,
        $\\kappa = L/\\mu$, shrinks the error by about $\\sqrt\\beta$ per step, while gradient descent
        with its best rate shrinks it by $(\\kappa-1)/(\\kappa+1)$. Write

        * `optimal_heavy_ball(mu, L)`: the pair `(lr, beta)`;
        * `steps_needed(rate, factor)`: the smallest number of steps $k$ with $\\text{rate}^k \\le \\text{factor}$.

        Then set `steps_gd` and `steps_momentum`: the steps each method needs to shrink the error
        1000-fold for $\\kappa = 100$ (use your functions).
        """),
    answer("p4_optimal", """
        def optimal_heavy_ball(mu, L):
            ### BEGIN SOLUTION
            root_kappa = math.sqrt(L / mu)
            return 4 / (math.sqrt(L) + math.sqrt(mu)) ** 2, ((root_kappa - 1) / (root_kappa + 1)) ** 2
            ### END SOLUTION


        def steps_needed(rate, factor):
            ### BEGIN SOLUTION
            return math.ceil(math.log(factor) / math.log(rate))
            ### END SOLUTION


        ### BEGIN SOLUTION
        steps_gd = steps_needed((100 - 1) / (100 + 1), 1e-3)
        steps_momentum = steps_needed(math.sqrt(optimal_heavy_ball(1.0, 100.0)[1]), 1e-3)
        ### END SOLUTION
        """),
    tests("p4_tests_visible", 1, """
        check_close(optimal_heavy_ball(1.0, 1.0), [1.0, 0.0], "the best parameters when mu = L = 1", atol=1e-12)
        check_equal(steps_needed(0.5, 0.1), 4, "steps_needed(0.5, 0.1) (0.5^4 = 0.0625 is the first power of 0.5 below 0.1)")
        """),
    tests("p4_tests_hidden", 2, f"""
        ### BEGIN HIDDEN TESTS
        check_close(optimal_heavy_ball(0.2, 4.0), {r([4 / (math.sqrt(4.0) + math.sqrt(0.2)) ** 2, ((math.sqrt(20) - 1) / (math.sqrt(20) + 1)) ** 2])},
                    "the best (lr, beta) for mu = 0.2, L = 4", rtol=1e-9)
        check_close(optimal_heavy_ball(1.0, 100.0), [4 / 121, 81 / 121], "the best (lr, beta) for kappa = 100", rtol=1e-9)
        check_equal(steps_needed(0.9, 1e-3), 66, "steps_needed(0.9, 1e-3)")
        check_equal(steps_needed(0.99, 0.5), 69, "steps_needed(0.99, 0.5)")
        check_equal(steps_gd, 346, "steps_gd (gradient descent, kappa = 100, a 1000-fold shrink)")
        check_equal(steps_momentum, 35, "steps_momentum (the best heavy ball, kappa = 100, a 1000-fold shrink)")
        ### END HIDDEN TESTS
        """),
]

if __name__ == "__main__":
    print(write(NAME, cells))
