"""The adam assignment: the update, bias correction, Adam fails where Yogi converges, L2 versus AdamW.

Hidden reference values are computed here, offline (torch.optim cross-checked against
plain loops), and written into the test cells as literals.

    python -m grading.assignments.adam    # rewrite solutions/adam/adam.ipynb
"""

import math

import numpy as np
import torch

from grading.authoring import (SETUP_ONE_THREAD as SETUP, answer, checks, intro, lit, lits,
                               markdown, setup, test, write)

torch.set_default_dtype(torch.float64)  # the reference computations below run in float64


def torch_adam(x0, grads, lr, b1, b2, eps):
    p = torch.tensor(x0, requires_grad=True)
    opt = torch.optim.Adam([p], lr=lr, betas=(b1, b2), eps=eps)
    out = []
    for g in grads:
        p.grad = torch.tensor(g); opt.step()
        st = opt.state[p]
        out.append((p.detach().clone().numpy(), st["exp_avg"].clone().numpy(), st["exp_avg_sq"].clone().numpy()))
    return out
def plain_adam(x0, grads, lr, b1, b2, eps, corrected=True):
    x, m, v = np.array(x0, float), np.zeros(len(x0)), np.zeros(len(x0)); out = []
    for t, g in enumerate(grads, 1):
        g = np.array(g); m = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * g * g
        mh, vh = (m / (1 - b1 ** t), v / (1 - b2 ** t)) if corrected else (m, v)
        x = x - lr * mh / (np.sqrt(vh) + eps); out.append((x.copy(), m.copy(), v.copy()))
    return out
seq_x0, seq_g = [1.0, -2.0, 0.5], [[0.5, -1.0, 2.0], [-0.3, 0.2, 1.5], [1.2, 0.0, -0.7], [0.4, 0.4, 0.4]]
seq = torch_adam(seq_x0, seq_g, 0.1, 0.9, 0.999, 1e-8)
assert all(np.allclose(a[0], b[0], rtol=1e-12) for a, b in zip(seq, plain_adam(seq_x0, seq_g, 0.1, 0.9, 0.999, 1e-8)))
uncorrected = plain_adam(seq_x0, seq_g, 0.1, 0.9, 0.999, 1e-8, corrected=False)
seq_b = torch_adam([0.0, 0.0], [[2.0, -0.5], [1.0, 0.5], [-1.0, 1.5]], 0.05, 0.5, 0.9, 1e-3)
EPS_OUTSIDE = "eps is added after the square root: sqrt(v_hat) + eps, not sqrt(v_hat + eps)"
IN_PLACE = ("adam_step changed its argument in place: compute new tensors, such as new_m = beta1 * m + "
            "(1 - beta1) * grad, and leave x, m and v as they were (no m.mul_(...), m += ... or m[:] = ...)")
hid_new = ([0.5, -1.5], [-2.0, 0.25], [0.3, -0.1], [2.0, 0.5])  # x, g, m, v: a state that is not zero
_m = 0.8 * np.array(hid_new[2]) + 0.2 * np.array(hid_new[1])
_v = 0.95 * np.array(hid_new[3]) + 0.05 * np.array(hid_new[1]) ** 2
hid_new_out = (np.array(hid_new[0]) - 0.05 * (_m / (1 - 0.8 ** 3)) / (np.sqrt(_v / (1 - 0.95 ** 3)) + 1e-8), _m, _v)

def step_sizes(grads, lr, b1, b2, eps, corrected):
    x, m, v, out = 0.0, 0.0, 0.0, []
    for t, g in enumerate(grads, 1):
        m = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * g * g
        mh, vh = (m / (1 - b1 ** t), v / (1 - b2 ** t)) if corrected else (m, v)
        new = x - lr * mh / (math.sqrt(vh) + eps); out.append(abs(new - x)); x = new
    return np.array(out)
const = [0.5] * 10
sizes_c = step_sizes(const, 0.01, 0.9, 0.999, 1e-8, True)
sizes_u = step_sizes(const, 0.01, 0.9, 0.999, 1e-8, False)
mixed = [1.0, -2.0, 0.5, 3.0, -0.1]

def yogi_v(v, g, b2):
    return v - (1 - b2) * float(np.sign(v - g * g)) * g * g
BETA2_ONLINE = 0.2  # v stays a multiple of 0.8, never within 0.2 of g^2 (9 or 1): no sign(0), no tie
def online(use_yogi, steps=3000, C=3.0, b2=BETA2_ONLINE, lr=0.5, eps=1e-8, gaps=None):
    x = m = v = 0.0
    for t in range(1, steps + 1):
        g = C if t % 3 == 1 else -1.0
        m = g
        if gaps is not None:
            gaps.append(abs(v - g * g))
        v = yogi_v(v, g, b2) if use_yogi else b2 * v + (1 - b2) * g * g
        x = x - lr / math.sqrt(t) * m / (math.sqrt(v / (1 - b2 ** t)) + eps)
        x = min(1.0, max(-1.0, x))
    return x
adam_final, yogi_final = online(False), online(True)
CLIP = "x is clipped to [-1, 1] after every step"
_gaps = []
online(True, gaps=_gaps)
assert min(_gaps) > 0.1, min(_gaps)  # far from a tie in any rounding order
assert adam_final > 0.9 and yogi_final < -0.9

def torch_run(decoupled, wd, steps=200, lr=0.01, x0=(0.0, 1.0), target=1.0):
    p = torch.tensor(x0, requires_grad=True)
    opt = (torch.optim.AdamW if decoupled else torch.optim.Adam)([p], lr=lr, weight_decay=wd)
    for _ in range(steps):
        opt.zero_grad(); (0.5 * (p[0] - target) ** 2).backward(); opt.step()
    return p.detach().numpy()
x2_l2 = [torch_run(False, wd)[1] for wd in (0.1, 0.001)]
x2_w = [torch_run(True, wd)[1] for wd in (0.1, 0.001)]
hid_l2, hid_w = torch_run(False, 0.5, 20, 0.05, (2.0, -1.0), -1.0), torch_run(True, 0.5, 20, 0.05, (2.0, -1.0), -1.0)
assert min(abs(hid_l2).min(), abs(hid_w).min()) > 0.1  # no entry near 0, where float32 would need an atol
l2_one = torch_run(False, 0.1, 1)[1]  # one step with L2: x2 moves by about lr (1 - 0.01)
assert abs(l2_one - 0.99) < 1e-6
SWAPPED = ("decoupled decay multiplies x2 by 1 - lr * weight_decay = 0.999, L2 decay moves it by about lr to 0.99: "
           "are Adam and AdamW swapped?")
halving = next(n for n in range(1, 10000) if 0.999 ** n <= 0.5)
assert halving == math.ceil(math.log(0.5) / math.log(0.999)) and 0.999 ** (halving - 1) - 0.5 > 1e-5 and 0.5 - 0.999 ** halving > 1e-5

cells = [
intro("Assignment: Adam, Yogi and AdamW", "adam", """
This assignment has four parts: (1) the Adam update with bias correction, (2) what goes wrong
in the first steps without bias correction, (3) a problem on which Adam fails and Yogi succeeds,
(4) L2 weight decay versus decoupled weight decay (AdamW)."""),
setup(SETUP),
markdown("p1_text", """
## Part 1: the Adam update (4 points)

Adam keeps leaky averages of the gradients and of their squares, corrects their bias towards the
initial zeros, and takes a normalized step (coordinate by coordinate, steps counted from $t = 1$):

$$m_t = \\beta_1 m_{t-1} + (1-\\beta_1) g_t, \\qquad v_t = \\beta_2 v_{t-1} + (1-\\beta_2) g_t^2,$$
$$\\hat m_t = \\frac{m_t}{1-\\beta_1^t}, \\qquad \\hat v_t = \\frac{v_t}{1-\\beta_2^t}, \\qquad
x_t = x_{t-1} - \\eta\\, \\frac{\\hat m_t}{\\sqrt{\\hat v_t} + \\epsilon}.$$

Write `adam_step(x, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8)`: the arguments are
float64 tensors of the same shape, the step number `t` (1 for the first step) and numbers; return
the triple `(new_x, new_m, new_v)` of new tensors (`m` and `v` without the correction), and leave
the arguments `x`, `m` and `v` as they were (no in-place updates). Write the formulas; do not call a
library optimizer."""),
answer("p1_update", """
def adam_step(x, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    ### BEGIN SOLUTION
    new_m = beta1 * m + (1 - beta1) * grad
    new_v = beta2 * v + (1 - beta2) * grad * grad
    m_hat = new_m / (1 - beta1 ** t)
    v_hat = new_v / (1 - beta2 ** t)
    new_x = x - lr * m_hat / (torch.sqrt(v_hat) + eps)
    return new_x, new_m, new_v
    ### END SOLUTION
"""),
test("p1_tests_one_step", 1, f"""
x, g = torch.tensor([1.0, 2.0], dtype=torch.float64), torch.tensor([3.0, -4.0], dtype=torch.float64)
m, v = torch.zeros(2, dtype=torch.float64), torch.zeros(2, dtype=torch.float64)
result = adam_step(x, g, m, v, t=1, lr=0.1, eps=0.0)
check_type(result, "sequence", "adam_step(...) (the triple (new_x, new_m, new_v))", length=3)
new_x, new_m, new_v = result
check_close(new_m, [0.3, -0.4], "m after one step ((1 - beta1) g)")
check_close(new_v, [0.009, 0.016], "v after one step ((1 - beta2) g^2)")
check_close(new_x, [0.9, 2.1], "x after the first step (with bias correction it moves by lr against the sign of g)")
x, m, v = torch.tensor([1.0, 2.0], dtype=torch.float64), torch.zeros(2, dtype=torch.float64), torch.zeros(2, dtype=torch.float64)
new_x, new_m, new_v = adam_step(x, g, m, v, t=1, lr=0.1, eps=1.0)
check_close(new_x, [0.925, 2.08], "x after one step with eps = 1 ({EPS_OUTSIDE})")
""", f"""
x, m, v = (torch.zeros(2, dtype=torch.float64) for _ in range(3))
xs, states = [], []
for t, g in enumerate([[2.0, -0.5], [1.0, 0.5], [-1.0, 1.5]], 1):
    x, m, v = adam_step(x, torch.tensor(g, dtype=torch.float64), m, v, t, lr=0.05, beta1=0.5, beta2=0.9, eps=1e-3)
    xs.append(x.tolist())
    states.append(m.tolist() + v.tolist())
{checks([(f"states[{t}]", np.concatenate(o[1:]), f"(m, v) after step {t + 1} with beta1 = 0.5, beta2 = 0.9") for t, o in enumerate(seq_b)])}
{checks([(f"xs[{t}]", o[0], f"x after step {t + 1} with beta1 = 0.5, beta2 = 0.9, eps = 1e-3 ({EPS_OUTSIDE})") for t, o in enumerate(seq_b)])}
"""),
test("p1_tests_sequence", 2, """
x, m, v = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64), torch.zeros(3, dtype=torch.float64), torch.zeros(3, dtype=torch.float64)
for t, g in enumerate([[0.5, -1.0, 2.0], [-0.3, 0.2, 1.5]], 1):
    x, m, v = adam_step(x, torch.tensor(g, dtype=torch.float64), m, v, t, lr=0.1)
check_type(x, "array", "new_x after two steps (it should have the shape of x)", shape=(3,))
""", f"""
steps = {lits(seq_g)}
x, m, v = torch.tensor({lit(seq_x0)}, dtype=torch.float64), torch.zeros(3, dtype=torch.float64), torch.zeros(3, dtype=torch.float64)
xs, ms, vs = [], [], []
for t, g in enumerate(steps, 1):
    x, m, v = adam_step(x, torch.tensor(g, dtype=torch.float64), m, v, t, lr=0.1)
    xs.append(x.tolist())
    ms.append(m.tolist())
    vs.append(v.tolist())
check_differ(xs[0], {lit(uncorrected[0][0])},
             "x after step 1 and the step without bias correction (the step should use the bias-corrected m / (1 - beta1^t) and v / (1 - beta2^t))",
             atol=1e-9)
{checks([(f"ms[{t}]", o[1], f"m after step {t + 1}") for t, o in enumerate(seq)] + [(f"vs[{t}]", o[2], f"v after step {t + 1}") for t, o in enumerate(seq)] + [(f"xs[{t}]", o[0], f"x after step {t + 1}") for t, o in enumerate(seq)], rtol=1e-7)}
"""),
test("p1_tests_new_tensors", 1, f"""
x, g = torch.tensor([1.0, 2.0], dtype=torch.float64), torch.tensor([3.0, -4.0], dtype=torch.float64)
m, v = torch.tensor([0.5, 0.5], dtype=torch.float64), torch.tensor([1.0, 4.0], dtype=torch.float64)
new_x, new_m, new_v = adam_step(x, g, m, v, t=2, lr=0.1)
check_close(new_m, [0.75, 0.05], "new_m from m = (0.5, 0.5): beta1 m + (1 - beta1) g")
check_close(m, [0.5, 0.5], "m after the call ({IN_PLACE})")
check_close(v, [1.0, 4.0], "v after the call ({IN_PLACE})")
check_close(x, [1.0, 2.0], "x after the call ({IN_PLACE})")
""", f"""
x, g = torch.tensor({lit(hid_new[0])}, dtype=torch.float64), torch.tensor({lit(hid_new[1])}, dtype=torch.float64)
m, v = torch.tensor({lit(hid_new[2])}, dtype=torch.float64), torch.tensor({lit(hid_new[3])}, dtype=torch.float64)
new_x, new_m, new_v = adam_step(x, g, m, v, t=3, lr=0.05, beta1=0.8, beta2=0.95)
check_close(new_x, {lit(hid_new_out[0])}, "new_x from a state (m, v) that is not zero, at step 3", rtol=1e-7)
check_close(new_v, {lit(hid_new_out[2])}, "new_v from a state (m, v) that is not zero, at step 3", rtol=1e-7)
check_close(x.tolist() + m.tolist() + v.tolist(), {lit(hid_new[0] + hid_new[2] + hid_new[3])}, "x, m and v after the call ({IN_PLACE})")
"""),
markdown("p2_text", """
## Part 2: without bias correction (4 points)

1. Write `step_sizes(grads, lr, beta1, beta2, eps, corrected)`: one-dimensional Adam on the given
   list of gradients (they do not depend on $x$), from $x_0 = 0$, $m_0 = v_0 = 0$; return a NumPy
   array of the step lengths $|x_t - x_{t-1}|$, computed in float64 (Python floats are). With `corrected=False` use $m_t$ and $v_t$ in
   place of $\\hat m_t$ and $\\hat v_t$.
2. Set `sizes_corrected` and `sizes_uncorrected` for ten gradients equal to 0.5, `lr=0.01` and the
   default betas (0.9, 0.999), `eps=1e-8`.
3. Write `first_step_factor(beta1, beta2)`: the ratio (uncorrected first step) / (corrected first
   step) for a gradient much larger than $\\epsilon$ (a formula).
4. Answer `what_goes_wrong`: `"a"`: without the correction the first steps are too **large**
   (about 3 times $\\eta$ for the default betas), because $v$ starts at 0 and is underestimated even
   more than $m$; `"b"`: they are too **small**, because $m$ starts at 0; `"c"`: nothing changes."""),
answer("p2_bias", """
def step_sizes(grads, lr, beta1, beta2, eps, corrected):
    ### BEGIN SOLUTION
    x, m, v, sizes = 0.0, 0.0, 0.0, []
    for t, g in enumerate(grads, 1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat, v_hat = (m / (1 - beta1 ** t), v / (1 - beta2 ** t)) if corrected else (m, v)
        new_x = x - lr * m_hat / (math.sqrt(v_hat) + eps)
        sizes.append(abs(new_x - x))
        x = new_x
    return np.array(sizes)
    ### END SOLUTION


### BEGIN SOLUTION
sizes_corrected = step_sizes([0.5] * 10, 0.01, 0.9, 0.999, 1e-8, True)
sizes_uncorrected = step_sizes([0.5] * 10, 0.01, 0.9, 0.999, 1e-8, False)
print("corrected:  ", sizes_corrected.round(5))
print("uncorrected:", sizes_uncorrected.round(5))


def first_step_factor(beta1, beta2):
    return (1 - beta1) / math.sqrt(1 - beta2)


what_goes_wrong = "a"
### END SOLUTION
"""),
test("p2_tests_sizes", 2, """
check_type(sizes_corrected, "sequence", "sizes_corrected (ten step sizes)", length=10)
check_type(sizes_uncorrected, "sequence", "sizes_uncorrected (ten step sizes)", length=10)
check_close(sizes_corrected, [0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01], "the corrected steps for a constant gradient (each should be lr)", rtol=1e-6)
""", f"""
check_close(sizes_uncorrected, {lit(sizes_u)}, "sizes_uncorrected", rtol=1e-8)
check_close(step_sizes({lit(mixed)}, 0.1, 0.8, 0.99, 1e-8, True), {lit(step_sizes(mixed, 0.1, 0.8, 0.99, 1e-8, True))},
            "step_sizes for gradients (1, -2, 0.5, 3, -0.1), corrected", rtol=1e-8)
check_close(step_sizes({lit(mixed)}, 0.1, 0.8, 0.99, 1e-8, False), {lit(step_sizes(mixed, 0.1, 0.8, 0.99, 1e-8, False))},
            "step_sizes for gradients (1, -2, 0.5, 3, -0.1), uncorrected", rtol=1e-8)
"""),
test("p2_tests_factor", 1, """
check_number(first_step_factor(0.9, 0.999), "first_step_factor(0.9, 0.999)")
""", f"""
check_close(first_step_factor(0.9, 0.999), {lit(0.1 / math.sqrt(0.001))}, "first_step_factor(0.9, 0.999): m_1 = (1 - beta1) g, v_1 = (1 - beta2) g^2", rtol=1e-8)
check_close(first_step_factor(0.8, 0.9), {lit(0.2 / math.sqrt(0.1))}, "first_step_factor(0.8, 0.9)", rtol=1e-8)
"""),
test("p2_tests_letter", 1, """
check_one_of(what_goes_wrong, ["a", "b", "c"], "what_goes_wrong")
""", """
check_equal(what_goes_wrong, "a",
            "what_goes_wrong (compare sizes_uncorrected with sizes_corrected: are the first uncorrected steps larger or smaller?)")
"""),
markdown("p3_text", """
## Part 3: Adam fails, Yogi converges (4 points)

Reddi et al. (2018) built an online problem on which Adam converges to the worst point. On
$x \\in [-1, 1]$ the loss at step $t$ is $f_t(x) = 3x$ when $t \\bmod 3 = 1$ and $f_t(x) = -x$
otherwise, so the gradient is $3$ once every three steps and $-1$ in between. On average the loss
is $x/3$, minimized at $x = -1$.

Yogi (Zaheer et al., 2018) changes only the second moment: instead of Adam's
$v_t = v_{t-1} - (1-\\beta_2)(v_{t-1} - g_t^2)$ it uses
$v_t = v_{t-1} - (1-\\beta_2)\\,\\mathrm{sign}(v_{t-1} - g_t^2)\\, g_t^2$, so $v$ moves by at most
$(1-\\beta_2) g_t^2$ per step (with $\\mathrm{sign}(0) = 0$).

1. Write `yogi_second_moment(v, g, beta2)` (numbers in, a number out).
2. Write `run_online(use_yogi, steps)`: from $x_0 = 0$, $m_0 = v_0 = 0$, with $\\beta_1 = 0$ (so
   $m_t = g_t$), $\\beta_2 = 0.2$, $\\epsilon = 10^{-8}$ and the step size $\\eta_t = 0.5/\\sqrt{t}$:
   $x_t = \\mathrm{clip}\\big(x_{t-1} - \\eta_t\\, m_t / (\\sqrt{v_t / (1-\\beta_2^t)} + \\epsilon), -1, 1\\big)$,
   with Adam's $v_t$ or, when `use_yogi` is true, Yogi's. Return the final $x$.
3. Set `adam_final = run_online(False, 3000)` and `yogi_final = run_online(True, 3000)`, and answer
   `why`: `"a"`: Adam's $v$ forgets the rare large gradient within a step or two, so the frequent
   small gradients are divided by a small $v$ and their steps outweigh the rare large one; Yogi's
   $v$ shrinks only slowly, so all gradients are divided by about the same value and the net step
   points to the minimum; `"b"`: Yogi has a larger step size; `"c"`: Adam has no bias correction."""),
answer("p3_yogi", """
def yogi_second_moment(v, g, beta2):
    ### BEGIN SOLUTION
    return v - (1 - beta2) * float(np.sign(v - g * g)) * g * g
    ### END SOLUTION


def run_online(use_yogi, steps):
    ### BEGIN SOLUTION
    beta2, eps, x, v = 0.2, 1e-8, 0.0, 0.0
    for t in range(1, steps + 1):
        g = 3.0 if t % 3 == 1 else -1.0
        v = yogi_second_moment(v, g, beta2) if use_yogi else beta2 * v + (1 - beta2) * g * g
        x = x - 0.5 / math.sqrt(t) * g / (math.sqrt(v / (1 - beta2 ** t)) + eps)
        x = min(1.0, max(-1.0, x))
    return x
    ### END SOLUTION


### BEGIN SOLUTION
adam_final, yogi_final = run_online(False, 3000), run_online(True, 3000)
print(f"after 3000 steps: Adam at {adam_final:.3f}, Yogi at {yogi_final:.3f} (the minimum is at -1)")
why = "a"
### END SOLUTION
"""),
test("p3_tests_yogi", 1, """
check_close(yogi_second_moment(1.0, 2.0, 0.9), 1.4, "yogi_second_moment(1.0, 2.0, 0.9): v < g^2, so v grows by (1 - beta2) g^2")
""", """
check_close(yogi_second_moment(5.0, 1.0, 0.9), 4.9, "yogi_second_moment(5.0, 1.0, 0.9): v > g^2, so v shrinks by (1 - beta2) g^2", rtol=1e-9)
check_close(yogi_second_moment(4.0, -2.0, 0.5), 4.0, "yogi_second_moment(4.0, -2.0, 0.5): v = g^2, so v stays", rtol=1e-9)
check_close(yogi_second_moment(0.0, 3.0, 0.999), 0.009, "yogi_second_moment(0.0, 3.0, 0.999)", rtol=1e-9)
"""),
test("p3_tests_online", 2, f"""
check_less(0.9, adam_final, "adam_final (Adam should end near the worst point x = 1)")
check_less(yogi_final, -0.9, "yogi_final (Yogi should end near the minimum x = -1)")
check_less(adam_final, 1.000001, "adam_final ({CLIP})")
""", f"""
check_close(run_online(False, 30), {lit(online(False, 30))}, "run_online(False, 30) (Adam)", rtol=1e-8, atol=1e-12)
check_close(run_online(True, 30), {lit(online(True, 30))}, "run_online(True, 30) (Yogi)", rtol=1e-8, atol=1e-12)
check_close(adam_final, {lit(adam_final)}, "adam_final ({CLIP})", rtol=1e-6)
check_close(yogi_final, {lit(yogi_final)}, "yogi_final ({CLIP})", rtol=1e-6)
"""),
test("p3_tests_answer", 1, """
check_one_of(why, ["a", "b", "c"], "why")
""", """
check_equal(why, "a", "why (both use the same step size and the same bias correction here; "
            "what differs is how fast v forgets the large gradient)")
"""),
markdown("p4_text", """
## Part 4: L2 weight decay versus AdamW (5 points)

Weight decay can enter Adam in two ways. **L2** adds $\\lambda x$ to the gradient before the
moments, so the decay is divided by $\\sqrt{\\hat v}$ like everything else. **Decoupled** decay
(AdamW, Loshchilov and Hutter) shrinks the weights directly, $x \\leftarrow (1 - \\eta\\lambda) x$, and
then takes the plain Adam step (this is what `torch.optim.AdamW` does).

1. Write `run_adam(target, x0, steps, lr, weight_decay, decoupled)`: Adam with betas (0.9, 0.999)
   and $\\epsilon = 10^{-8}$ on the loss $\\tfrac12 (x_1 - c)^2$ with $c$ = `target`, where the second
   weight $x_2$ does not enter the loss (like a weight the data never uses); with L2 decay when
   `decoupled` is false, with decoupled decay when it is true. Return the final $(x_1, x_2)$ as a
   NumPy array. You may use `torch.optim.Adam` and `torch.optim.AdamW` (float32 is precise enough
   here).
2. For `weight_decay` in `(0.1, 0.001)`, run 200 steps with `lr=0.01` from `(0.0, 1.0)` towards
   `target=1.0` and set `x2_l2` and `x2_decoupled` to arrays of the two final values of $x_2$.
3. Answer `l2_strength`: `"a"`: with L2 the final $x_2$ is nearly the same for both strengths,
   because Adam divides the decay term $\\lambda x_2$ by $\\sqrt{\\hat v} \\approx \\lambda |x_2|$, so
   $x_2$ moves by about $\\eta$ per step whatever $\\lambda$ is; `"b"`: with L2 the stronger decay
   ends 100 times closer to zero, as it would with plain gradient descent; `"c"`: with L2, $x_2$
   does not move, because it does not enter the loss.
4. Set `halving_steps`: the smallest number of decoupled steps with `lr=0.01` and
   $\\lambda = 0.1$ after which $x_2$ is at most half its initial value (an integer)."""),
answer("p4_decay", """
def run_adam(target, x0, steps, lr, weight_decay, decoupled):
    ### BEGIN SOLUTION
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    optimizer_class = torch.optim.AdamW if decoupled else torch.optim.Adam
    optimizer = optimizer_class([x], lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=weight_decay)
    for _ in range(steps):
        optimizer.zero_grad()
        (0.5 * (x[0] - target) ** 2).backward()
        optimizer.step()
    return x.detach().numpy()
    ### END SOLUTION


### BEGIN SOLUTION
x2_l2 = np.array([run_adam(1.0, (0.0, 1.0), 200, 0.01, wd, False)[1] for wd in (0.1, 0.001)])
x2_decoupled = np.array([run_adam(1.0, (0.0, 1.0), 200, 0.01, wd, True)[1] for wd in (0.1, 0.001)])
print("x2 with L2:", x2_l2, " decoupled:", x2_decoupled)
l2_strength = "a"
halving_steps = math.ceil(math.log(0.5) / math.log(1 - 0.01 * 0.1))
### END SOLUTION
"""),
test("p4_tests_run", 2, f"""
final = run_adam(1.0, (0.0, 1.0), 5, 0.01, 0.0, False)
check_type(final, "sequence", "run_adam(...) (the two final weights)", length=2)
check_close(final[1], 1.0, "x2 without weight decay (it should not move: it does not enter the loss)")
check_close(run_adam(1.0, (0.0, 1.0), 1, 0.01, 0.1, True)[1], 0.999, "x2 after one decoupled step ({SWAPPED})")
check_close(run_adam(1.0, (0.0, 1.0), 1, 0.01, 0.1, False)[1], {lit(l2_one)}, "x2 after one step with L2 decay ({SWAPPED})")
""", f"""
check_close(run_adam(-1.0, (2.0, -1.0), 20, 0.05, 0.5, False), {lit(hid_l2)}, "run_adam with L2 decay (20 steps, lr 0.05, weight decay 0.5)", rtol=1e-7)
check_close(run_adam(-1.0, (2.0, -1.0), 20, 0.05, 0.5, True), {lit(hid_w)}, "run_adam with decoupled decay (20 steps, lr 0.05, weight decay 0.5)", rtol=1e-7)
"""),
test("p4_tests_compare", 1, """
check_type(x2_l2, "sequence", "x2_l2 (one value per weight decay)", length=2)
check_type(x2_decoupled, "sequence", "x2_decoupled (one value per weight decay)", length=2)
""", f"""
check_close(x2_l2, {lit(x2_l2)}, "x2_l2 (weight decay 0.1 and 0.001)", rtol=1e-6)
check_close(x2_decoupled, {lit(x2_w)}, "x2_decoupled (weight decay 0.1 and 0.001)", rtol=1e-6)
"""),
test("p4_tests_letter", 1, """
check_one_of(l2_strength, ["a", "b", "c"], "l2_strength")
""", """
check_equal(l2_strength, "a", "l2_strength (compare the two values in x2_l2, and what Adam divides the L2 term by)")
"""),
test("p4_tests_halving", 1, """
check_number(halving_steps, "halving_steps (a number of steps)")
""", f"""
check_equal(halving_steps, {halving}, "halving_steps: each decoupled step multiplies x2 by (1 - lr * weight_decay); the smallest n with (1 - lr * weight_decay)^n <= 1/2")
"""),
]

NAME = "adam"

if __name__ == "__main__":
    print(write(NAME, cells))
