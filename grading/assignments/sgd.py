"""The sgd assignment: noisy gradient steps, learning-rate schedules, the noise floor,
sampling with replacement and the minibatch gradient.

Hidden reference values are computed here, offline, in plain Python (no optbook,
no torch) and written into the test cells as literals.

The schedules of Part 2 (step decay, cosine, linear warm-up) are not the ones
``optbook.schedules`` and the chapter print, so no help text hands them out.
"""

import math

import textwrap

from grading.authoring import SETUP_IMPORTS, answer, intro, lit, markdown, setup, test, tests, write

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


def _step(lr0, every, factor):
    return lambda t: lr0 * factor ** (t // every)


def _cosine(lr0, total):
    return lambda t: lr0 * (1 + math.cos(math.pi * t / total)) / 2


def _warmup(schedule, warmup):
    return lambda t: schedule(0) * (t + 1) / warmup if t < warmup else schedule(t - warmup)


STEP_TS = (0, 3, 4, 7, 8, 13)
REF_STEP = [_step(0.3, 4, 0.5)(t) for t in STEP_TS]
REF_STEP_2 = [_step(2.0, 1, 0.9)(t) for t in (0, 1, 5)]
COS_TS = (0, 1, 3, 6, 11, 12)
REF_COS = [_cosine(0.4, 12)(t) for t in COS_TS]
REF_COS_2 = [_cosine(1.5, 5)(t) for t in (0, 2, 4)]
WARM_TS = (0, 1, 2, 4, 5, 6, 9)
REF_WARM = [_warmup(lambda t: 0.3 / (t + 1), 5)(t) for t in WARM_TS]
REF_WARM_2 = [_warmup(lambda t: 0.8 * 0.7 ** t, 3)(t) for t in (0, 2, 3, 4)]



def _variance_after(eta, a, sigma, t, v0):
    v = v0
    for _ in range(t):
        v = (1 - eta * a) ** 2 * v + eta ** 2 * sigma ** 2
    return v


def _stationary(eta, a, sigma):
    return eta * sigma ** 2 / (a * (2 - eta * a))


VAR_CASES = [(0.1, 2.0, 0.5, 5, 1.0), (0.01, 1.0, 3.0, 200, 0.0), (0.5, 0.4, 1.0, 0, 2.0),
             (0.3, 1.0, 1.0, 5000, 4.0), (1.5, 1.0, 0.5, 7, 0.2)]
REF_VAR = [_variance_after(*c) for c in VAR_CASES]
ETA_CASES = [(1.0, 1.0, 0.01), (2.0, 0.5, 0.3), (0.4, 3.0, 50.0)]
REF_ETA = [2 * v * a / (s * s + v * a * a) for a, s, v in ETA_CASES]
assert all(abs(_stationary(e, a, s) - v) < 1e-12 * v for e, (a, s, v) in zip(REF_ETA, ETA_CASES))
REF_RATIO = _stationary(0.005, 1.0, 1.0) / _stationary(0.01, 1.0, 1.0)

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
BATCH_CASES = [(2.0, 0.3), (1.0, 0.07), (3.0, 1.1), (0.5, 0.6)]
REF_BATCH = [math.ceil((s / t) ** 2) for s, t in BATCH_CASES]
assert all(abs((s / t) ** 2 - round((s / t) ** 2)) > 0.05 for s, t in BATCH_CASES)  # no tie
REF_GRAD_2 = _mb_grad(W, B, X[1:3], Y[1:3])



def hidden(grade_id, points, code):
    """A graded cell of hidden checks only."""
    return tests(grade_id, points, "### BEGIN HIDDEN TESTS\n" + textwrap.dedent(code).strip("\n")
                 + "\n### END HIDDEN TESTS")


IN_PLACE = ("the first row (x0 itself: if it moved, a later step changed the stored point "
            "in place; store a copy, or write x = x - ...)")

cells = [
    intro("Assignment: stochastic gradient descent", "sgd", """
        Five parts: (1) gradient descent with noisy gradients, (2) learning-rate schedules,
        (3) how a constant learning rate stalls at a noise floor, (4) sampling with
        replacement, and (5) the minibatch gradient of a linear model and its noise.
        """),
    setup(SETUP_IMPORTS),

    markdown("p1_text", """
        ## Part 1: steps with noisy gradients (3 points)

        Write `sgd_trace(f_grad, x0, lr, noise)`. Starting at the point `x0` (two floats), take
        one step per row of `noise` (an array of shape `(steps, 2)`): at step $t = 0, 1, \\dots$
        the stochastic gradient is the true gradient plus that row,
        $g_t = \\nabla f(x_t) + \\xi_t$, and $x_{t+1} = x_t - \\eta(t)\\, g_t$, where `lr(t)` gives
        $\\eta(t)$ and `f_grad(x1, x2)` returns the pair of partial derivatives.
        Return all the points, `x0` first, as an array of shape `(steps + 1, 2)`: a NumPy
        array (float64 or float32), a tensor or a list of pairs.
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
    test("p1_tests_visible", 1, f"""
        _trace = sgd_trace(lambda x1, x2: (2 * x1, 4 * x2), (1.0, 1.0), lambda t: 0.1, np.zeros((3, 2)))
        check_type(_trace, "sequence", "sgd_trace(...) with 3 rows of noise (an array of shape (steps + 1, 2))", shape=(4, 2))
        check_close(_trace[0], [1.0, 1.0], {IN_PLACE!r})
        check_close(_trace[1], [0.8, 0.6], "the first step without noise")
        _trace = sgd_trace(lambda x1, x2: (2 * x1, 4 * x2), (1.0, 1.0), lambda t: 0.1 * (t + 1), np.zeros((1, 2)))
        check_close(_trace[1], [0.8, 0.6], "the first step with lr(t) = 0.1 (t + 1): it uses lr(0), as steps count from t = 0")
        _trace = sgd_trace(lambda x1, x2: (2 * x1, 4 * x2), (0.0, 0.0), lambda t: 0.5, np.array([[1.0, -2.0]]))
        check_close(_trace[1], [-0.5, 1.0], "a step from the minimum, where only the noise (1, -2) moves x: g = grad f(x) + noise, and x moves against g")
        """),
    hidden("p1_tests_hidden", 2, f"""
        _noise = np.array({NOISE!r})
        _grad = lambda x1, x2: (2 * x1, 4 * x2)
        _trace = sgd_trace(_grad, (-5.0, -2.0), lambda t: 0.1 * 0.9 ** t, _noise)
        check_close(_trace[0], [-5.0, -2.0], {IN_PLACE!r})
        check_close(_trace, {lit(REF_TRACE)}, "the trace with the decaying learning rate 0.1 * 0.9^t", rtol=1e-9)
        check_close(sgd_trace(_grad, (1.0, 1.0), lambda t: 0.2, _noise[:3]), {lit(REF_TRACE_CONST)},
                    "the trace with a constant learning rate 0.2", rtol=1e-9)
        """),

    markdown("p2_text", """
        ## Part 2: learning-rate schedules (4 points)

        Each function returns a *schedule*: a function of the step $t = 0, 1, 2, \\dots$
        giving the learning rate. (These are not the schedules of `optbook.schedules`.)

        * `step_lr(lr0, every, factor)`: $\\eta_t = \\eta_0 \\cdot \\text{factor}^{\\lfloor t / \\text{every} \\rfloor}$,
          so the rate is multiplied by `factor` for the first time at $t = $ `every`;
        * `cosine_lr(lr0, total)`: $\\eta_t = \\frac{\\eta_0}{2}\\left(1 + \\cos\\frac{\\pi t}{T}\\right)$
          with $T = $ `total`, asked for only at $0 \\le t \\le T$;
        * `with_warmup(schedule, warmup)`: a linear warm-up of $W = $ `warmup` steps before
          any schedule: $\\eta_t = \\text{schedule}(0) \\cdot \\frac{t + 1}{W}$ for $t < W$ (so the
          first step already has a learning rate), then $\\eta_t = \\text{schedule}(t - W)$ for
          $t \\ge W$ (the schedule starts from its own step 0 when the warm-up ends).
        """),
    answer("p2_schedules", """
        def step_lr(lr0, every, factor):
            ### BEGIN SOLUTION
            return lambda t: lr0 * factor ** (t // every)
            ### END SOLUTION


        def cosine_lr(lr0, total):
            ### BEGIN SOLUTION
            return lambda t: lr0 * (1 + math.cos(math.pi * t / total)) / 2
            ### END SOLUTION


        def with_warmup(schedule, warmup):
            ### BEGIN SOLUTION
            return lambda t: schedule(0) * (t + 1) / warmup if t < warmup else schedule(t - warmup)
            ### END SOLUTION
        """),
    test("p2_tests_step", 1, """
        check_close([step_lr(1.0, 3, 0.5)(t) for t in (0, 2)], [1.0, 1.0], "step_lr(1.0, 3, 0.5) before the first drop (t = 0 and 2)")
        check_close(step_lr(1.0, 3, 0.5)(3), 0.5, "step_lr(1.0, 3, 0.5) at t = 3: the first drop comes at t = every, not before or after")
        """, f"""
        check_close([step_lr(0.3, 4, 0.5)(t) for t in {STEP_TS!r}], {lit(REF_STEP)},
                    "the step schedule step_lr(0.3, 4, 0.5) (the first drop comes at t = every)", rtol=1e-9)
        check_close([step_lr(2.0, 1, 0.9)(t) for t in (0, 1, 5)], {lit(REF_STEP_2)},
                    "the step schedule that drops every step", rtol=1e-9)
        """),
    test("p2_tests_cosine", 1, """
        check_close([cosine_lr(2.0, 4)(t) for t in (0, 2, 4)], [2.0, 1.0, 0.0], "cosine_lr(2.0, 4) at t = 0, 2 and 4 (it starts at lr0 and reaches 0 at t = total)")
        """, f"""
        check_close([cosine_lr(0.4, 12)(t) for t in {COS_TS!r}], {lit(REF_COS)}, "the cosine schedule cosine_lr(0.4, 12)", rtol=1e-9)
        check_close([cosine_lr(1.5, 5)(t) for t in (0, 2, 4)], {lit(REF_COS_2)}, "the cosine schedule cosine_lr(1.5, 5)", rtol=1e-9)
        """),
    test("p2_tests_warmup", 2, """
        check_close(with_warmup(lambda t: 1.0, 4)(0), 0.25, "the first warm-up step, t = 0, of 4: schedule(0) (t + 1) / W, not 0")
        check_close(with_warmup(lambda t: 2.0 * 0.5 ** t, 2)(2), 2.0, "the first step after a warm-up of 2 (t = W): the schedule starts from its own step 0, schedule(t - W)")
        """, f"""
        check_close([with_warmup(lambda t: 0.3 / (t + 1), 5)(t) for t in {WARM_TS!r}], {lit(REF_WARM)},
                    "the warm-up of 5 steps before 0.3 / (t + 1)", rtol=1e-9)
        check_close([with_warmup(lambda t: 0.8 * 0.7 ** t, 3)(t) for t in (0, 2, 3, 4)], {lit(REF_WARM_2)},
                    "the warm-up of 3 steps before 0.8 * 0.7^t", rtol=1e-9)
        """),

    markdown("p3_text", """
        ## Part 3: the noise floor of a constant learning rate (4 points)

        On $f(x) = \\tfrac{a}{2}x^2$ with gradient noise of variance $\\sigma^2$ (independent from
        step to step), SGD with constant $\\eta$ is $x_{t+1} = (1 - \\eta a)x_t - \\eta\\xi_t$, so
        $\\operatorname{Var}(x_{t+1}) = (1-\\eta a)^2 \\operatorname{Var}(x_t) + \\eta^2\\sigma^2$. The chapter
        finds the stationary variance it settles at. Write

        * `variance_after(eta, a, sigma, t, v0)`: $\\operatorname{Var}(x_t)$ after `t` steps when
          $\\operatorname{Var}(x_0) = $ `v0` (for `t = 0` it is `v0`);
        * `eta_for_variance(a, sigma, target)`: the constant learning rate $\\eta$, with
          $0 < \\eta a < 2$, whose stationary variance equals `target`;

        and set `halving_ratio` to the stationary variance for $\\eta = 0.005$ divided by the one for
        $\\eta = 0.01$, when $a = 1$, $\\sigma = 1$ (exactly, not the chapter's approximation).
        """),
    answer("p3_noise_floor", """
        def variance_after(eta, a, sigma, t, v0):
            ### BEGIN SOLUTION
            q = (1 - eta * a) ** 2
            stationary = eta ** 2 * sigma ** 2 / (1 - q)
            return stationary + q ** t * (v0 - stationary)
            ### END SOLUTION


        def eta_for_variance(a, sigma, target):
            ### BEGIN SOLUTION
            # target = eta sigma^2 / (a (2 - eta a)), solved for eta
            return 2 * target * a / (sigma ** 2 + target * a ** 2)
            ### END SOLUTION


        ### BEGIN SOLUTION
        halving_ratio = (0.005 / (2 - 0.005)) / (0.01 / (2 - 0.01))
        ### END SOLUTION
        """),
    test("p3_tests_variance", 1, """
        check_close(variance_after(0.5, 1.0, 1.0, 1, 0.0), 0.25, "the variance after 1 step from a fixed start (v0 = 0), eta = 0.5, a = sigma = 1: only the noise eta xi_0 counts")
        check_close(variance_after(0.5, 1.0, 2.0, 2, 4.0), 1.5, "the variance after 2 steps from v0 = 4, eta = 0.5, a = 1, sigma = 2 (each step: v -> (1 - eta a)^2 v + eta^2 sigma^2)")
        """, f"""
        check_close([variance_after(*c) for c in {VAR_CASES!r}], {lit(REF_VAR)},
                    "the variances after t steps (each step: v -> (1 - eta a)^2 v + eta^2 sigma^2)", rtol=1e-9)
        """),
    test("p3_tests_eta", 2, """
        check_close(eta_for_variance(1.0, 1.0, 1.0), 1.0, "eta_for_variance(1, 1, 1) (the rate whose stationary variance is 1: the exact one, not the approximation eta sigma^2 / (2 a))")
        """, f"""
        check_close([eta_for_variance(*c) for c in {ETA_CASES!r}], {lit(REF_ETA)},
                    "the learning rates for the target stationary variances (the exact stationary variance, not the approximation eta sigma^2 / (2 a))", rtol=1e-8)
        """),
    test("p3_tests_ratio", 1, """
        check_less(halving_ratio, 1.0, "halving_ratio (the variance for eta = 0.005 divided by the one for eta = 0.01: the smaller rate has the smaller variance)")
        """, f"""
        check_close(halving_ratio, {lit(REF_RATIO)},
                    "halving_ratio (the variance for eta = 0.005 divided by the one for eta = 0.01, exactly, not the approximation eta sigma^2 / (2 a))", rtol=1e-9)
        """),

    markdown("p4_text", """
        ## Part 4: sampling with replacement (4 points)

        An epoch of $n$ steps that each draw one of $n$ examples uniformly *with* replacement
        misses some examples. Write

        * `prob_never_picked(n)`: the probability that a given example is never drawn in $n$ draws;
        * `expected_distinct(n, draws)`: the expected number of distinct examples seen (drawn
          at least once) in `draws` draws;

        and set `limit_never_picked` to the exact limit of `prob_never_picked(n)` as $n \\to \\infty$.
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
    test("p4_tests_never", 1, """
        check_close(prob_never_picked(2), 0.25, "the probability of never drawing a given one of 2 examples in 2 draws")
        """, f"""
        check_close([prob_never_picked(n) for n in (3, 10, 1000)], {lit([(1 - 1 / n) ** n for n in (3, 10, 1000)])},
                    "the probabilities of never being drawn in n draws", rtol=1e-9)
        """),
    test("p4_tests_distinct", 2, """
        check_close(expected_distinct(1, 5), 1.0, "the expected number of distinct examples seen (drawn at least once, not missed) in 5 draws out of 1")
        check_close(expected_distinct(2, 2), 1.5, "the expected number of distinct examples seen (drawn at least once, not missed) in 2 draws out of 2")
        """, f"""
        check_close([expected_distinct(n, d) for n, d in [(10, 10), (1500, 1500), (100, 300)]],
                    {lit([n * (1 - (1 - 1 / n) ** d) for n, d in [(10, 10), (1500, 1500), (100, 300)]])},
                    "the expected numbers of distinct examples seen (drawn at least once)", rtol=1e-9)
        """),
    test("p4_tests_limit", 1, """
        check_type(limit_never_picked, "number", "limit_never_picked")
        """, """
        check_close(limit_never_picked, 0.36787944117144233, "limit_never_picked, the exact limit of (1 - 1/n)^n", rtol=1e-9)
        """),

    markdown("p5_text", """
        ## Part 5: the minibatch gradient (4 points)

        For a linear model $\\hat y = Xw + b$ and the loss
        $L = \\frac{1}{|B|}\\sum_{i \\in B} \\tfrac12(\\hat y_i - y_i)^2$ over a minibatch $B$, write
        `minibatch_grad(w, b, X, y)` returning the pair `(grad_w, grad_b)` (a tensor of the shape
        of `w` and a scalar tensor or number) for the rows `X`, `y` of the minibatch
        (float64 tensors). Use the formula, not autograd. Then write `batch_needed(sigma, target)`:
        the smallest batch size $|B|$ whose minibatch gradient has a standard deviation of at most
        `target`, when the examples are drawn independently and the gradient of one example has
        standard deviation `sigma`.
        """),
    answer("p5_minibatch", """
        def minibatch_grad(w, b, X, y):
            ### BEGIN SOLUTION
            residual = X @ w + b - y
            return X.T @ residual / len(y), residual.mean()
            ### END SOLUTION


        def batch_needed(sigma, target):
            ### BEGIN SOLUTION
            return math.ceil((sigma / target) ** 2)
            ### END SOLUTION
        """),
    test("p5_tests_visible", 1, """
        _gw, _gb = minibatch_grad(torch.zeros(2, dtype=torch.float64), torch.tensor(0.0, dtype=torch.float64),
                                  torch.eye(2, dtype=torch.float64), torch.tensor([1.0, 2.0], dtype=torch.float64))
        check_close(_gw, [-0.5, -1.0], "grad_w for w = 0, X = I, y = (1, 2) (the loss averages over the batch: divide by |B|; the residual is prediction minus target)")
        check_close(_gb, -1.5, "grad_b for w = 0, X = I, y = (1, 2) (the loss averages over the batch: divide by |B|; the residual is prediction minus target)")
        """),
    hidden("p5_tests_hidden", 2, f"""
        _X = torch.tensor({X!r}, dtype=torch.float64)
        _y = torch.tensor({Y!r}, dtype=torch.float64)
        _w = torch.tensor({W!r}, dtype=torch.float64)
        _b = torch.tensor({B!r}, dtype=torch.float64)
        _gw, _gb = minibatch_grad(_w, _b, _X, _y)
        check_close(list(_gw) + [_gb], {lit(REF_GRAD)}, "(grad_w, grad_b) on the batch of 4 (the mean over the batch)", rtol=1e-9)
        _gw, _gb = minibatch_grad(_w, _b, _X[1:3], _y[1:3])
        check_close(list(_gw) + [_gb], {lit(REF_GRAD_2)}, "(grad_w, grad_b) on the batch of rows 1 and 2 (the mean over the batch)", rtol=1e-9)
        """),
    test("p5_tests_batch", 1, """
        check_equal(batch_needed(1.0, 0.4), 7, "batch_needed(1.0, 0.4) (the standard deviation, not the variance, of the minibatch gradient at most target; a whole batch, rounded up)")
        """, f"""
        check_equal([batch_needed(s, t) for s, t in {BATCH_CASES!r}], {REF_BATCH!r},
                    "the smallest batch sizes (the standard deviation of the minibatch gradient at most target)")
        """),
]

if __name__ == "__main__":
    print(write(NAME, cells))
