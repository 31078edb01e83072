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

def first_step(g, rho, eps):
    return abs(g) * math.sqrt(eps) / math.sqrt((1 - rho) * g * g + eps)
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
`(new_x, new_square_avg, new_delta_avg)` of new tensors. Write the formulas; do not call a
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
test("p1_tests_one_step", 1, """
zeros = torch.zeros(2, dtype=torch.float64)
x, g = torch.tensor([1.0, 2.0], dtype=torch.float64), torch.tensor([4.0, -4.0], dtype=torch.float64)
result = adadelta_step(x, g, zeros, zeros, rho=0.5, eps=1.0)
check_type(result, "sequence", "adadelta_step(...) (the triple (new_x, new_square_avg, new_delta_avg))", length=3)
new_x, new_s, new_delta = result
check_close(new_s, [8.0, 8.0], "the average of g^2 after one step ((1 - rho) g^2)")
check_close(new_x, [-1 / 3, 10 / 3], "x after one step (the rescaled gradient is sqrt(0 + 1) / sqrt(8 + 1) * g)")
check_close(new_delta, [8 / 9, 8 / 9], "the average of squared steps after one step ((1 - rho) g'^2)")
""", f"""
# a larger gradient in one coordinate, several steps
x, s, d = (torch.zeros(2, dtype=torch.float64) for _ in range(3))
states = []
for t in range(3):
    x, s, d = adadelta_step(x, torch.tensor([10.0, -0.01], dtype=torch.float64), s, d, rho=0.5, eps=1e-2)
    states.append(list(x) + list(s) + list(d))
{checks([(f"states[{t}]", np.concatenate(o), f"(x, square_avg, delta_avg) after step {t + 1} with a constant gradient (10, -0.01)") for t, o in enumerate(seq2)])}
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
    xs.append(x)
    ss.append(s)
    ds.append(d)
{checks([(f"ss[{t}]", o[1], f"the average of g^2 after step {t + 1}") for t, o in enumerate(seq)] + [(f"xs[{t}]", o[0], f"x after step {t + 1} (the numerator uses delta_avg from before the step)") for t, o in enumerate(seq)] + [(f"ds[{t}]", o[2], f"the average of squared steps after step {t + 1}") for t, o in enumerate(seq)])}
"""),
markdown("p2_text", """
## Part 2: is Adadelta free of a learning rate? (4 points)

Adadelta is often described as needing no learning rate. Look at its very first step from
$s_0 = \\Delta_0 = 0$.

1. Write `first_step_size(grad, rho, eps)`: the length $|g'_1|$ of the first step for a
   one-dimensional gradient `grad` (a formula, or one call of your own loop).
2. Set `sizes` to a NumPy array of `first_step_size(10.0, 0.9, eps)` for
   `eps` in `[1e-8, 1e-6, 1e-4, 1e-2]`, and `size_ratio` to
   `first_step_size(10.0, 0.9, 1e-4) / first_step_size(10.0, 0.9, 1e-6)`.
3. Answer `learning_rate_free` (`True` or `False`) and `role_of_eps`:
   `"a"`: $\\epsilon$ only prevents a division by zero and barely matters;
   `"b"`: for gradients much larger than $\\sqrt{\\epsilon}$ the first steps have length about
   $\\sqrt{\\epsilon / (1-\\rho)}$ whatever the gradient, so $\\epsilon$ plays the part of the
   initial learning rate;
   `"c"`: $\\epsilon$ sets the accuracy of the final answer."""),
answer("p2_first_step", """
def first_step_size(grad, rho, eps):
    ### BEGIN SOLUTION
    return abs(grad) * math.sqrt(eps) / math.sqrt((1 - rho) * grad * grad + eps)
    ### END SOLUTION


### BEGIN SOLUTION
sizes = np.array([first_step_size(10.0, 0.9, eps) for eps in [1e-8, 1e-6, 1e-4, 1e-2]])
size_ratio = first_step_size(10.0, 0.9, 1e-4) / first_step_size(10.0, 0.9, 1e-6)
print("first step sizes:", sizes)
learning_rate_free = False
role_of_eps = "b"
### END SOLUTION
"""),
test("p2_tests_sizes", 2, """
check_close(first_step_size(4.0, 0.5, 1.0), 4 / 3, "first_step_size(4.0, 0.5, 1.0)")
check_type(sizes, "sequence", "sizes (four step sizes, one per eps)", length=4)
""", f"""
{checks([(f"first_step_size({g}, {r}, {e})", first_step(g, r, e), f"first_step_size({g}, {r}, {e}) (a length, so never negative)") for g, r, e in [(10.0, 0.9, 1e-6), (0.001, 0.9, 1e-6), (-3.0, 0.99, 1e-4)]])}
check_close(sizes, {lit([first_step(10.0, 0.9, e) for e in [1e-8, 1e-6, 1e-4, 1e-2]])}, "sizes", rtol=1e-9)
check_close(size_ratio, {lit(first_step(10.0, 0.9, 1e-4) / first_step(10.0, 0.9, 1e-6))}, "size_ratio", rtol=1e-9)
"""),
test("p2_tests_answers", 2, """
check_type(learning_rate_free, "bool", "learning_rate_free")
check_one_of(role_of_eps, ["a", "b", "c"], "role_of_eps")
""", """
check_equal(learning_rate_free, False,
            "learning_rate_free (look at sizes: the first steps grow about tenfold for every hundredfold eps, so eps sets their scale)")
check_equal(role_of_eps, "b",
            "role_of_eps (compare the first step sizes for different eps and the same gradient)")
"""),
markdown("p3_text", """
## Part 3: a problem that breaks Adadelta (4 points)

Minimize $f(x) = \\tfrac12 (x - c)^2$ in one dimension from $x_0 = 0$.

1. Write `run_adadelta(target, steps, rho=0.9, eps=1e-6)`, returning $x$ after `steps` steps of
   Adadelta on $f$ with $c$ = `target` (the gradient is $x - c$).
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
check_number(run_adadelta(1.0, 5), "run_adadelta(1.0, 5)")
check_less(fraction_far, fraction_near,
           "fraction_far against fraction_near (Adadelta should cover a smaller fraction of the way when the minimum is 100 times farther)")
""", f"""
check_close(run_adadelta(1.0, 50), {lit(run(1.0, 50))}, "run_adadelta(1.0, 50)", rtol=1e-8)
check_close(run_adadelta(-3.0, 30, rho=0.5, eps=1e-3), {lit(run(-3.0, 30, 0.5, 1e-3))}, "run_adadelta(-3.0, 30, rho=0.5, eps=1e-3)", rtol=1e-8)
check_close(fraction_near, {lit(run(1.0, 200))}, "fraction_near", rtol=1e-8)
check_close(fraction_far, {lit(run(100.0, 200) / 100)}, "fraction_far", rtol=1e-8)
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
count from 1). Then set `fastest_rho` to the value among `[0.5, 0.9, 0.95, 0.99]` that needs the
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
""", "\n".join(f'check_equal(steps_to_reach({r}), {n}, "steps_to_reach({r})")' for r, n in rhos.items())),
test("p4_tests_fastest", 1, """
check_number(fastest_rho, "fastest_rho")
""", f"""
check_close(fastest_rho, {min(rhos, key=rhos.get)}, "fastest_rho (the rho with the fewest steps)")
"""),
]

NAME = "adadelta"

if __name__ == "__main__":
    print(write(NAME, cells))
