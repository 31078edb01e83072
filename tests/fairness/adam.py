"""The adam assignment, solved as students solve it (see tests/fairness/__init__.py)."""

from fairness import correct, wrong

# ----------------------------------------------------------------------------- Part 1
P1_METHODS = """
def adam_step(x, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = m * beta1 + grad * (1 - beta1)
    v = v * beta2 + grad ** 2 * (1 - beta2)
    step = (m / (1 - beta1 ** t)) / ((v / (1 - beta2 ** t)).sqrt() + eps)
    return x - lr * step, m, v
"""

P1_NUMPY = """
def adam_step(x, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    xn, gn, mn, vn = (a.numpy() for a in (x, grad, m, v))
    new_m = beta1 * mn + (1 - beta1) * gn
    new_v = beta2 * vn + (1 - beta2) * np.square(gn)
    m_hat = new_m / (1 - beta1 ** t)
    v_hat = new_v / (1 - beta2 ** t)
    new_x = xn - lr * m_hat / (np.sqrt(v_hat) + eps)
    return torch.from_numpy(new_x), torch.from_numpy(new_m), torch.from_numpy(new_v)
"""

P1_CLONES = """
def adam_step(x, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, x = m.clone(), v.clone(), x.clone()
    m.mul_(beta1).add_(grad, alpha=1 - beta1)
    v.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    bias1, bias2 = 1 - beta1 ** t, 1 - beta2 ** t
    denominator = (v / bias2).sqrt().add_(eps)
    x.addcdiv_(m / bias1, denominator, value=-lr)
    return x, m, v
"""

P1_EPS_INSIDE = """
def adam_step(x, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    new_m = beta1 * m + (1 - beta1) * grad
    new_v = beta2 * v + (1 - beta2) * grad * grad
    m_hat = new_m / (1 - beta1 ** t)
    v_hat = new_v / (1 - beta2 ** t)
    new_x = x - lr * m_hat / torch.sqrt(v_hat + eps)
    return new_x, new_m, new_v
"""

P1_IN_PLACE = """
def adam_step(x, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m.mul_(beta1).add_((1 - beta1) * grad)
    v.mul_(beta2).add_((1 - beta2) * grad * grad)
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    x -= lr * m_hat / (torch.sqrt(v_hat) + eps)
    return x, m, v
"""

P1_NO_CORRECTION = """
def adam_step(x, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    new_m = beta1 * m + (1 - beta1) * grad
    new_v = beta2 * v + (1 - beta2) * grad * grad
    new_x = x - lr * new_m / (torch.sqrt(new_v) + eps)
    return new_x, new_m, new_v
"""

# ----------------------------------------------------------------------------- Part 2
P2_VECTORISED = """
def step_sizes(grads, lr, beta1, beta2, eps, corrected):
    g = np.asarray(grads, dtype=np.float64)
    t = np.arange(1, len(g) + 1)
    weights1 = np.tril(beta1 ** np.subtract.outer(t, t).clip(min=0))
    weights2 = np.tril(beta2 ** np.subtract.outer(t, t).clip(min=0))
    m = (1 - beta1) * weights1 @ g
    v = (1 - beta2) * weights2 @ (g * g)
    if corrected:
        m, v = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return np.abs(lr * m / (np.sqrt(v) + eps))


sizes_corrected = step_sizes([0.5] * 10, 0.01, 0.9, 0.999, 1e-8, True)
sizes_uncorrected = step_sizes([0.5] * 10, 0.01, 0.9, 0.999, 1e-8, False)


def first_step_factor(beta1, beta2):
    return (1 - beta1) * (1 - beta2) ** -0.5


what_goes_wrong = "A"
"""

P2_REUSES_ADAM_STEP = """
def step_sizes(grads, lr, beta1, beta2, eps, corrected):
    x = m = v = torch.zeros(1, dtype=torch.float64)
    out = []
    for t, g in enumerate(grads, 1):
        g = torch.tensor([g], dtype=torch.float64)
        if corrected:
            new_x, m, v = adam_step(x, g, m, v, t, lr, beta1, beta2, eps)
        else:
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g ** 2
            new_x = x - lr * m / (v.sqrt() + eps)
        out.append(abs((new_x - x).item()))
        x = new_x
    return np.array(out)


sizes_corrected = step_sizes([0.5] * 10, 0.01, 0.9, 0.999, 1e-8, True)
sizes_uncorrected = step_sizes([0.5] * 10, 0.01, 0.9, 0.999, 1e-8, False)


def first_step_factor(beta1, beta2):
    g = 1.0
    uncorrected = (1 - beta1) * g / math.sqrt((1 - beta2) * g * g)
    corrected = g / math.sqrt(g * g)
    return uncorrected / corrected


what_goes_wrong = "a"
"""

P2_FACTOR_INVERTED = """
def step_sizes(grads, lr, beta1, beta2, eps, corrected):
    x, m, v, sizes = 0.0, 0.0, 0.0, []
    for t, g in enumerate(grads, 1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        if corrected:
            step = lr * (m / (1 - beta1 ** t)) / (math.sqrt(v / (1 - beta2 ** t)) + eps)
        else:
            step = lr * m / (math.sqrt(v) + eps)
        sizes.append(abs(step))
        x -= step
    return np.array(sizes)


sizes_corrected = step_sizes([0.5] * 10, 0.01, 0.9, 0.999, 1e-8, True)
sizes_uncorrected = step_sizes([0.5] * 10, 0.01, 0.9, 0.999, 1e-8, False)


def first_step_factor(beta1, beta2):
    return math.sqrt(1 - beta2) / (1 - beta1)


what_goes_wrong = "a"
"""

P2_WRONG_LETTER = P2_FACTOR_INVERTED.replace(
    "return math.sqrt(1 - beta2) / (1 - beta1)", "return (1 - beta1) / math.sqrt(1 - beta2)").replace(
    'what_goes_wrong = "a"', 'what_goes_wrong = "b"')

# ----------------------------------------------------------------------------- Part 3
P3_AS_PRINTED = """
def yogi_second_moment(v, g, beta2):
    return v - (1 - beta2) * np.sign(v - g**2) * g**2


def run_online(use_yogi, steps):
    x = m = v = 0.0
    beta1, beta2, eps = 0.0, 0.2, 1e-8
    for t in range(1, steps + 1):
        g = 3 if t % 3 == 1 else -1
        m = beta1 * m + (1 - beta1) * g
        if use_yogi:
            v = yogi_second_moment(v, g, beta2)
        else:
            v = v - (1 - beta2) * (v - g**2)
        eta = 0.5 / np.sqrt(t)
        x = np.clip(x - eta * m / (np.sqrt(v / (1 - beta2**t)) + eps), -1, 1)
    return x


adam_final = run_online(False, 3000)
yogi_final = run_online(True, 3000)
why = "a"
"""

P3_BRANCHES = """
def yogi_second_moment(v, g, beta2):
    if v > g * g:
        return v - (1 - beta2) * g * g
    if v < g * g:
        return v + (1 - beta2) * g * g
    return v


def run_online(use_yogi, steps):
    x, v, beta2 = 0.0, 0.0, 0.2
    for t in range(1, steps + 1):
        g = 3.0 if t % 3 == 1 else -1.0
        v = yogi_second_moment(v, g, beta2) if use_yogi else beta2 * v + (1 - beta2) * g ** 2
        v_hat = v / (1 - beta2 ** t)
        x -= 0.5 * t ** -0.5 * g / (v_hat ** 0.5 + 1e-8)
        x = max(-1.0, min(1.0, x))
    return x


adam_final, yogi_final = run_online(False, 3000), run_online(True, 3000)
why = "a"
"""

P3_TORCH = """
def yogi_second_moment(v, g, beta2):
    v, g = torch.tensor(v, dtype=torch.float64), torch.tensor(g, dtype=torch.float64)
    return (v - (1 - beta2) * torch.sign(v - g * g) * g * g).item()


def run_online(use_yogi, steps):
    x = torch.zeros((), dtype=torch.float64)
    v = 0.0
    for t in range(1, steps + 1):
        g = 3.0 if t % 3 == 1 else -1.0
        v = yogi_second_moment(v, g, 0.2) if use_yogi else 0.2 * v + 0.8 * g * g
        x = (x - 0.5 / math.sqrt(t) * g / (math.sqrt(v / (1 - 0.2 ** t)) + 1e-8)).clamp(-1.0, 1.0)
    return x.item()


adam_final = run_online(False, 3000)
yogi_final = run_online(True, 3000)
why = "a"
"""

P3_SIGN_ZERO_IS_ONE = P3_BRANCHES.replace(
    "    if v < g * g:\n        return v + (1 - beta2) * g * g\n    return v\n",
    "    return v + (1 - beta2) * g * g\n")

P3_NO_CLIP = P3_BRANCHES.replace("        x = max(-1.0, min(1.0, x))\n", "")

# ----------------------------------------------------------------------------- Part 4
P4_OPTBOOK_FLOAT32 = """
def run_adam(target, x0, steps, lr, weight_decay, decoupled):
    w = torch.tensor(x0, requires_grad=True)
    if decoupled:
        opt = optbook.optim.AdamW([w], lr=lr, weight_decay=weight_decay)
    else:
        opt = optbook.optim.Adam([w], lr=lr, weight_decay=weight_decay)
    for _ in range(steps):
        opt.zero_grad()
        loss = 0.5 * (w[0] - target) ** 2
        loss.backward()
        opt.step()
    return w.detach().numpy()


x2_l2 = [run_adam(1.0, (0.0, 1.0), 200, 0.01, wd, False)[1] for wd in (0.1, 0.001)]
x2_decoupled = [run_adam(1.0, (0.0, 1.0), 200, 0.01, wd, True)[1] for wd in (0.1, 0.001)]
l2_strength = "a"
halving_steps = math.ceil(math.log(0.5) / math.log(1 - 0.01 * 0.1))
"""

P4_HAND_LOOP = """
def run_adam(target, x0, steps, lr, weight_decay, decoupled):
    x = np.array(x0, dtype=np.float64)
    m, v = np.zeros(2), np.zeros(2)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        g = np.array([x[0] - target, 0.0])
        if decoupled:
            x = x * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * x
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        x = x - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return x


x2_l2 = np.array([run_adam(1.0, (0.0, 1.0), 200, 0.01, 0.1, False)[1],
                  run_adam(1.0, (0.0, 1.0), 200, 0.01, 0.001, False)[1]])
x2_decoupled = np.array([run_adam(1.0, (0.0, 1.0), 200, 0.01, 0.1, True)[1],
                         run_adam(1.0, (0.0, 1.0), 200, 0.01, 0.001, True)[1]])
l2_strength = "A"
x2, halving_steps = 1.0, 0
while x2 > 0.5:
    x2 *= 1 - 0.01 * 0.1
    halving_steps += 1
"""

P4_TORCH_FLOAT32 = """
def run_adam(target, x0, steps, lr, weight_decay, decoupled):
    params = torch.tensor(x0, requires_grad=True)
    make = torch.optim.AdamW if decoupled else torch.optim.Adam
    optimizer = make([params], lr=lr, weight_decay=weight_decay)
    for step in range(steps):
        optimizer.zero_grad()
        loss = (params[0] - target) ** 2 / 2
        loss.backward()
        optimizer.step()
    return params.detach().numpy().copy()


x2_l2 = torch.tensor([run_adam(1.0, (0.0, 1.0), 200, 0.01, wd, False)[1] for wd in (0.1, 0.001)])
x2_decoupled = torch.tensor([run_adam(1.0, (0.0, 1.0), 200, 0.01, wd, True)[1] for wd in (0.1, 0.001)])
l2_strength = "a"
halving_steps = int(np.ceil(np.log(0.5) / np.log1p(-0.001)))
"""

P4_SWAPPED = P4_TORCH_FLOAT32.replace(
    "make = torch.optim.AdamW if decoupled else torch.optim.Adam",
    "make = torch.optim.Adam if decoupled else torch.optim.AdamW")

P4_FLOOR = P4_TORCH_FLOAT32.replace(
    "halving_steps = int(np.ceil(np.log(0.5) / np.log1p(-0.001)))",
    "halving_steps = int(np.log(0.5) / np.log(1 - 0.01 * 0.1))")

P4_WRONG_LETTER = P4_HAND_LOOP.replace('l2_strength = "A"', 'l2_strength = "b"')


VARIANTS = [
    correct("methods-vectorised-printed-optbook32",
            "tensor methods, Part 2 vectorised in NumPy, Yogi and Adam's v transcribed as printed "
            "with np.sign and NumPy floats, Part 4 with optbook.optim in float32",
            p1_update=P1_METHODS, p2_bias=P2_VECTORISED, p3_yogi=P3_AS_PRINTED,
            p4_decay=P4_OPTBOOK_FLOAT32),
    correct("numpy-reuse-branches-handloop",
            "adam_step through NumPy, step_sizes reusing adam_step, Yogi with if/elif, "
            "Adam and AdamW by hand in float64 NumPy, the halving count by a loop",
            p1_update=P1_NUMPY, p2_bias=P2_REUSES_ADAM_STEP, p3_yogi=P3_BRANCHES,
            p4_decay=P4_HAND_LOOP),
    correct("clones-loop-torch-float32",
            "in-place updates on clones (as torch.optim does), a step loop with math, "
            "Yogi in torch, torch.optim in float32 with results as tensors",
            p1_update=P1_CLONES, p2_bias=P2_FACTOR_INVERTED.replace(
                "return math.sqrt(1 - beta2) / (1 - beta1)",
                "return (1 - beta1) / (1 - beta2) ** 0.5"),
            p3_yogi=P3_TORCH, p4_decay=P4_TORCH_FLOAT32),
    wrong("eps-inside-root", "epsilon inside the square root: sqrt(v_hat + eps)",
          loses="p1_tests_one_step",
          says={"p1_tests_one_step": "after the square root"},
          visible={"p1_tests_one_step": "after the square root"},
          p1_update=P1_EPS_INSIDE),
    wrong("state-in-place", "m, v and x updated in place (mul_, add_, -=) and returned",
          loses="p1_tests_new_tensors",
          says={"p1_tests_new_tensors": "in place"},
          visible={"p1_tests_new_tensors": "in place"},
          p1_update=P1_IN_PLACE),
    wrong("no-bias-correction", "m and v used without the bias correction",
          loses="p1",
          says={"p1_tests_one_step": "bias correction"},
          visible={"p1_tests_one_step": "bias correction"},
          p1_update=P1_NO_CORRECTION),
    wrong("factor-inverted", "first_step_factor upside down",
          loses="p2_tests_factor",
          says={"p2_tests_factor": "m_1 = (1 - beta1) g"},
          p2_bias=P2_FACTOR_INVERTED),
    wrong("bias-letter", "what_goes_wrong answered b",
          loses="p2_tests_letter",
          says={"p2_tests_letter": "larger or smaller"},
          p2_bias=P2_WRONG_LETTER),
    wrong("sign-zero-is-one", "Yogi's v grows when v = g^2 (sign(0) taken as -1)",
          loses="p3_tests_yogi",
          says={"p3_tests_yogi": "v = g^2, so v stays"},
          p3_yogi=P3_SIGN_ZERO_IS_ONE),
    wrong("online-no-clip", "run_online without the projection onto [-1, 1]",
          loses="p3_tests_online",
          says={"p3_tests_online": "clipped to [-1, 1]"},
          visible={"p3_tests_online": "clipped to [-1, 1]"},
          p3_yogi=P3_NO_CLIP),
    wrong("adam-adamw-swapped", "torch.optim.Adam for decoupled decay and AdamW for L2",
          loses=["p4_tests_run", "p4_tests_compare"],
          says={"p4_tests_run": "swapped"},
          visible={"p4_tests_run": "swapped"},
          p4_decay=P4_SWAPPED),
    wrong("halving-floor", "the halving count rounded down",
          loses="p4_tests_halving",
          says={"p4_tests_halving": "the smallest n"},
          p4_decay=P4_FLOOR),
    wrong("l2-letter", "l2_strength answered b (as with plain gradient descent)",
          loses="p4_tests_letter",
          says={"p4_tests_letter": "what adam divides the l2 term by"},
          p4_decay=P4_WRONG_LETTER),
]
