"""The adadelta assignment: the update, whether it is free of a learning rate, a far minimum, rho.

Hidden reference values are computed here, offline (torch.optim cross-checked against
plain loops), and written into the test cells as literals.

    python -m grading.assignments.adadelta    # rewrite solutions/adadelta/adadelta.ipynb
"""

import math

import numpy as np
import torch

from grading.authoring import (SETUP_ONE_THREAD as SETUP, answer, checks, intro, lit, lits,
                               markdown, setup, test, write)

torch.set_default_dtype(torch.float64)  # the reference computations below run in float64


def torch_adadelta(x0, grads, rho, eps):
    p = torch.tensor(x0, requires_grad=True)
    opt = torch.optim.Adadelta([p], lr=1.0, rho=rho, eps=eps)
    out = []
    for g in grads:
        p.grad = torch.tensor(g); opt.step()
        st = opt.state[p]
        out.append((p.detach().clone().numpy(), st["square_avg"].clone().numpy(), st["acc_delta"].clone().numpy()))
    return out
def plain(x0, grads, rho, eps, new_delta_in_numerator=False):
    x, s, d = np.array(x0, float), np.zeros(len(x0)), np.zeros(len(x0)); out = []
    for g in grads:
        g = np.array(g); s = rho * s + (1 - rho) * g * g
        gp = np.sqrt(d + eps) / np.sqrt(s + eps) * g
        x = x - gp; d = rho * d + (1 - rho) * gp * gp
        out.append((x.copy(), s.copy(), d.copy()))
    return out
seq_x0, seq_g = [1.0, -2.0, 0.5], [[0.5, -1.0, 2.0], [-0.3, 0.2, 1.5], [1.2, 0.0, -0.7], [0.4, 0.4, 0.4]]
seq = torch_adadelta(seq_x0, seq_g, 0.9, 1e-3)
pl = plain(seq_x0, seq_g, 0.9, 1e-3)
assert all(np.allclose(a[0], b[0], rtol=1e-13) for a, b in zip(seq, pl))
seq2 = torch_adadelta([0.0, 0.0], [[10.0, -0.01]] * 3, 0.5, 1e-2)

def early(grads, rho, eps):
    """The step lengths for a list of gradients (cross-checked with torch below)."""
    s = d = 0.0; lengths = []
    for g in grads:
        s = rho * s + (1 - rho) * g * g
        gp = math.sqrt(d + eps) / math.sqrt(s + eps) * g
        d = rho * d + (1 - rho) * gp * gp
        lengths.append(abs(gp))
    return np.array(lengths)
P2_CASES = [([10.0] * 5, 0.9, 1e-6), ([0.001, -0.002, 0.001, 0.003], 0.9, 1e-6), ([-3.0, 5.0, 0.5], 0.99, 1e-4)]
for _g, _r, _e in P2_CASES:
    _xs = [x for x, _, _ in torch_adadelta([0.0], [[g] for g in _g], _r, _e)]
    assert np.allclose(np.abs(np.diff([0.0] + [x[0] for x in _xs])), early(_g, _r, _e), rtol=1e-12)
assert abs(early([4.0], 0.5, 1.0)[0] - 4 / 3) < 1e-15
EPS_INSIDE = "eps sits inside both square roots: sqrt(delta_avg + eps) / sqrt(square_avg + eps) * g"
IN_PLACE = ("adadelta_step changed its argument in place: compute new tensors, such as new_square_avg = "
            "rho * square_avg + (1 - rho) * grad * grad, and leave x, square_avg and delta_avg as they were "
            "(no mul_(...), += or [:] = ...)")
hid_new = ([0.5, -1.5], [-2.0, 0.25], [3.0, 0.1], [0.2, 0.05])  # x, g, square_avg, delta_avg: not zero
_s = 0.8 * np.array(hid_new[2]) + 0.2 * np.array(hid_new[1]) ** 2
_gp = np.sqrt(np.array(hid_new[3]) + 1e-2) / np.sqrt(_s + 1e-2) * np.array(hid_new[1])
hid_new_out = (np.array(hid_new[0]) - _gp, _s, 0.8 * np.array(hid_new[3]) + 0.2 * _gp ** 2)
def run(target, steps, rho=0.9, eps=1e-6):
    x = s = d = 0.0
    for _ in range(steps):
        g = x - target; s = rho * s + (1 - rho) * g * g
        gp = math.sqrt(d + eps) / math.sqrt(s + eps) * g; x -= gp; d = rho * d + (1 - rho) * gp * gp
    return x
p = torch.tensor([0.0], requires_grad=True); opt = torch.optim.Adadelta([p], lr=1.0, rho=0.9, eps=1e-6)
for _ in range(200):
    p.grad = p.detach() - 100.0; opt.step()
assert abs(p.item() - run(100.0, 200)) < 1e-9
def steps_to_reach(rho, tol=0.01, eps=1e-6, limit=10000):
    x = s = d = 0.0
    for t in range(1, limit + 1):
        g = x - 1.0; s = rho * s + (1 - rho) * g * g
        gp = math.sqrt(d + eps) / math.sqrt(s + eps) * g; x -= gp; d = rho * d + (1 - rho) * gp * gp
        if abs(x - 1.0) < tol:
            return t
rhos = {r: steps_to_reach(r) for r in [0.5, 0.9, 0.95, 0.99]}
def closest_to_tol(rho, tol=0.01, eps=1e-6):
    """How near |x_t - 1| comes to tol before the count stops: far from a tie, no rounding order can split it."""
    x = s = d = 0.0; gap = 1.0
    for _ in range(rhos[rho]):
        g = x - 1.0; s = rho * s + (1 - rho) * g * g
        gp = math.sqrt(d + eps) / math.sqrt(s + eps) * g; x -= gp; d = rho * d + (1 - rho) * gp * gp
        gap = min(gap, abs(abs(x - 1.0) - tol))
    return gap
assert all(closest_to_tol(r) > 1e-5 for r in rhos)

cells = [
intro("Assignment: Adadelta", "adadelta", """
This assignment has four parts: (1) the Adadelta update, (2) whether Adadelta really needs no
learning rate, (3) what happens when the minimum is far away, (4) the effect of rho."""),
setup(SETUP),
markdown("p1_text", """
## Part 1: the Adadelta update (4 points)

Adadelta keeps two leaky averages per coordinate, of the squared gradients ($s$) and of the squared
steps ($\\Delta$), and uses their ratio instead of a learning rate:

$$s_t = \\rho s_{t-1} + (1-\\rho) g_t^2, \\qquad
g'_t = \\frac{\\sqrt{\\Delta_{t-1} + \\epsilon}}{\\sqrt{s_t + \\epsilon}}\\, g_t, \\qquad
x_t = x_{t-1} - g'_t, \\qquad
\\Delta_t = \\rho \\Delta_{t-1} + (1-\\rho)\\, g_t'^2 .$$

Note that the numerator uses $\\Delta_{t-1}$, the average **before** this step, and that
$\\epsilon$ sits inside both square roots (as in the paper, d2l and `torch.optim.Adadelta` with
`lr=1`).

Write `adadelta_step(x, grad, square_avg, delta_avg, rho, eps=1e-6)`: the arguments are float64
tensors of the same shape and two numbers; return the triple
`(new_x, new_square_avg, new_delta_avg)` of new tensors, and leave the arguments `x`,
`square_avg` and `delta_avg` as they were (no in-place updates). Write the formulas; do not call a
library optimizer."""),
answer("p1_update", """
def adadelta_step(x, grad, square_avg, delta_avg, rho, eps=1e-6):
    ### BEGIN SOLUTION
    new_square_avg = rho * square_avg + (1 - rho) * grad * grad
    rescaled = torch.sqrt(delta_avg + eps) / torch.sqrt(new_square_avg + eps) * grad
    new_x = x - rescaled
    new_delta_avg = rho * delta_avg + (1 - rho) * rescaled * rescaled
    return new_x, new_square_avg, new_delta_avg
    ### END SOLUTION
"""),
test("p1_tests_one_step", 1, f"""
x, g = torch.tensor([1.0, 2.0], dtype=torch.float64), torch.tensor([4.0, -4.0], dtype=torch.float64)
s, d = torch.zeros(2, dtype=torch.float64), torch.zeros(2, dtype=torch.float64)
result = adadelta_step(x, g, s, d, rho=0.5, eps=1.0)
check_type(result, "sequence", "adadelta_step(...) (the triple (new_x, new_square_avg, new_delta_avg))", length=3)
new_x, new_s, new_delta = result
check_close(new_s, [8.0, 8.0], "the average of g^2 after one step ((1 - rho) g^2)")
check_close(new_x, [-1 / 3, 10 / 3], "x after one step (the rescaled gradient is sqrt(0 + 1) / sqrt(8 + 1) * g: {EPS_INSIDE})")
check_close(new_delta, [8 / 9, 8 / 9], "the average of squared steps after one step ((1 - rho) g'^2)")
""", f"""
# a larger gradient in one coordinate, several steps
x, s, d = (torch.zeros(2, dtype=torch.float64) for _ in range(3))
xs, states = [], []
for t in range(3):
    x, s, d = adadelta_step(x, torch.tensor([10.0, -0.01], dtype=torch.float64), s, d, rho=0.5, eps=1e-2)
    xs.append(x.tolist())
    states.append(s.tolist() + d.tolist())
{checks([(f"states[{t}]", np.concatenate(o[1:]), f"(square_avg, delta_avg) after step {t + 1} with a constant gradient (10, -0.01)") for t, o in enumerate(seq2)])}
{checks([(f"xs[{t}]", o[0], f"x after step {t + 1} with a constant gradient (10, -0.01) and eps = 1e-2 ({EPS_INSIDE})") for t, o in enumerate(seq2)])}
"""),
test("p1_tests_sequence", 2, """
x, s, d = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64), torch.zeros(3, dtype=torch.float64), torch.zeros(3, dtype=torch.float64)
for g in [[0.5, -1.0, 2.0], [-0.3, 0.2, 1.5]]:
    x, s, d = adadelta_step(x, torch.tensor(g, dtype=torch.float64), s, d, rho=0.9, eps=1e-3)
check_type(x, "array", "new_x after two steps (it should have the shape of x)", shape=(3,))
""", f"""
steps = {lits(seq_g)}
x, s, d = torch.tensor({lit(seq_x0)}, dtype=torch.float64), torch.zeros(3, dtype=torch.float64), torch.zeros(3, dtype=torch.float64)
xs, ss, ds = [], [], []
for g in steps:
    x, s, d = adadelta_step(x, torch.tensor(g, dtype=torch.float64), s, d, rho=0.9, eps=1e-3)
    xs.append(x.tolist())
    ss.append(s.tolist())
    ds.append(d.tolist())
{checks([(f"ss[{t}]", o[1], f"the average of g^2 after step {t + 1}") for t, o in enumerate(seq)] + [(f"xs[{t}]", o[0], f"x after step {t + 1} (the numerator uses delta_avg from before the step)") for t, o in enumerate(seq)] + [(f"ds[{t}]", o[2], f"the average of squared steps after step {t + 1}") for t, o in enumerate(seq)])}
"""),
test("p1_tests_new_tensors", 1, f"""
x, g = torch.tensor([1.0, 2.0], dtype=torch.float64), torch.tensor([4.0, -4.0], dtype=torch.float64)
s, d = torch.tensor([2.0, 8.0], dtype=torch.float64), torch.tensor([0.5, 0.5], dtype=torch.float64)
new_x, new_s, new_d = adadelta_step(x, g, s, d, rho=0.5, eps=1.0)
check_close(new_s, [9.0, 12.0], "new_square_avg from square_avg = (2, 8): rho square_avg + (1 - rho) g^2")
check_close(s, [2.0, 8.0], "square_avg after the call ({IN_PLACE})")
check_close(d, [0.5, 0.5], "delta_avg after the call ({IN_PLACE})")
check_close(x, [1.0, 2.0], "x after the call ({IN_PLACE})")
""", f"""
x, g = torch.tensor({lit(hid_new[0])}, dtype=torch.float64), torch.tensor({lit(hid_new[1])}, dtype=torch.float64)
s, d = torch.tensor({lit(hid_new[2])}, dtype=torch.float64), torch.tensor({lit(hid_new[3])}, dtype=torch.float64)
new_x, new_s, new_d = adadelta_step(x, g, s, d, rho=0.8, eps=1e-2)
check_close(new_x, {lit(hid_new_out[0])}, "new_x from a state (square_avg, delta_avg) that is not zero", rtol=1e-9)
check_close(new_d, {lit(hid_new_out[2])}, "new_delta_avg from a state (square_avg, delta_avg) that is not zero", rtol=1e-9)
check_close(x.tolist() + s.tolist() + d.tolist(), {lit(hid_new[0] + hid_new[2] + hid_new[3])}, "x, square_avg and delta_avg after the call ({IN_PLACE})")
"""),
markdown("p2_text", """
## Part 2: is Adadelta free of a learning rate? (4 points)

Adadelta is often described as needing no learning rate. Look at its first steps from
$s_0 = \\Delta_0 = 0$.

1. Write `early_steps(grads, rho, eps)`: one-dimensional Adadelta fed the given list of gradients
   $g_1, g_2, \\dots$ (they do not depend on $x$); return a NumPy array of the step lengths
   $|g'_1|, |g'_2|, \\dots$, computed in float64 (you may call your `adadelta_step`).
2. Set `sizes` to a NumPy array of the length of the **third** step for three gradients equal to 10,
   `early_steps([10.0] * 3, 0.9, eps)[2]`, for `eps` in `[1e-8, 1e-6, 1e-4, 1e-2]`, and `size_ratio`
   to that length for `eps=1e-4` divided by that length for `eps=1e-6`.
3. Answer `role_of_eps`:
   `"a"`: Adadelta is free of a learning rate: $\\epsilon$ only prevents a division by zero and
   barely matters;
   `"b"`: it is not: for gradients much larger than $\\sqrt{\\epsilon}$ the early steps have a length
   proportional to $\\sqrt{\\epsilon}$ whatever the gradient, so $\\epsilon$ plays the part of the
   initial learning rate;
   `"c"`: it is free of a learning rate: $\\epsilon$ only sets the accuracy of the final answer."""),
answer("p2_first_step", """
def early_steps(grads, rho, eps):
    ### BEGIN SOLUTION
    square_avg = delta_avg = 0.0
    lengths = []
    for grad in grads:
        square_avg = rho * square_avg + (1 - rho) * grad * grad
        step = math.sqrt(delta_avg + eps) / math.sqrt(square_avg + eps) * grad
        delta_avg = rho * delta_avg + (1 - rho) * step * step
        lengths.append(abs(step))
    return np.array(lengths)
    ### END SOLUTION


### BEGIN SOLUTION
sizes = np.array([early_steps([10.0] * 3, 0.9, eps)[2] for eps in [1e-8, 1e-6, 1e-4, 1e-2]])
size_ratio = early_steps([10.0] * 3, 0.9, 1e-4)[2] / early_steps([10.0] * 3, 0.9, 1e-6)[2]
print("third step sizes:", sizes)
role_of_eps = "b"
### END SOLUTION
"""),
test("p2_tests_steps", 2, """
check_close(early_steps([4.0], 0.5, 1.0), [4 / 3], "early_steps([4.0], 0.5, 1.0): the first step is sqrt(0 + 1) / sqrt(8 + 1) * 4")
check_close(early_steps([-4.0], 0.5, 1.0), [4 / 3], "early_steps([-4.0], 0.5, 1.0) (a length, so never negative)")
check_type(early_steps([4.0, 4.0, -1.0], 0.5, 1.0), "sequence", "early_steps([4.0, 4.0, -1.0], 0.5, 1.0)", length=3)
""", f"""
{checks([(f"early_steps({g}, {r}, {e})", early(g, r, e), f"early_steps({g}, {r}, {e}) (lengths, so never negative; the numerator uses delta_avg from before the step)") for g, r, e in P2_CASES])}
"""),
test("p2_tests_sizes", 1, """
check_type(sizes, "sequence", "sizes (four step lengths, one per eps)", length=4)
check_number(size_ratio, "size_ratio")
""", f"""
check_close(sizes, {lit([early([10.0] * 3, 0.9, e)[2] for e in [1e-8, 1e-6, 1e-4, 1e-2]])}, "sizes (the third step for each eps)", rtol=1e-9)
check_close(size_ratio, {lit(early([10.0] * 3, 0.9, 1e-4)[2] / early([10.0] * 3, 0.9, 1e-6)[2])}, "size_ratio", rtol=1e-9)
"""),
test("p2_tests_letter", 1, """
check_one_of(role_of_eps, ["a", "b", "c"], "role_of_eps")
""", """
check_equal(role_of_eps, "b",
            "role_of_eps (look at sizes: the steps grow about tenfold for every hundredfold eps, so eps sets their scale)")
"""),
markdown("p3_text", """
## Part 3: a problem that breaks Adadelta (4 points)

Minimize $f(x) = \\tfrac12 (x - c)^2$ in one dimension from $x_0 = 0$.

1. Write `run_adadelta(target, steps, rho=0.9, eps=1e-6)`, returning $x$ after `steps` steps of
   Adadelta on $f$ with $c$ = `target` (the gradient is $x - c$). A loop of your own, your
   `adadelta_step` or `torch.optim.Adadelta` with `lr=1` will do (float32 is precise enough here).
2. Set `fraction_near = run_adadelta(1.0, 200) / 1.0` and `fraction_far = run_adadelta(100.0, 200) / 100.0`,
   the fraction of the way to the minimum covered in 200 steps.
3. Rescaling $x$ by a factor $k$ (here moving the minimum from 1 to 100) is the same, for
   Adadelta, as keeping $x$ and dividing $\\epsilon$ by some power of $k$. Find `eps_far`, the
   value of $\\epsilon$ for which `run_adadelta(100.0, 200, eps=eps_far) / 100` equals
   `fraction_near` exactly."""),
answer("p3_far", """
def run_adadelta(target, steps, rho=0.9, eps=1e-6):
    ### BEGIN SOLUTION
    x = square_avg = delta_avg = 0.0
    for _ in range(steps):
        g = x - target
        square_avg = rho * square_avg + (1 - rho) * g * g
        step = math.sqrt(delta_avg + eps) / math.sqrt(square_avg + eps) * g
        x -= step
        delta_avg = rho * delta_avg + (1 - rho) * step * step
    return x
    ### END SOLUTION


### BEGIN SOLUTION
fraction_near = run_adadelta(1.0, 200) / 1.0
fraction_far = run_adadelta(100.0, 200) / 100.0
eps_far = 1e-6 * 100.0 ** 2
print(f"fraction covered in 200 steps: {fraction_near:.3f} (c = 1), {fraction_far:.4f} (c = 100), "
      f"{run_adadelta(100.0, 200, eps=eps_far) / 100:.3f} (c = 100, eps = {eps_far:g})")
### END SOLUTION
"""),
test("p3_tests_run", 2, """
check_less(0.0, run_adadelta(1.0, 5), "run_adadelta(1.0, 5) (from x = 0, x should move towards the minimum at 1: the gradient is x - target)")
check_less(fraction_far, fraction_near,
           "fraction_far against fraction_near (Adadelta should cover a smaller fraction of the way when the minimum is 100 times farther)")
""", f"""
check_close(run_adadelta(1.0, 50), {lit(run(1.0, 50))}, "run_adadelta(1.0, 50) (the gradient is x - target)", rtol=1e-6)
check_close(run_adadelta(-3.0, 30, rho=0.5, eps=1e-3), {lit(run(-3.0, 30, 0.5, 1e-3))}, "run_adadelta(-3.0, 30, rho=0.5, eps=1e-3)", rtol=1e-6)
check_close(fraction_near, {lit(run(1.0, 200))}, "fraction_near", rtol=1e-6)
check_close(fraction_far, {lit(run(100.0, 200) / 100)}, "fraction_far", rtol=1e-6)
"""),
test("p3_tests_scale", 2, """
check_less(1e-6, eps_far, "eps_far against the default eps 1e-6 (to move 100 times farther with the same number of steps, eps must grow)")
""", f"""
check_close(eps_far, 1e-2, "eps_far: scaling x by k scales g, s and Delta; which power of k must eps scale by?", rtol=1e-6)
"""),
markdown("p4_text", """
## Part 4: the effect of rho (3 points)

Write `steps_to_reach(rho, tol=0.01, eps=1e-6)`: the number of Adadelta steps, on
$f(x) = \\tfrac12 (x-1)^2$ from $x_0 = 0$, until $|x_t - 1| <$ `tol` for the first time (an integer;
count from 1). Use one run that stops there: running again from $x_0$ for every candidate count
takes too long for the grader's time limit. Then set `fastest_rho` to the value among `[0.5, 0.9, 0.95, 0.99]` that needs the
fewest steps."""),
answer("p4_rho", """
def steps_to_reach(rho, tol=0.01, eps=1e-6):
    ### BEGIN SOLUTION
    x = square_avg = delta_avg = 0.0
    t = 0
    while abs(x - 1.0) >= tol:
        t += 1
        g = x - 1.0
        square_avg = rho * square_avg + (1 - rho) * g * g
        step = math.sqrt(delta_avg + eps) / math.sqrt(square_avg + eps) * g
        x -= step
        delta_avg = rho * delta_avg + (1 - rho) * step * step
    return t
    ### END SOLUTION


### BEGIN SOLUTION
counts = {rho: steps_to_reach(rho) for rho in [0.5, 0.9, 0.95, 0.99]}
print(counts)
fastest_rho = min(counts, key=counts.get)
### END SOLUTION
"""),
test("p4_tests_steps", 2, """
check_type(steps_to_reach(0.9), "int", "steps_to_reach(0.9)")
""", "\n".join(f'check_equal(steps_to_reach({r}), {n}, "steps_to_reach({r}) (the number of the first step t with |x_t - 1| < tol, counting from t = 1)")' for r, n in rhos.items())),
test("p4_tests_fastest", 1, """
check_number(fastest_rho, "fastest_rho")
""", f"""
check_close(fastest_rho, {min(rhos, key=rhos.get)}, "fastest_rho (the rho with the fewest steps)")
"""),
]

NAME = "adadelta"

if __name__ == "__main__":
    print(write(NAME, cells))
