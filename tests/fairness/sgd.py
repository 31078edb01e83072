"""sgd, solved as students solve it: three correct ways and the typical mistakes."""

from fairness import correct, wrong

# ---------------------------------------------------------------- answer cells, correct
P1_FLOAT32 = """
def sgd_trace(f_grad, x0, lr, noise):
    steps = len(noise)
    out = np.zeros((steps + 1, 2), dtype=np.float32)
    out[0] = x0
    for t in range(steps):
        g1, g2 = f_grad(out[t, 0], out[t, 1])
        out[t + 1, 0] = out[t, 0] - lr(t) * (g1 + noise[t][0])
        out[t + 1, 1] = out[t, 1] - lr(t) * (g2 + noise[t][1])
    return out
"""

P1_TORCH = """
def sgd_trace(f_grad, x0, lr, noise):
    x = torch.tensor(x0, dtype=torch.float64)
    xi = torch.as_tensor(np.asarray(noise), dtype=torch.float64)
    path = [x.clone()]
    for t in range(xi.shape[0]):
        g = torch.stack([torch.as_tensor(d, dtype=torch.float64) for d in f_grad(x[0], x[1])])
        x = x - lr(t) * (g + xi[t])
        path.append(x.clone())
    return torch.stack(path)
"""

P1_LIST = """
def sgd_trace(f_grad, x0, lr, noise):
    x = list(x0)
    rows = [list(x)]
    for t, row in enumerate(noise):
        g = f_grad(x[0], x[1])
        x = [x[i] - lr(t) * (g[i] + row[i]) for i in range(2)]
        rows.append(x)
    return rows
"""

P2_LOOPS = """
def step_lr(lr0, every, factor):
    def schedule(t):
        rate = lr0
        for s in range(1, t + 1):
            if s % every == 0:
                rate *= factor
        return rate
    return schedule


def cosine_lr(lr0, total):
    def schedule(t):
        return 0.5 * lr0 * (1 + np.cos(np.pi * t / total))
    return schedule


def with_warmup(schedule, warmup):
    def warmed(t):
        if t < warmup:
            return (t + 1) / warmup * schedule(0)
        return schedule(t - warmup)
    return warmed
"""

P2_TORCH = """
def _lr_after(make_scheduler, lr0, t):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr0)
    scheduler = make_scheduler(opt)
    for _ in range(t):
        opt.step()
        scheduler.step()
    return opt.param_groups[0]["lr"]


def step_lr(lr0, every, factor):
    return lambda t: _lr_after(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=every, gamma=factor), lr0, t)


def cosine_lr(lr0, total):
    return lambda t: _lr_after(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=total), lr0, t)


def with_warmup(schedule, warmup):
    return lambda t: schedule(0) * (t + 1) / warmup if t < warmup else schedule(t - warmup)
"""

P2_LITERAL = """
def step_lr(lr0, every, factor):
    return lambda t: lr0 * factor ** math.floor(t / every)


def cosine_lr(lr0, total):
    return lambda t: lr0 / 2 * (1 + math.cos(math.pi * t / total))


def with_warmup(schedule, warmup):
    def lr(t):
        return schedule(0) * (t + 1) / warmup if t < warmup else schedule(t - warmup)
    return lr
"""

P3_SIMPLIFIED = """
def variance_after(eta, a, sigma, t, v0):
    v = v0
    for _ in range(t):
        v = (1 - eta * a) ** 2 * v + eta ** 2 * sigma ** 2
    return v


def eta_for_variance(a, sigma, target):
    # the stationary variance eta sigma^2 / (a (2 - eta a)) grows with eta: bisect on (0, 2 / a)
    lo, hi = 0.0, 2.0 / a
    for _ in range(200):
        mid = (lo + hi) / 2
        if mid * sigma ** 2 / (a * (2 - mid * a)) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


halving_ratio = (0.005 / (2 - 0.005)) / (0.01 / (2 - 0.01))
"""

P3_FIXED_POINT = """
def variance_after(eta, a, sigma, t, v0):
    q = np.float64(1 - eta * a) ** 2
    return v0 * q ** t + eta ** 2 * sigma ** 2 * (1 - q ** t) / (1 - q)


def eta_for_variance(a, sigma, target):
    # target a (2 - eta a) = eta sigma^2 is linear in eta
    return np.float64(2 * target * a) / (sigma ** 2 + target * a ** 2)


halving_ratio = variance_after(0.005, 1.0, 1.0, 10 ** 7, 0.0) / variance_after(0.01, 1.0, 1.0, 10 ** 7, 0.0)
"""

P3_NUMPY = """
def stationary(eta, a, sigma):
    return eta * sigma ** 2 / (a * (2 - eta * a))


def variance_after(eta, a, sigma, t, v0):
    q = np.square(1.0 - eta * a)
    s = stationary(eta, a, sigma)
    return s + np.power(q, t) * (v0 - s)


def eta_for_variance(a, sigma, target):
    return 2 * a * target / (sigma * sigma + a * a * target)


halving_ratio = float(stationary(0.005, 1, 1) / stationary(0.01, 1, 1))
"""

P4_LOOPS = """
def prob_never_picked(n):
    p = 1.0
    for _ in range(n):
        p *= (n - 1) / n
    return p


def expected_distinct(n, draws):
    # by linearity: each of the n examples is seen unless it is missed every time
    return sum(1 - (1 - 1 / n) ** draws for _ in range(n))


limit_never_picked = 1 / math.e
"""

P4_NUMPY = """
def prob_never_picked(n):
    return np.power(1.0 - 1.0 / n, n)


def expected_distinct(n, draws):
    return n - n * np.power(1.0 - 1.0 / n, draws)


limit_never_picked = np.exp(-1.0)
"""

P4_GROWTH = """
def prob_never_picked(n):
    return math.pow((n - 1) / n, n)


def expected_distinct(n, draws):
    # the expected number seen grows by the chance that the next draw is new
    seen = 0.0
    for _ in range(draws):
        seen += 1 - seen / n
    return seen


limit_never_picked = math.exp(-1)
"""

P5_LOOPS = """
def minibatch_grad(w, b, X, y):
    grad_w = torch.zeros_like(w)
    grad_b = 0.0
    for x_i, y_i in zip(X, y):
        r = x_i @ w + b - y_i
        grad_w += r * x_i
        grad_b += float(r)
    return [grad_w / len(y), grad_b / len(y)]


def batch_needed(sigma, target):
    size = 1
    while sigma / math.sqrt(size) > target:
        size += 1
    return size
"""

P5_MEAN = """
def minibatch_grad(w, b, X, y):
    r = torch.matmul(X, w) + b - y
    return (r[:, None] * X).mean(dim=0), torch.mean(r)


def batch_needed(sigma, target):
    # the variance sigma^2 / |B| at most target^2
    return math.ceil(sigma ** 2 / target ** 2)
"""

P5_NUMPY = """
def minibatch_grad(w, b, X, y):
    Xn, yn, wn = X.numpy(), y.numpy(), w.numpy()
    r = Xn @ wn + float(b) - yn
    return np.einsum("i,ij->j", r, Xn) / len(yn), np.mean(r)


def batch_needed(sigma, target):
    return np.ceil(np.square(sigma / target))
"""

VARIANTS = [
    correct("float32-loops", "float32 NumPy array filled in a loop, schedules by loops, the variance "
            "by its recursion and the rate by bisection, probabilities by repeated products, the "
            "gradient summed example by example and returned as a list with a float, the batch "
            "size by counting up",
            p1_sgd_trace=P1_FLOAT32, p2_schedules=P2_LOOPS, p3_noise_floor=P3_SIMPLIFIED,
            p4_sampling=P4_LOOPS, p5_minibatch=P5_LOOPS),
    correct("torch-schedulers", "torch tensors for the trace (returned as a tensor), torch.optim.lr_scheduler (StepLR, "
            "CosineAnnealingLR) for the schedules, the variance in closed form with NumPy scalars "
            "and the ratio as its value after 10^7 steps, the gradient as a mean over examples",
            p1_sgd_trace=P1_TORCH, p2_schedules=P2_TORCH, p3_noise_floor=P3_FIXED_POINT,
            p4_sampling=P4_NUMPY, p5_minibatch=P5_MEAN),
    correct("literal-lists", "Python lists for the trace (returned as a list of pairs), formulas transcribed as printed, "
            "the distinct examples counted by their growth per draw, the gradient in NumPy, the "
            "batch size as a NumPy float",
            p1_sgd_trace=P1_LIST, p2_schedules=P2_LITERAL, p3_noise_floor=P3_NUMPY,
            p4_sampling=P4_GROWTH, p5_minibatch=P5_NUMPY),

    wrong("lr-off-by-one", "steps count from 1: the first step uses lr(1)", "p1",
          says={"p1_tests_visible": "lr(0)"}, visible={"p1_tests_visible": "lr(0)"},
          p1_sgd_trace=P1_LIST.replace("lr(t)", "lr(t + 1)")),
    wrong("in-place", "x -= ... changes the array already stored in the list", "p1",
          says={"p1_tests_visible": "in place", "p1_tests_hidden": "in place"},
          visible={"p1_tests_visible": "in place"},
          p1_sgd_trace="""
def sgd_trace(f_grad, x0, lr, noise):
    x = np.array(x0, dtype=float)
    points = [x]
    for t in range(len(noise)):
        g = np.array(f_grad(*x)) + noise[t]
        x -= lr(t) * g
        points.append(x)
    return np.array(points)
"""),
    wrong("noise-subtracted", "the noise taken away from the gradient instead of added", "p1",
          says={"p1_tests_visible": "noise"}, visible={"p1_tests_visible": "noise"},
          p1_sgd_trace=P1_LIST.replace("g[i] + row[i]", "g[i] - row[i]")),
    wrong("step-ceil", "the step schedule drops too early: factor ** ceil(t / every)", "p2_tests_step",
          says={"p2_tests_step": "first drop"}, visible={"p2_tests_step": "first drop"},
          p2_schedules=P2_LITERAL.replace("math.floor(t / every)", "math.ceil(t / every)")),
    wrong("cosine-no-half", "the cosine schedule without the 1/2: lr0 (1 + cos)", "p2_tests_cosine",
          says={"p2_tests_cosine": "cosine"}, visible={"p2_tests_cosine": "reaches 0"},
          p2_schedules=P2_LITERAL.replace("lr0 / 2 * (1 +", "lr0 * (1 +")),
    wrong("warmup-from-zero", "the warm-up starts at 0: schedule(0) t / W", "p2_tests_warmup",
          says={"p2_tests_warmup": "warm-up"}, visible={"p2_tests_warmup": "not 0"},
          p2_schedules=P2_LITERAL.replace("(t + 1) / warmup", "t / warmup")),
    wrong("warmup-no-shift", "after the warm-up the schedule continues at schedule(t)", "p2_tests_warmup",
          says={"p2_tests_warmup": "warm-up"}, visible={"p2_tests_warmup": "schedule(t - W)"},
          p2_schedules=P2_LITERAL.replace("else schedule(t - warmup)", "else schedule(t)")),
    wrong("variance-not-squared", "the variance recursion with (1 - eta a), not its square",
          "p3_tests_variance", says={"p3_tests_variance": "(1 - eta a)^2"},
          visible={"p3_tests_variance": "(1 - eta a)^2"},
          p3_noise_floor=P3_SIMPLIFIED.replace("v = (1 - eta * a) ** 2 * v", "v = (1 - eta * a) * v")),
    wrong("small-eta-approximation", "the stationary variance approximated by eta sigma^2 / (2 a), "
          "for the rate and for the ratio", ("p3_tests_eta", "p3_tests_ratio"),
          says={"p3_tests_eta": "approximation", "p3_tests_ratio": "approximation"},
          visible={"p3_tests_eta": "approximation"},
          p3_noise_floor=P3_NUMPY.replace("halving_ratio = float(stationary(0.005, 1, 1) / stationary(0.01, 1, 1))",
                                          "halving_ratio = (0.005 / 2) / (0.01 / 2)")
                                 .replace("return 2 * a * target / (sigma * sigma + a * a * target)",
                                          "return 2 * a * target / sigma ** 2")),
    wrong("ratio-inverted", "the ratio the other way round: variance at 0.01 over the one at 0.005",
          "p3_tests_ratio", says={"p3_tests_ratio": "divided by"},
          visible={"p3_tests_ratio": "smaller rate"},
          p3_noise_floor=P3_SIMPLIFIED.replace(
              "(0.005 / (2 - 0.005)) / (0.01 / (2 - 0.01))",
              "(0.01 / (2 - 0.01)) / (0.005 / (2 - 0.005))")),
    wrong("distinct-counts-missed", "counts the examples missed instead of those seen",
          "p4_tests_distinct", says={"p4_tests_distinct": "drawn at least once"},
          visible={"p4_tests_distinct": "not missed"},
          p4_sampling=P4_NUMPY.replace("n - n * np.power", "n * np.power")),
    wrong("limit-numerically", "the limit as prob_never_picked(10**6), not exactly", "p4_tests_limit",
          says={"p4_tests_limit": ["exact limit", "relative error"]},
          p4_sampling=P4_NUMPY.replace("np.exp(-1.0)", "prob_never_picked(10 ** 6)")),
    wrong("sum-not-mean", "the gradient summed over the batch, not averaged",
          ("p5_tests_visible", "p5_tests_hidden"),
          says={"p5_tests_visible": "divide by |B|", "p5_tests_hidden": "mean over the batch"},
          visible={"p5_tests_visible": "divide by |B|"},
          p5_minibatch=P5_MEAN.replace(".mean(dim=0), torch.mean(r)", ".sum(dim=0), torch.sum(r)")),
    wrong("target-minus-prediction", "the residual as y - prediction: the gradient's sign flips",
          ("p5_tests_visible", "p5_tests_hidden"),
          says={"p5_tests_visible": "prediction minus target"},
          visible={"p5_tests_visible": "prediction minus target"},
          p5_minibatch=P5_MEAN.replace("r = torch.matmul(X, w) + b - y", "r = y - (torch.matmul(X, w) + b)")),
    wrong("std-as-variance", "the standard deviation taken to fall like 1/|B|: ceil(sigma / target)",
          "p5_tests_batch", says={"p5_tests_batch": "standard deviation"},
          visible={"p5_tests_batch": "standard deviation"},
          p5_minibatch=P5_MEAN.replace("math.ceil(sigma ** 2 / target ** 2)", "math.ceil(sigma / target)")),
]
