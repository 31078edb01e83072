"""The gd assignment, solved as students solve it."""

from fairness import correct, wrong

GD_ARRAY = """
def gd(f_grad, x0, eta, steps):
    xs = np.empty(steps + 1)
    xs[0] = x0
    for t in range(steps):
        xs[t + 1] = xs[t] - eta * f_grad(xs[t])
    return xs
"""

GD_TUPLE = """
def gd(f_grad, x0, eta, steps):
    if steps == 0:
        return (x0,)
    before = gd(f_grad, x0, eta, steps - 1)
    return before + (before[-1] - eta * f_grad(before[-1]),)
"""

GD_TORCH = """
def gd(f_grad, x0, eta, steps):
    x = torch.tensor(x0, dtype=torch.float64)
    xs = [x]
    for _ in range(steps):
        x = x - eta * f_grad(x)
        xs.append(x)
    return xs
"""

RATES_NUMPY = """
def contraction(eta, a):
    return np.abs(1.0 - eta * a)


def largest_stable_eta(a):
    return 2.0 / a


answer_eta_075 = "B"
"""

RATES_LOOP = """
def contraction(eta, a):
    x = 1.0
    x_next = x - eta * a * x
    return abs(x_next) / abs(x)


def largest_stable_eta(a):
    return np.float64(2) / a


answer_eta_075 = " b "
"""

CONDITIONING_LOOP = """
def best_eta(l1, l2):
    return 2.0 / (l1 + l2)


def best_rate(l1, l2):
    return abs(1 - best_eta(l1, l2) * l1)


def steps_to_shrink(l1, l2, factor):
    rate, k, left = best_rate(l1, l2), 0, 1.0
    while left > factor:
        left *= rate
        k += 1
    return k
"""

CONDITIONING_NUMPY = """
def best_eta(l1, l2):
    return np.float64(2) / (l1 + l2)


def best_rate(l1, l2):
    return (l2 - l1) / (l2 + l1)


def steps_to_shrink(l1, l2, factor):
    return np.ceil(np.log(factor) / np.log(best_rate(l1, l2)))
"""

TERNARY = """
def line_search(phi, a, b, tol=1e-10):
    while b - a > tol:
        m1 = a + (b - a) / 3
        m2 = b - (b - a) / 3
        if phi(m1) <= phi(m2):
            b = m2
        else:
            a = m1
    return 0.5 * (a + b)
"""

GOLDEN_CACHED = """
def line_search(phi, a, b, tol):
    g = (math.sqrt(5) - 1) / 2
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = phi(c), phi(d)
    while abs(b - a) > tol:
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = phi(c)
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = phi(d)
    return (a + b) / 2
"""

NEWTON_MEASURED = """
def newton(f_grad, f_hess, x0, steps):
    xs = (x0,)
    for _ in range(steps):
        x = xs[-1]
        xs += (x - f_grad(x) / f_hess(x),)
    return xs


newton_quartic_answer = "B"
_xs = newton(lambda x: 4 * (x - 1) ** 3, lambda x: 12 * (x - 1) ** 2, 3.0, 8)
newton_quartic_factor = abs(_xs[-1] - 1) / abs(_xs[-2] - 1)
"""

NEWTON_ARRAY = """
def newton(f_grad, f_hess, x0, steps):
    xs = np.zeros(steps + 1)
    xs[0] = x0
    for t in range(steps):
        xs[t + 1] = xs[t] - f_grad(xs[t]) / f_hess(xs[t])
    return xs


newton_quartic_answer = "b"
errors = np.abs(newton(lambda x: 4 * (x - 1) ** 3, lambda x: 12 * (x - 1) ** 2, 3.0, 8) - 1)
newton_quartic_factor = np.mean(errors[1:] / errors[:-1])
"""


def _rates(contraction="abs(1 - eta * a)", stable="2 / a", letter="b"):
    return f"""
def contraction(eta, a):
    return {contraction}


def largest_stable_eta(a):
    return {stable}


answer_eta_075 = "{letter}"
"""


def _conditioning(eta="2 / (l1 + l2)", rate="(l2 / l1 - 1) / (l2 / l1 + 1)",
                  steps="math.ceil(math.log(factor) / math.log(best_rate(l1, l2)))"):
    return f"""
def best_eta(l1, l2):
    return {eta}


def best_rate(l1, l2):
    return {rate}


def steps_to_shrink(l1, l2, factor):
    return {steps}
"""


def _newton(step="x - f_grad(x) / f_hess(x)", letter="b", factor="2 / 3"):
    return f"""
def newton(f_grad, f_hess, x0, steps):
    xs = [x0]
    for _ in range(steps):
        x = xs[-1]
        xs.append({step})
    return xs


newton_quartic_answer = "{letter}"
newton_quartic_factor = {factor}
"""


VARIANTS = [
    correct("numpy-arrays", "NumPy arrays and scalars, an upper-case letter, a loop for the "
            "number of steps, ternary search, Newton's factor measured from the iterates",
            p1_gd=GD_ARRAY, p2_rates=RATES_NUMPY, p3_conditioning=CONDITIONING_LOOP,
            p4_line_search=TERNARY, p5_newton=NEWTON_MEASURED),
    correct("tuples-and-ceil", "a recursive gd that returns a tuple, np.ceil (a float count), "
            "golden section with cached values and tol without a default",
            p1_gd=GD_TUPLE, p2_rates=RATES_LOOP, p3_conditioning=CONDITIONING_NUMPY,
            p4_line_search=GOLDEN_CACHED, p5_newton=NEWTON_ARRAY),
    correct("torch-tensors", "gd on float64 tensors (a list of 0-d tensors), the factors "
            "written as printed", p1_gd=GD_TORCH, p2_rates=_rates(letter="b "),
            p3_conditioning=_conditioning(), p5_newton=_newton(factor="0.6666666667")),

    wrong("gd-without-x0", "returns x1, ..., x_steps (x0 left out)", "p1",
          says={"p1_tests_visible": "11 iterates", "p1_tests_hidden": "entries"},
          visible={"p1_tests_visible": "x0 first"},
          p1_gd="""
def gd(f_grad, x0, eta, steps):
    xs, x = [], x0
    for _ in range(steps):
        x = x - eta * f_grad(x)
        xs.append(x)
    return xs
"""),
    wrong("gradient-ascent", "x + eta f'(x)", "p1",
          says={"p1_tests_visible": "x0 - eta f'(x0)"},
          visible={"p1_tests_visible": "x0 - eta f'(x0)"},
          p1_gd="""
def gd(f_grad, x0, eta, steps):
    xs = [x0]
    for _ in range(steps):
        xs.append(xs[-1] + eta * f_grad(xs[-1]))
    return xs
"""),
    wrong("contraction-without-abs", "1 - eta a, which is negative for a large eta",
          "p2_tests_visible", says={"p2_tests_visible": "never negative"},
          visible={"p2_tests_visible": "never negative"},
          p2_rates=_rates(contraction="1 - eta * a")),
    wrong("stable-eta-one-over-a", "1 / a: the learning rate that jumps to 0 in one step",
          "p2_tests_stable", says={"p2_tests_stable": "contraction factor reaches 1"},
          p2_rates=_rates(stable="1 / a")),
    wrong("letter-constant-size", "'c': the iterates alternate with constant size",
          "p2_tests_letter", says={"p2_tests_letter": "answer_eta_075"},
          p2_rates=_rates(letter="c")),
    wrong("best-eta-safe", "1 / l2: the largest rate that never overshoots, not the best",
          "p3_tests_eta", says={"p3_tests_eta": "two factors"},
          visible={"p3_tests_eta": "two factors"},
          p3_conditioning=_conditioning(eta="1 / l2")),
    wrong("rate-one-minus-inverse-kappa", "1 - 1/kappa, the rate of eta = 1/l2",
          ["p3_tests_rate", "p3_tests_steps"],
          says={"p3_tests_rate": "condition numbers 20 and 100",
                "p3_tests_steps": "steps_to_shrink"},
          p3_conditioning=_conditioning(rate="1 - l1 / l2")),
    wrong("steps-rounded-down", "int() of the ratio of logarithms: rounds down",
          "p3_tests_steps", says={"p3_tests_steps": "round up"},
          visible={"p3_tests_steps": "round up"},
          p3_conditioning=_conditioning(
              steps="int(math.log(factor) / math.log(best_rate(l1, l2)))")),
    wrong("fixed-iterations", "15 golden-section steps whatever tol is", "p4",
          says={"p4_tests_visible": "shorter than tol", "p4_tests_hidden": "shorter than tol"},
          visible={"p4_tests_visible": "shorter than tol"},
          p4_line_search="""
def line_search(phi, a, b, tol=1e-10):
    r = (math.sqrt(5) - 1) / 2
    for _ in range(15):
        c, d = b - r * (b - a), a + r * (b - a)
        if phi(c) < phi(d):
            b = d
        else:
            a = c
    return (a + b) / 2
"""),
    wrong("returns-the-value", "returns phi at the minimizer instead of the minimizer", "p4",
          says={"p4_tests_visible": "not phi there"},
          visible={"p4_tests_visible": "not phi there"},
          p4_line_search="""
def line_search(phi, a, b, tol=1e-10):
    while b - a > tol:
        m1, m2 = a + (b - a) / 3, b - (b - a) / 3
        if phi(m1) < phi(m2):
            b = m2
        else:
            a = m1
    return phi((a + b) / 2)
"""),
    wrong("newton-upside-down", "x - f''/f'", "p5_tests_visible",
          says={"p5_tests_visible": "Newton's iterates"},
          visible={"p5_tests_visible": "Newton's iterates"},
          p5_newton=_newton(step="x - f_hess(x) / f_grad(x)")),
    wrong("quartic-quadratic", "Newton is always quadratic", "p5_tests_letter",
          says={"p5_tests_letter": "newton_quartic_answer"}, p5_newton=_newton(letter="a")),
    wrong("factor-removed", "1/3: the part of the error removed per step",
          "p5_tests_factor", says={"p5_tests_factor": "error left after a step"},
          p5_newton=_newton(factor="1 / 3")),
]
