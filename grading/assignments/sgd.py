"""The sgd assignment: noisy gradient steps, learning-rate schedules, the noise floor,
sampling with replacement and the minibatch gradient.

Hidden reference values are computed here, offline, in plain Python (no optbook,
no torch) and written into the test cells as literals.
"""

import math

from grading.authoring import SETUP_IMPORTS, answer, intro, markdown, setup, tests, write

NAME = "sgd"

NOISE = [[0.5, -0.2], [-0.3, 0.4], [0.1, 0.1], [0.8, -0.6], [-0.5, 0.2], [0.0, 0.3]]


def _sgd_trace(x0, noise, lr):
    xs = [list(x0)]
    for t, (n1, n2) in enumerate(noise):
        x1, x2 = xs[-1]
        g1, g2 = 2 * x1 + n1, 4 * x2 + n2
        xs.append([x1 - lr(t) * g1, x2 - lr(t) * g2])
    return [v for x in xs for v in x]


REF_TRACE = _sgd_trace([-5.0, -2.0], NOISE, lambda t: 0.1 * 0.9 ** t)
REF_TRACE_CONST = _sgd_trace([1.0, 1.0], NOISE[:3], lambda t: 0.2)

X = [[1.0, 2.0], [0.5, -1.0], [-1.5, 0.3], [2.0, 0.0]]
Y = [1.0, -2.0, 0.5, 3.0]
W, B = [0.3, -0.4], 0.1


def _mb_grad(w, b, xs, ys):
    n = len(xs)
    gw, gb = [0.0, 0.0], 0.0
    for x, y in zip(xs, ys):
        r = x[0] * w[0] + x[1] * w[1] + b - y
        gw = [gw[0] + r * x[0] / n, gw[1] + r * x[1] / n]
        gb += r / n
    return gw + [gb]


REF_GRAD = _mb_grad(W, B, X, Y)
REF_GRAD_2 = _mb_grad(W, B, X[1:3], Y[1:3])


def r(values):
    return repr([round(v, 13) for v in values])


cells = [
    intro("Assignment: stochastic gradient descent", "sgd", """
        Five parts: (1) gradient descent with noisy gradients, (2) learning-rate schedules,
        (3) why a constant learning rate stalls at a noise floor, (4) sampling with
        replacement, and (5) the minibatch gradient of a linear model.
        """),
    setup(SETUP_IMPORTS),

    markdown("p1_text", """
        ## Part 1: steps with noisy gradients

        Write `sgd_trace(f_grad, x0, lr, noise)`. Starting at the point `x0` (two floats), take
        one step per row of `noise` (an array of shape `(steps, 2)`): at step $t = 0, 1, \\dots$
        the stochastic gradient is the true gradient plus that row,
        $g_t = \\nabla f(x_t) + \\xi_t$, and $x_{t+1} = x_t - \\eta(t)\\, g_t$, where `lr(t)` gives
        $\\eta(t)$ and `f_grad(x1, x2)` returns the pair of partial derivatives.
        Return a NumPy array of shape `(steps + 1, 2)` with all the points, `x0` first.
        """),
    answer("p1_sgd_trace", """
        def sgd_trace(f_grad, x0, lr, noise):
            ### BEGIN SOLUTION
            points = [np.asarray(x0, dtype=float)]
            for t, xi in enumerate(np.asarray(noise, dtype=float)):
                g = np.asarray(f_grad(*points[-1]), dtype=float) + xi
                points.append(points[-1] - lr(t) * g)
            return np.array(points)
            ### END SOLUTION
        """),
    tests("p1_tests_visible", 1, """
        _trace = sgd_trace(lambda x1, x2: (2 * x1, 4 * x2), (1.0, 1.0), lambda t: 0.1, np.zeros((3, 2)))
        check_type(_trace, "ndarray", "sgd_trace(...) with 3 rows of noise (a NumPy array of shape (steps + 1, 2))", shape=(4, 2))
        check_close(_trace[1], [0.8, 0.6], "the first step without noise")
        """),
    tests("p1_tests_hidden", 2, f"""
        ### BEGIN HIDDEN TESTS
        _noise = np.array({NOISE!r})
        _grad = lambda x1, x2: (2 * x1, 4 * x2)
        check_close(sgd_trace(_grad, (-5.0, -2.0), lambda t: 0.1 * 0.9 ** t, _noise), {r(REF_TRACE)},
                    "the trace with the decaying learning rate 0.1 * 0.9^t", rtol=1e-9)
        check_close(sgd_trace(_grad, (1.0, 1.0), lambda t: 0.2, _noise[:3]), {r(REF_TRACE_CONST)},
                    "the trace with a constant learning rate 0.2", rtol=1e-9)
        ### END HIDDEN TESTS
        """),

    markdown("p2_text", """
        ## Part 2: learning-rate schedules

        Each function returns a *schedule*: a function of the step $t = 0, 1, 2, \\dots$
        giving the learning rate.

        * `exponential_lr(lr0, decay)`: $\\eta_t = \\eta_0 e^{-\\lambda t}$;
        * `polynomial_lr(lr0, alpha, beta)`: $\\eta_t = \\eta_0 (\\beta t + 1)^{-\\alpha}$;
        * `piecewise_lr(lr0, milestones, factor)`: $\\eta_0$ multiplied by `factor` once for each
          milestone $m$ with $m \\le t$.
        """),
    answer("p2_schedules", """
        def exponential_lr(lr0, decay):
            ### BEGIN SOLUTION
            return lambda t: lr0 * math.exp(-decay * t)
            ### END SOLUTION


        def polynomial_lr(lr0, alpha, beta):
            ### BEGIN SOLUTION
            return lambda t: lr0 * (beta * t + 1) ** -alpha
            ### END SOLUTION


        def piecewise_lr(lr0, milestones, factor):
            ### BEGIN SOLUTION
            return lambda t: lr0 * factor ** sum(1 for m in milestones if m <= t)
            ### END SOLUTION
        """),
    tests("p2_tests_visible", 1, """
        check_close(exponential_lr(1.0, 0.5)(0), 1.0, "the exponential schedule at t = 0")
        check_close(polynomial_lr(0.5, 0.5, 1.0)(3), 0.25, "the inverse square root schedule at t = 3")
        """),
    tests("p2_tests_hidden", 2, f"""
        ### BEGIN HIDDEN TESTS
        check_close([exponential_lr(0.4, 0.1)(t) for t in (0, 1, 10, 25)],
                    {r([0.4 * math.exp(-0.1 * t) for t in (0, 1, 10, 25)])}, "the exponential schedule")
        check_close([polynomial_lr(0.3, 0.75, 2.0)(t) for t in (0, 1, 4, 100)],
                    {r([0.3 * (2.0 * t + 1) ** -0.75 for t in (0, 1, 4, 100)])}, "the polynomial schedule")
        check_close([piecewise_lr(1.0, [5, 10], 0.1)(t) for t in (0, 4, 5, 9, 10, 30)],
                    [1.0, 1.0, 0.1, 0.1, 0.01, 0.01], "the piecewise constant schedule (milestones 5 and 10)", rtol=1e-9)
        check_close([piecewise_lr(0.5, [10, 3], 0.5)(t) for t in (2, 3, 10)], [0.5, 0.25, 0.125],
                    "the piecewise schedule with unsorted milestones", rtol=1e-9)
        ### END HIDDEN TESTS
        """),

    markdown("p3_text", """
        ## Part 3: the noise floor of a constant learning rate

        On $f(x) = \\tfrac{a}{2}x^2$ with gradient noise of variance $\\sigma^2$,
        SGD with constant $\\eta$ is $x_{t+1} = (1 - \\eta a)x_t - \\eta\\xi_t$. Its variance settles at
        the value $v$ with $v = (1-\\eta a)^2 v + \\eta^2\\sigma^2$. Write `stationary_variance(eta, a, sigma)`,
        and set

        * `halving_ratio` to the ratio of the stationary variances for $\\eta = 0.005$ and
          $\\eta = 0.01$ when $a = 1$, $\\sigma = 1$ (compute it with your function);
        * `floor_answer`: with a constant learning rate SGD on noisy gradients
          "a": converges to the minimizer; "b": keeps fluctuating around it, at a level that
          shrinks roughly in proportion to $\\eta$; "c": diverges for every $\\eta$.
        """),
    answer("p3_noise_floor", """
        def stationary_variance(eta, a, sigma):
            ### BEGIN SOLUTION
            return eta ** 2 * sigma ** 2 / (1 - (1 - eta * a) ** 2)
            ### END SOLUTION


        ### BEGIN SOLUTION
        halving_ratio = stationary_variance(0.005, 1.0, 1.0) / stationary_variance(0.01, 1.0, 1.0)
        floor_answer = "b"
        ### END SOLUTION
        """),
    tests("p3_tests_visible", 1, """
        check_close(stationary_variance(1.0, 1.0, 1.0), 1.0, "the stationary variance for eta = a = sigma = 1")
        check_close(stationary_variance(0.5, 1.0, 1.0), 1 / 3, "the stationary variance for eta = 0.5, a = sigma = 1")
        check_one_of(floor_answer, ["a", "b", "c"], "floor_answer (a letter)")
        """),
    tests("p3_tests_hidden", 2, f"""
        ### BEGIN HIDDEN TESTS
        check_close([stationary_variance(e, a, s) for e, a, s in [(0.1, 2.0, 0.5), (0.01, 1.0, 3.0), (0.5, 0.4, 1.0)]],
                    {r([e * e * s * s / (1 - (1 - e * a) ** 2) for e, a, s in [(0.1, 2.0, 0.5), (0.01, 1.0, 3.0), (0.5, 0.4, 1.0)]])},
                    "the stationary variances")
        check_close(halving_ratio, {(0.005 ** 2 / (1 - 0.995 ** 2)) / (0.01 ** 2 / (1 - 0.99 ** 2))!r},
                    "the ratio of the variances for eta = 0.005 and 0.01", rtol=1e-9)
        check_equal(floor_answer, "b", "floor_answer (what SGD with a constant learning rate does on noisy gradients)")
        ### END HIDDEN TESTS
        """),

    markdown("p4_text", """
        ## Part 4: sampling with replacement

        An epoch of $n$ steps that each draw one of $n$ examples uniformly *with* replacement
        misses some examples. Write

        * `prob_never_picked(n)`: the probability that a given example is never drawn in $n$ draws;
        * `expected_distinct(n, draws)`: the expected number of distinct examples seen in `draws` draws.

        and set `limit_never_picked` to the limit of `prob_never_picked(n)` as $n \\to \\infty$.
        """),
    answer("p4_sampling", """
        def prob_never_picked(n):
            ### BEGIN SOLUTION
            return (1 - 1 / n) ** n
            ### END SOLUTION


        def expected_distinct(n, draws):
            ### BEGIN SOLUTION
            return n * (1 - (1 - 1 / n) ** draws)
            ### END SOLUTION


        ### BEGIN SOLUTION
        limit_never_picked = math.exp(-1)
        ### END SOLUTION
        """),
    tests("p4_tests_visible", 1, """
        check_close(prob_never_picked(2), 0.25, "the probability of never drawing a given one of 2 examples in 2 draws")
        check_close(expected_distinct(1, 5), 1.0, "the distinct examples seen out of 1")
        """),
    tests("p4_tests_hidden", 2, f"""
        ### BEGIN HIDDEN TESTS
        check_close([prob_never_picked(n) for n in (3, 10, 1000)], {r([(1 - 1 / n) ** n for n in (3, 10, 1000)])},
                    "the probabilities of never being drawn")
        check_close([expected_distinct(n, d) for n, d in [(10, 10), (1500, 1500), (100, 300)]],
                    {r([n * (1 - (1 - 1 / n) ** d) for n, d in [(10, 10), (1500, 1500), (100, 300)]])},
                    "the expected numbers of distinct examples", rtol=1e-9)
        check_close(limit_never_picked, 0.36787944117144233, "the limit of (1 - 1/n)^n", rtol=1e-9)
        ### END HIDDEN TESTS
        """),

    markdown("p5_text", """
        ## Part 5: the minibatch gradient

        For a linear model $\\hat y = Xw + b$ and the loss
        $L = \\frac{1}{|B|}\\sum_{i \\in B} \\tfrac12(\\hat y_i - y_i)^2$ over a minibatch $B$, write
        `minibatch_grad(w, b, X, y)` returning the pair `(grad_w, grad_b)` (a tensor of the shape
        of `w` and a scalar tensor) for the rows `X`, `y` of the minibatch. Use the formula, not
        autograd. Then set `batch_variance_answer`: the variance of a minibatch gradient of $|B|$
        examples drawn independently scales like "a": $1/|B|$; "b": $1/\\sqrt{|B|}$; "c": it does not
        depend on $|B|$.
        """),
    answer("p5_minibatch", """
        def minibatch_grad(w, b, X, y):
            ### BEGIN SOLUTION
            residual = X @ w + b - y
            return X.T @ residual / len(y), residual.mean()
            ### END SOLUTION


        ### BEGIN SOLUTION
        batch_variance_answer = "a"
        ### END SOLUTION
        """),
    tests("p5_tests_visible", 1, """
        _gw, _gb = minibatch_grad(torch.zeros(2, dtype=torch.float64), torch.tensor(0.0, dtype=torch.float64),
                                  torch.eye(2, dtype=torch.float64), torch.tensor([1.0, 2.0], dtype=torch.float64))
        check_close(_gw, [-0.5, -1.0], "grad_w for w = 0, X = I, y = (1, 2)")
        check_close(_gb, -1.5, "grad_b for w = 0, X = I, y = (1, 2)")
        """),
    tests("p5_tests_hidden", 2, f"""
        ### BEGIN HIDDEN TESTS
        _X = torch.tensor({X!r}, dtype=torch.float64)
        _y = torch.tensor({Y!r}, dtype=torch.float64)
        _w = torch.tensor({W!r}, dtype=torch.float64)
        _b = torch.tensor({B!r}, dtype=torch.float64)
        _gw, _gb = minibatch_grad(_w, _b, _X, _y)
        check_close(list(_gw) + [_gb], {r(REF_GRAD)}, "(grad_w, grad_b) on the batch of 4", rtol=1e-9)
        _gw, _gb = minibatch_grad(_w, _b, _X[1:3], _y[1:3])
        check_close(list(_gw) + [_gb], {r(REF_GRAD_2)}, "(grad_w, grad_b) on the batch of rows 1 and 2", rtol=1e-9)
        check_equal(batch_variance_answer, "a", "batch_variance_answer (how the variance of a minibatch gradient scales with |B|)")
        ### END HIDDEN TESTS
        """),
]

if __name__ == "__main__":
    print(write(NAME, cells))
