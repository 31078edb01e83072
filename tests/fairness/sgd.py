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
def stationary_variance(eta, a, sigma):
    # 1 - (1 - eta a)^2 = eta a (2 - eta a)
    return eta * sigma ** 2 / (a * (2 - eta * a))


halving_ratio = stationary_variance(0.005, 1, 1) / stationary_variance(0.01, 1, 1)
floor_answer = "B"
"""

P3_FIXED_POINT = """
def stationary_variance(eta, a, sigma):
    v = 0.0
    for _ in range(200000):
        new = (1 - eta * a) ** 2 * v + eta ** 2 * sigma ** 2
        if new == v:
            break
        v = new
    return v


halving_ratio = np.float64(stationary_variance(0.005, 1.0, 1.0)) / stationary_variance(0.01, 1.0, 1.0)
floor_answer = " b"
"""

P3_NUMPY = """
def stationary_variance(eta, a, sigma):
    q = np.square(1.0 - eta * a)
    return np.float64(eta * eta * sigma * sigma) / (1.0 - q)


halving_ratio = float(stationary_variance(0.005, 1.0, 1.0) / stationary_variance(0.01, 1.0, 1.0))
floor_answer = 'b'
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


batch_variance_answer = "A"
"""

P5_MEAN = """
def minibatch_grad(w, b, X, y):
    r = torch.matmul(X, w) + b - y
    return (r[:, None] * X).mean(dim=0), torch.mean(r)


batch_variance_answer = "a"
"""

P5_NUMPY = """
def minibatch_grad(w, b, X, y):
    Xn, yn, wn = X.numpy(), y.numpy(), w.numpy()
    r = Xn @ wn + float(b) - yn
    return np.einsum("i,ij->j", r, Xn) / len(yn), np.mean(r)


batch_variance_answer = "a"
"""

# ---------------------------------------------------------------- answer cells, wrong
SOLUTION_P3_TAIL = """

halving_ratio = stationary_variance(0.005, 1.0, 1.0) / stationary_variance(0.01, 1.0, 1.0)
floor_answer = "b"
"""

VARIANTS = [
    correct("float32-loops", "float32 NumPy array filled in a loop, schedules by loops, the variance "
            "simplified by hand, probabilities by repeated products, the gradient summed example "
            "by example and returned as a list with a float",
            p1_sgd_trace=P1_FLOAT32, p2_schedules=P2_LOOPS, p3_noise_floor=P3_SIMPLIFIED,
            p4_sampling=P4_LOOPS, p5_minibatch=P5_LOOPS),
    correct("torch-schedulers", "torch tensors for the trace (returned as a tensor), torch.optim.lr_scheduler (StepLR, "
            "CosineAnnealingLR) for the schedules, the variance as a fixed-point iteration, NumPy "
            "scalars, the gradient as a mean over examples",
            p1_sgd_trace=P1_TORCH, p2_schedules=P2_TORCH, p3_noise_floor=P3_FIXED_POINT,
            p4_sampling=P4_NUMPY, p5_minibatch=P5_MEAN),
    correct("literal-lists", "Python lists for the trace (returned as a list of pairs), formulas transcribed as printed, "
            "the distinct examples counted by their growth per draw, the gradient in NumPy",
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
    wrong("small-eta-approximation", "the variance approximated by eta sigma^2 / (2 a), which also "
          "makes the ratio exactly 1/2", ("p3_tests_variance", "p3_tests_ratio"),
          says={"p3_tests_variance": "exactly"}, visible={"p3_tests_variance": "exactly"},
          p3_noise_floor="""
def stationary_variance(eta, a, sigma):
    return eta * sigma ** 2 / (2 * a)
""" + SOLUTION_P3_TAIL),
    wrong("ratio-inverted", "the ratio the other way round: variance at 0.01 over the one at 0.005",
          "p3_tests_ratio", says={"p3_tests_ratio": "divided by"},
          visible={"p3_tests_ratio": "smaller rate"},
          p3_noise_floor=P3_SIMPLIFIED.replace(
              "stationary_variance(0.005, 1, 1) / stationary_variance(0.01, 1, 1)",
              "stationary_variance(0.01, 1, 1) / stationary_variance(0.005, 1, 1)")),
    wrong("floor-converges", "believes a constant learning rate converges", "p3_tests_floor",
          says={"p3_tests_floor": "floor_answer"},
          p3_noise_floor=P3_SIMPLIFIED.replace('floor_answer = "B"', 'floor_answer = "a"')),
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
    wrong("variance-sqrt", "the variance taken to scale like the standard error, 1/sqrt|B|",
          "p5_tests_variance", says={"p5_tests_variance": "batch_variance_answer"},
          p5_minibatch=P5_MEAN.replace('batch_variance_answer = "a"', 'batch_variance_answer = "b"')),
]
