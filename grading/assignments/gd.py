"""The gd assignment: gradient descent, learning rates, conditioning, line search, Newton.

Hidden reference values are computed here, offline, with plain Python (no
optbook, no torch) and written into the test cells as literals. Every graded cell
checks one answer, so a slip in one answer costs only its own cell.
"""

import math

from grading.authoring import SETUP_IMPORTS, answer, intro, markdown, setup, tests, write

NAME = "gd"


def _gd(grad, x0, eta, steps):
    xs = [x0]
    for _ in range(steps):
        xs.append(xs[-1] - eta * grad(xs[-1]))
    return xs


def _newton(grad, hess, x0, steps):
    xs = [x0]
    for _ in range(steps):
        xs.append(xs[-1] - grad(xs[-1]) / hess(xs[-1]))
    return xs


C = 0.15 * math.pi
REF_QUAD = _gd(lambda x: 2 * x, 10.0, 0.2, 10)
REF_NONCONVEX = _gd(lambda x: math.cos(C * x) - C * x * math.sin(C * x), 10.0, 2.0, 6)
REF_NEWTON = _newton(lambda x: 0.5 * math.sinh(0.5 * x), lambda x: 0.25 * math.cosh(0.5 * x), 10.0, 6)
REF_NEWTON_QUARTIC = _newton(lambda x: 4 * (x - 1) ** 3, lambda x: 12 * (x - 1) ** 2, 3.0, 8)


def _golden(f, a, b, tol):
    r = (math.sqrt(5) - 1) / 2
    while b - a > tol:
        c, d = b - r * (b - a), a + r * (b - a)
        if f(c) < f(d):
            b = d
        else:
            a = c
    return (a + b) / 2


REF_LINE = _golden(lambda t: math.exp(t) - 3 * t, -2.0, 4.0, 1e-12)   # = ln 3
REF_LINE2 = _golden(lambda t: (t - 0.7) ** 2 * (t + 2.0), -1.0, 3.0, 1e-12)


def r(values, digits=12):
    return repr([round(v, digits) for v in values])


cells = [
    intro("Assignment: gradient descent", "gd", """
        Five parts: (1) gradient descent in one dimension, (2) which learning rates converge,
        (3) how conditioning slows gradient descent down, (4) a line search and
        (5) Newton's method.
        """),
    setup(SETUP_IMPORTS),

    markdown("p1_text", """
        ## Part 1: gradient descent in one dimension (3 points)

        Write `gd(f_grad, x0, eta, steps)`: start at the number `x0`, take `steps` steps
        $x \\leftarrow x - \\eta f'(x)$ and return all iterates `[x0, x1, ..., x_steps]`
        (so `steps + 1` numbers, as a list, a tuple or a 1-D array).
        """),
    answer("p1_gd", """
        def gd(f_grad, x0, eta, steps):
            ### BEGIN SOLUTION
            xs = [float(x0)]
            for _ in range(steps):
                xs.append(xs[-1] - eta * float(f_grad(xs[-1])))
            return xs
            ### END SOLUTION
        """),
    tests("p1_tests_visible", 1, """
        xs = gd(lambda x: 2 * x, 10.0, 0.2, 10)
        check_type(xs, "sequence", "gd(f_grad, x0, eta, 10) (all steps + 1 = 11 iterates, x0 first)", length=11)
        check_close(xs[:2], [10.0, 6.0], "the first two iterates on f(x) = x^2 with eta = 0.2 (x0, then x0 - eta f'(x0))")
        """),
    tests("p1_tests_hidden", 2, f"""
        xs = gd(lambda x: 2 * x, 10.0, 0.2, 10)
        ### BEGIN HIDDEN TESTS
        check_close(xs, {r(REF_QUAD)}, "the iterates on f(x) = x^2 with eta = 0.2", rtol=1e-9)
        c = 0.15 * math.pi
        xs = gd(lambda x: math.cos(c * x) - c * x * math.sin(c * x), 10.0, 2.0, 6)
        check_close(xs, {r(REF_NONCONVEX)}, "the iterates on f(x) = x cos(c x) with eta = 2", rtol=1e-7)
        check_close(gd(lambda x: 2 * x, 3.0, 0.1, 0), [3.0], "gd with zero steps (just [x0])")
        ### END HIDDEN TESTS
        """),

    markdown("p2_text", """
        ## Part 2: which learning rates converge (3 points)

        On $f(x) = \\tfrac{a}{2} x^2$ (curvature $a > 0$) one step of gradient descent multiplies
        $x$ by a fixed number. Write

        * `contraction(eta, a)`: the factor $|x_{t+1}| / |x_t|$;
        * `largest_stable_eta(a)`: the learning rate above which gradient descent diverges.

        Then answer: on $f(x) = x^2$ (so $a = 2$) with $\\eta = 0.75$, the iterates

        * "a": decrease monotonically to 0;
        * "b": alternate in sign while shrinking to 0;
        * "c": alternate in sign with constant size;
        * "d": grow without bound.

        Set `answer_eta_075` to the letter.
        """),
    answer("p2_rates", """
        def contraction(eta, a):
            ### BEGIN SOLUTION
            return abs(1 - eta * a)
            ### END SOLUTION


        def largest_stable_eta(a):
            ### BEGIN SOLUTION
            return 2 / a
            ### END SOLUTION


        ### BEGIN SOLUTION
        answer_eta_075 = "b"
        ### END SOLUTION
        """),
    tests("p2_tests_visible", 1, """
        check_close(contraction(0.1, 2.0), 0.8, "the contraction factor for eta = 0.1, a = 2")
        check_close(contraction(0.9, 2.0), 0.8,
                    "the contraction factor for eta = 0.9, a = 2 (|x_(t+1)| / |x_t| is a ratio of sizes, never negative)")
        ### BEGIN HIDDEN TESTS
        check_close([contraction(e, a) for e, a in [(0.3, 1.0), (1.5, 1.0), (0.25, 8.0), (0.01, 300.0)]],
                    [0.7, 0.5, 1.0, 2.0], "the contraction factors")
        ### END HIDDEN TESTS
        """),
    tests("p2_tests_stable", 1, """
        check_number(largest_stable_eta(1.0), "largest_stable_eta(1.0)")
        ### BEGIN HIDDEN TESTS
        check_close([largest_stable_eta(a) for a in (1.0, 4.0, 0.2)], [2.0, 0.5, 10.0],
                    "the largest stable learning rates (where the contraction factor reaches 1)")
        ### END HIDDEN TESTS
        """),
    tests("p2_tests_letter", 1, """
        check_one_of(answer_eta_075, ["a", "b", "c", "d"], "answer_eta_075 (a letter)")
        ### BEGIN HIDDEN TESTS
        check_equal(answer_eta_075, "b", "answer_eta_075 (what the iterates do on x^2 with eta = 0.75: look at the sign of 1 - eta a)")
        ### END HIDDEN TESTS
        """),

    markdown("p3_text", """
        ## Part 3: conditioning slows gradient descent down (3 points)

        On $f(x) = \\tfrac12(\\lambda_1 x_1^2 + \\lambda_2 x_2^2)$ with $0 < \\lambda_1 \\le \\lambda_2$
        each coordinate shrinks by its own factor $|1 - \\eta\\lambda_i|$ and the slower one decides.
        Write

        * `best_eta(l1, l2)`: the fixed learning rate that minimizes the slower factor;
        * `best_rate(l1, l2)`: that smallest possible slower factor (write it with the condition
          number $\\kappa = \\lambda_2/\\lambda_1$);
        * `steps_to_shrink(l1, l2, factor)`: the smallest whole number of steps $k$ with the best
          learning rate for which the slower factor to the power $k$ is at most `factor`
          (e.g. `factor = 1e-3`).
        """),
    answer("p3_conditioning", """
        def best_eta(l1, l2):
            ### BEGIN SOLUTION
            return 2 / (l1 + l2)
            ### END SOLUTION


        def best_rate(l1, l2):
            ### BEGIN SOLUTION
            kappa = l2 / l1
            return (kappa - 1) / (kappa + 1)
            ### END SOLUTION


        def steps_to_shrink(l1, l2, factor):
            ### BEGIN SOLUTION
            return math.ceil(math.log(factor) / math.log(best_rate(l1, l2)))
            ### END SOLUTION
        """),
    tests("p3_tests_eta", 1, """
        check_close(best_eta(1.0, 1.0), 1.0, "the best learning rate when both curvatures are 1")
        check_close(best_eta(1.0, 3.0), 0.5,
                    "the best learning rate for curvatures 1 and 3 (where the two factors |1 - eta l1| and |1 - eta l2| are equal)")
        ### BEGIN HIDDEN TESTS
        check_close([best_eta(0.2, 4.0), best_eta(0.5, 2.5)], [0.47619047619047616, 0.6666666666666666],
                    "the best learning rates for (0.2, 4) and (0.5, 2.5) (where the two factors are equal)")
        ### END HIDDEN TESTS
        """),
    tests("p3_tests_rate", 1, """
        check_close(best_rate(1.0, 1.0), 0.0, "the best rate for a perfectly conditioned function", atol=1e-12)
        ### BEGIN HIDDEN TESTS
        check_close([best_rate(0.2, 4.0), best_rate(1.0, 100.0)], [0.9047619047619048, 0.9801980198019802],
                    "the best rates for condition numbers 20 and 100")
        ### END HIDDEN TESTS
        """),
    tests("p3_tests_steps", 1, """
        check_equal(steps_to_shrink(1.0, 3.0, 0.1), 4,
                    "steps_to_shrink(1.0, 3.0, 0.1) (the rate is 0.5, and 0.5^3 > 0.1 >= 0.5^4: round up)")
        ### BEGIN HIDDEN TESTS
        check_equal(steps_to_shrink(1.0, 100.0, 1e-3), 346, "steps_to_shrink(1.0, 100.0, 1e-3) (kappa = 100, a 1000-fold shrink)")
        check_equal(steps_to_shrink(0.2, 4.0, 1e-3), 70, "steps_to_shrink(0.2, 4.0, 1e-3) (kappa = 20, a 1000-fold shrink)")
        ### END HIDDEN TESTS
        """),

    markdown("p4_text", """
        ## Part 4: a line search (3 points)

        Instead of a fixed learning rate one can pick the step size that minimizes $f$ along the
        search direction. Write `line_search(phi, a, b, tol=1e-10)` that returns (within `tol`) the
        minimizer of a convex function `phi` of one variable on the interval `[a, b]`,
        using only values of `phi` (golden-section or ternary search; no gradients).
        """),
    answer("p4_line_search", """
        def line_search(phi, a, b, tol=1e-10):
            ### BEGIN SOLUTION
            ratio = (math.sqrt(5) - 1) / 2
            while b - a > tol:
                c, d = b - ratio * (b - a), a + ratio * (b - a)
                if phi(c) < phi(d):
                    b = d
                else:
                    a = c
            return (a + b) / 2
            ### END SOLUTION
        """),
    tests("p4_tests_visible", 1, """
        check_close(line_search(lambda t: (t - 1.0) ** 2, -3.0, 5.0, 1e-10), 1.0,
                    "the minimizer of (t - 1)^2 on [-3, 5] (the t where phi is smallest, not phi there)", atol=1e-6)
        check_close(line_search(lambda t: (t + 0.5) ** 2, -3.0, 5.0, 1e-10), -0.5,
                    "the minimizer of (t + 0.5)^2 on [-3, 5] (search until the interval is shorter than tol)", atol=1e-6)
        """),
    tests("p4_tests_hidden", 2, f"""
        ### BEGIN HIDDEN TESTS
        calls = []
        def counted(t):
            calls.append(t)
            return math.exp(t) - 3 * t
        t_star = line_search(counted, -2.0, 4.0, 1e-10)
        check_close(t_star, {REF_LINE!r}, "the minimizer of exp(t) - 3t on [-2, 4] (search until the interval is shorter than tol)", atol=1e-6)
        check_less(5, len(calls), "the number of times line_search calls phi (it should search with values of phi: more than 5 calls)")
        check_close(line_search(lambda t: (t - 0.7) ** 2 * (t + 2.0), -1.0, 3.0, 1e-10), {REF_LINE2!r},
                    "the minimizer of (t - 0.7)^2 (t + 2) on [-1, 3]", atol=1e-6)
        check_close(line_search(lambda t: t, 2.0, 5.0, 1e-10), 2.0, "the minimizer of an increasing function (the left end)", atol=1e-6)
        ### END HIDDEN TESTS
        """),

    markdown("p5_text", """
        ## Part 5: Newton's method (3 points)

        Write `newton(f_grad, f_hess, x0, steps)`, which takes `steps` Newton steps
        $x \\leftarrow x - f'(x)/f''(x)$ from `x0` and returns all iterates (`steps + 1`
        numbers, as a list, a tuple or a 1-D array). Then look at $f(x) = (x-1)^4$, whose
        minimum has $f''(1) = 0$:

        * `newton_quartic_answer`: Newton's error $|x_t - 1|$ on this $f$ shrinks
          "a": quadratically (the number of correct digits doubles each step);
          "b": by a constant factor per step; "c": not at all;
        * `newton_quartic_factor`: the ratio $|x_{t+1} - 1| / |x_t - 1|$ of Newton's iterates
          on this $f$ from $x_0 = 3$ (run your `newton`; it is the same at every step).
        """),
    answer("p5_newton", """
        def newton(f_grad, f_hess, x0, steps):
            ### BEGIN SOLUTION
            xs = [float(x0)]
            for _ in range(steps):
                xs.append(xs[-1] - float(f_grad(xs[-1])) / float(f_hess(xs[-1])))
            return xs
            ### END SOLUTION


        ### BEGIN SOLUTION
        newton_quartic_answer = "b"
        newton_quartic_factor = 2 / 3
        ### END SOLUTION
        """),
    tests("p5_tests_visible", 1, f"""
        xs = newton(lambda x: 2 * (x - 3), lambda x: 2.0, 10.0, 2)
        check_close(xs, [10.0, 3.0, 3.0], "Newton's iterates on the quadratic (x - 3)^2")
        ### BEGIN HIDDEN TESTS
        xs = newton(lambda x: 0.5 * math.sinh(0.5 * x), lambda x: 0.25 * math.cosh(0.5 * x), 10.0, 6)
        check_close(xs, {r(REF_NEWTON)}, "Newton's iterates on cosh(x / 2)", rtol=1e-7, atol=1e-12)
        xs = newton(lambda x: 4 * (x - 1) ** 3, lambda x: 12 * (x - 1) ** 2, 3.0, 8)
        check_close(xs, {r(REF_NEWTON_QUARTIC)}, "Newton's iterates on (x - 1)^4", rtol=1e-9)
        ### END HIDDEN TESTS
        """),
    tests("p5_tests_letter", 1, """
        check_one_of(newton_quartic_answer, ["a", "b", "c"], "newton_quartic_answer (a letter)")
        ### BEGIN HIDDEN TESTS
        check_equal(newton_quartic_answer, "b", "newton_quartic_answer (how Newton's error shrinks on (x - 1)^4; compare x_t - 1 with x_(t-1) - 1)")
        ### END HIDDEN TESTS
        """),
    tests("p5_tests_factor", 1, """
        check_number(newton_quartic_factor, "newton_quartic_factor")
        ### BEGIN HIDDEN TESTS
        check_close(newton_quartic_factor, 2 / 3, "newton_quartic_factor (|x_(t+1) - 1| / |x_t - 1| on (x - 1)^4: the error left after a step, divided by the error before)", rtol=1e-6)
        ### END HIDDEN TESTS
        """),
]

if __name__ == "__main__":
    print(write(NAME, cells))
