"""The schedules assignment: warmup plus cosine decay, gradient clipping by global norm,
and what clipping does when a spike hits.

Hidden reference values are computed here, offline (the schedule in closed form,
cross-checked against torch's SequentialLR of a LinearLR and a CosineAnnealingLR;
clipping and the runs in plain Python and NumPy, clipping cross-checked against
torch.nn.utils.clip_grad_norm_), and written into the test cells as literals.
Every part's solution is self-contained, so a blank part costs only its own points.

    python -m grading.assignments.schedules    # rewrite solutions/schedules/schedules.ipynb
"""

import math

import numpy as np
import torch

from grading.authoring import (SETUP_ONE_THREAD as SETUP, answer, intro, lit, markdown, setup,
                               test, write)

NAME = "schedules"

# ----------------------------------------------------------------------------- Part 1
def schedule(t, peak, warmup, total, start_factor, final_factor):
    start, final = start_factor * peak, final_factor * peak
    if t < warmup:
        return start + (peak - start) * t / warmup
    progress = min(t - warmup, total - warmup) / (total - warmup)
    return final + (peak - final) * (1 + math.cos(math.pi * progress)) / 2


def torch_rates(peak, warmup, total, start_factor, final_factor):
    """Rates of torch's SequentialLR(LinearLR, CosineAnnealingLR) for t = 0, ..., total."""
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=peak)
    sched = torch.optim.lr_scheduler.SequentialLR(opt, [
        torch.optim.lr_scheduler.LinearLR(opt, start_factor, 1.0, warmup),
        torch.optim.lr_scheduler.CosineAnnealingLR(opt, total - warmup, final_factor * peak)],
        milestones=[warmup])
    rates = []
    for _ in range(total + 1):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return rates


HID = dict(peak=0.3, warmup=7, total=40, start_factor=0.05, final_factor=0.02)
HID_ARGS = "0.3, 7, 40, 0.05, 0.02"
_torch = torch_rates(**HID)
_ours = [schedule(t, **HID) for t in range(HID["total"] + 1)]
assert max(abs(a - b) for a, b in zip(_torch, _ours)) < 1e-12, "the closed form is torch's"
HID_WARMUP = _ours[:HID["warmup"]]
HID_DECAY = _ours[HID["warmup"]:HID["total"]]          # the end of the warmup ... the last step
PAST = [40, 41, 53, 120]
HID_PAST = [schedule(t, **HID) for t in PAST]
# A second decay with a short warmup and an odd length, from the end of the warmup to the last step.
HID2 = dict(peak=2.5, warmup=3, total=17, start_factor=0.2, final_factor=0.1)
HID2_ARGS = "2.5, 3, 17, 0.2, 0.1"
assert max(abs(a - schedule(t, **HID2)) for t, a in enumerate(torch_rates(**HID2))) < 1e-12
HID2_DECAY = [schedule(t, **HID2) for t in range(3, 17)]
# The common mistakes give other values at every hidden point checked.
assert all(abs(schedule(t + 1, **HID) - r) > 1e-3 for t, r in enumerate(HID_WARMUP))
VIS_COS = schedule(6, 1.0, 4, 12, 0.0, 0.2)
WARMUP_WORDS = ("at step t < warmup_steps the rate is start + (peak - start) * t / warmup_steps, "
                "with start = start_factor * peak_lr: it starts from start_factor * peak_lr at t = 0 "
                "(not from 0, and not one step ahead)")
DECAY_WORDS = ("the cosine runs from the end of the warmup (step warmup_steps, at the peak) to "
               "total_steps, not over the whole run from step 0")
PAST_WORDS = ("past the end (t >= total_steps) the rate stays at final_factor * peak_lr; "
              "the cosine does not climb again")

# ----------------------------------------------------------------------------- Part 2
def clip(grads, max_norm):
    grads = [np.asarray(g, dtype=float) for g in grads]
    norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    scale = min(1.0, max_norm / norm)
    return [g * scale for g in grads], norm


def torch_clip(grads, max_norm):
    params = [torch.zeros(np.shape(g), dtype=torch.float64, requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = torch.tensor(g, dtype=torch.float64)
    norm = torch.nn.utils.clip_grad_norm_(params, max_norm)
    return [p.grad.numpy() for p in params], float(norm)


SPIKE_GRADS = [[[0.5, -1.2, 40.0], [3.0, 0.25, -0.75]], [-90.0, 12.0, 0.5, -3.5], [60.0]]
SPIKE_MAX = 5.0
SPIKE_OUT, SPIKE_NORM = clip(SPIKE_GRADS, SPIKE_MAX)
SPLIT_GRADS = [[2.0, -2.0, 1.0], [1.5, 2.5, 1.0], [3.0]]   # each of norm 3, together 5.196 > 4
SPLIT_MAX = 4.0
SPLIT_OUT, SPLIT_NORM = clip(SPLIT_GRADS, SPLIT_MAX)
assert all(math.sqrt(sum(x * x for x in g)) <= SPLIT_MAX for g in SPLIT_GRADS)
assert SPLIT_NORM > SPLIT_MAX and max(abs(x) for g in SPLIT_GRADS for x in g) < SPLIT_MAX
UNDER_GRADS = [[[0.7, -0.35], [0.2, 0.05]], [-1.1, 0.45, 0.3], [0.15]]
UNDER_MAX = 2.0
UNDER_OUT, UNDER_NORM = clip(UNDER_GRADS, UNDER_MAX)
assert UNDER_NORM < UNDER_MAX
EDGE_GRADS = [[1.5, -0.9], [0.8]]                          # just under its threshold
EDGE_NORM = clip(EDGE_GRADS, 1.0)[1]
EDGE_MAX = round(EDGE_NORM * 1.001, 6)
assert EDGE_NORM < EDGE_MAX
for _grads, _max in [(SPIKE_GRADS, SPIKE_MAX), (SPLIT_GRADS, SPLIT_MAX), (UNDER_GRADS, UNDER_MAX),
                     (EDGE_GRADS, EDGE_MAX)]:
    _a, _b = clip(_grads, _max), torch_clip(_grads, _max)
    assert all(np.allclose(x, y, rtol=5e-7, atol=0) for x, y in zip(_a[0], _b[0])), "torch agrees"
    assert abs(_a[1] - _b[1]) < 1e-12


def flat(arrays):
    return np.concatenate([np.ravel(a) for a in arrays])


def tensors(grads):
    return "[" + ", ".join(f"torch.tensor({g!r}, dtype=torch.float64)" for g in grads) + "]"


SAME_FACTOR = ("every tensor is scaled by the same factor max_norm / (global norm of all the tensors "
               "together): not each tensor by its own norm, nor each entry clipped to "
               "[-max_norm, max_norm]")
UNDER_WORDS = ("gradients whose global norm is under max_norm are left as they are: "
               "the factor is min(1, max_norm / norm)")
NORM_WORDS = ("the global norm before clipping, the square root of the sum of every squared entry of "
              "every tensor")

# ----------------------------------------------------------------------------- Part 3
LAMBDAS, W0, ETA, STEPS = (1.0, 0.05), (1.0, 2.0), 0.5, 100
SPIKE_STEP, SPIKE_VEC, MAX_NORM = 10, (30.0, -40.0), 2.0


def run(spike, clipped, spike_step=SPIKE_STEP):
    w = list(W0)
    for t in range(STEPS):
        g = [lam * x for lam, x in zip(LAMBDAS, w)]
        if spike and t == spike_step:
            g = [a + b for a, b in zip(g, SPIKE_VEC)]
        if clipped:
            norm = math.sqrt(sum(a * a for a in g))
            g = [a * min(1.0, MAX_NORM / norm) for a in g]
        w = [x - ETA * a for x, a in zip(w, g)]
    return 0.5 * sum(lam * x * x for lam, x in zip(LAMBDAS, w))


FINAL = [run(False, False), run(True, False), run(True, True)]
assert FINAL[1] > 100 * FINAL[0] and FINAL[2] < 3 * FINAL[0] and FINAL[2] > FINAL[0]
assert run(False, True) == FINAL[0], "ordinary steps are never clipped"
assert abs(run(True, False, SPIKE_STEP + 1) / FINAL[1] - 1) > 1e-2  # a spike a step late differs
VERDICT = "a"

cells = [
intro("Assignment: learning-rate schedules and gradient clipping", "schedules", """
This assignment has three parts: (1) a learning-rate schedule, linear warmup followed by
cosine decay, (2) gradient clipping by global norm, and (3) an experiment: what a gradient
spike does to gradient descent, with and without clipping."""),
setup(SETUP),

markdown("p1_text", """
## Part 1: warmup, then cosine decay (4 points)

Write `warmup_cosine(t, peak_lr, warmup_steps, total_steps, start_factor, final_factor)`: the
learning rate at step $t = 0, 1, 2, \\dots$ (a number), for a peak rate $\\eta$ = `peak_lr`,
$T_w$ = `warmup_steps` $\\ge 1$ and $T$ = `total_steps` $> T_w$. The start and final rates are
given *relative to the peak*: $\\eta_0 = $ `start_factor` $\\cdot\\,\\eta$ and
$\\eta_{\\min} = $ `final_factor` $\\cdot\\,\\eta$.

* **Warmup**, for $t < T_w$: a straight line from $\\eta_0$ at $t = 0$ that would reach $\\eta$
  at $t = T_w$, $\\;\\eta_t = \\eta_0 + (\\eta - \\eta_0)\\, t / T_w$.
* **Decay**, for $T_w \\le t \\le T$: half a cosine from $\\eta$ at $t = T_w$ down to
  $\\eta_{\\min}$ at $t = T$, on its own clock:
  $\\eta_t = \\eta_{\\min} + (\\eta - \\eta_{\\min})\\,\\big(1 + \\cos(\\pi\\,(t - T_w)/(T - T_w))\\big)/2$.
* **After the end**, for $t \\ge T$: the rate stays at $\\eta_{\\min}$.

(Up to $T$ this is torch's `SequentialLR` of a `LinearLR` warmup and a `CosineAnnealingLR`;
past $T$ torch's cosine would climb again, this one does not.)"""),
answer("p1_schedule", """
def warmup_cosine(t, peak_lr, warmup_steps, total_steps, start_factor, final_factor):
    ### BEGIN SOLUTION
    start_lr, final_lr = start_factor * peak_lr, final_factor * peak_lr
    if t < warmup_steps:
        return start_lr + (peak_lr - start_lr) * t / warmup_steps
    progress = min(t - warmup_steps, total_steps - warmup_steps) / (total_steps - warmup_steps)
    return final_lr + (peak_lr - final_lr) * (1 + math.cos(math.pi * progress)) / 2
    ### END SOLUTION
"""),
test("p1_tests_warmup", 1, f"""
check_number(warmup_cosine(0, 1.0, 4, 12, 0.0, 0.0), "warmup_cosine(0, 1.0, 4, 12, 0.0, 0.0)")
check_close(warmup_cosine(1, 1.0, 4, 12, 0.0, 0.0), 0.25, "the rate at step 1 of a 4-step warmup from 0 to 1 ({WARMUP_WORDS})")
check_close(warmup_cosine(0, 2.0, 4, 12, 0.1, 0.0), 0.2, "the rate at step 0 with start_factor = 0.1 and peak_lr = 2 ({WARMUP_WORDS})")
check_close(warmup_cosine(3, 2.0, 4, 12, 0.1, 0.0), 1.55, "the rate at step 3 of a 4-step warmup from 0.2 to 2 ({WARMUP_WORDS})")
""", f"""
check_close([warmup_cosine(t, {HID_ARGS}) for t in range({HID['warmup']})], {lit(HID_WARMUP)},
            "the warmup, steps 0 to 6, of warmup_cosine(t, {HID_ARGS}) ({WARMUP_WORDS})", rtol=1e-9)
"""),
test("p1_tests_decay", 2, f"""
check_close(warmup_cosine(4, 1.0, 4, 12, 0.0, 0.0), 1.0, "the rate at the end of the warmup, step 4, which is the peak ({DECAY_WORDS})")
check_close(warmup_cosine(8, 1.0, 4, 12, 0.0, 0.2), 0.6, "the rate half-way through the decay, step 8 of warmup_cosine(t, 1.0, 4, 12, 0.0, 0.2) ({DECAY_WORDS})")
check_close(warmup_cosine(6, 1.0, 4, 12, 0.0, 0.2), {lit(VIS_COS)}, "the rate at step 6 of warmup_cosine(t, 1.0, 4, 12, 0.0, 0.2) ({DECAY_WORDS})")
""", f"""
check_close([warmup_cosine(t, {HID_ARGS}) for t in range({HID['warmup']}, {HID['total']})], {lit(HID_DECAY)},
            "the decay, from the end of the warmup (step 7) to the last step (39), of warmup_cosine(t, {HID_ARGS}) ({DECAY_WORDS})", rtol=1e-9)
check_close([warmup_cosine(t, {HID2_ARGS}) for t in range(3, 17)], {lit(HID2_DECAY)},
            "the decay, steps 3 to 16, of warmup_cosine(t, {HID2_ARGS}) ({DECAY_WORDS})", rtol=1e-9)
"""),
test("p1_tests_end", 1, f"""
check_close(warmup_cosine(12, 1.0, 4, 12, 0.0, 0.2), 0.2, "the rate at step total_steps = 12 of warmup_cosine(t, 1.0, 4, 12, 0.0, 0.2)")
check_close(warmup_cosine(16, 1.0, 4, 12, 0.0, 0.2), 0.2, "the rate at step 16, past the end, of warmup_cosine(t, 1.0, 4, 12, 0.0, 0.2) ({PAST_WORDS})")
""", f"""
check_close([warmup_cosine(t, {HID_ARGS}) for t in {PAST}], {lit(HID_PAST)},
            "the rate at steps {PAST} of warmup_cosine(t, {HID_ARGS}) ({PAST_WORDS})", rtol=1e-9)
"""),

markdown("p2_text", """
## Part 2: clipping by global norm (4 points)

Write `clip_global_norm(grads, max_norm)`. `grads` is a list of float64 tensors of any shapes
(the gradients of the layers of a network). See them as one long vector $\\mathbf{g}$ and return
the pair `(clipped, norm)`:

* `clipped`: a list of the same length, the tensors (or NumPy arrays) of the same shapes, all
  multiplied by $\\min(1, c / \\|\\mathbf{g}\\|)$ with $c$ = `max_norm`;
* `norm`: the global norm $\\|\\mathbf{g}\\|$ *before* clipping (a number or a 0-dimensional
  tensor).

Whether you change the tensors of `grads` in place or not is up to you; only what you return is
checked. You may use `torch.nn.utils.clip_grad_norm_` (its $10^{-6}$ guard is within the
tolerance), but not `optbook.clipping`."""),
answer("p2_clipping", """
def clip_global_norm(grads, max_norm):
    ### BEGIN SOLUTION
    norm = math.sqrt(sum(float((g * g).sum()) for g in grads))
    scale = min(1.0, max_norm / norm)
    return [g * scale for g in grads], norm
    ### END SOLUTION
"""),
test("p2_tests_spike", 2, f"""
clipped, norm = clip_global_norm([torch.tensor([3.0, 0.0], dtype=torch.float64), torch.tensor([[0.0], [4.0]], dtype=torch.float64)], 1.0)
check_type(clipped, "sequence", "clipped (one tensor per gradient)", length=2)
check_close(clipped, [0.6, 0.0, 0.0, 0.8], "clipped, for gradients (3, 0) and (0, 4) and max_norm = 1 ({SAME_FACTOR})", rtol=1e-6)
""", f"""
clipped, norm = clip_global_norm({tensors(SPIKE_GRADS)}, {SPIKE_MAX})
check_close(clipped, {lit(flat(SPIKE_OUT))}, "clipped, for three tensors with a spike and max_norm = {SPIKE_MAX} ({SAME_FACTOR})", rtol=1e-6)
clipped, norm = clip_global_norm({tensors(SPLIT_GRADS)}, {SPLIT_MAX})
check_close(clipped, {lit(flat(SPLIT_OUT))}, "clipped, for three tensors each of norm 3 under max_norm = {SPLIT_MAX}, but together above it ({SAME_FACTOR})", rtol=1e-6)
"""),
test("p2_tests_under", 1, f"""
clipped, norm = clip_global_norm([torch.tensor([0.3, -0.2], dtype=torch.float64), torch.tensor([0.1, 0.05], dtype=torch.float64)], 1.0)
check_close(clipped, [0.3, -0.2, 0.1, 0.05], "clipped, for gradients of global norm 0.38 and max_norm = 1 ({UNDER_WORDS})", rtol=1e-9)
""", f"""
clipped, norm = clip_global_norm({tensors(UNDER_GRADS)}, {UNDER_MAX})
check_close(clipped, {lit(flat(UNDER_OUT))}, "clipped, for three tensors of global norm under max_norm = {UNDER_MAX} ({UNDER_WORDS})", rtol=1e-9)
clipped, norm = clip_global_norm({tensors(EDGE_GRADS)}, {EDGE_MAX})
check_close(clipped, {lit(flat(EDGE_GRADS))}, "clipped, for gradients just under max_norm = {EDGE_MAX} ({UNDER_WORDS})", rtol=1e-9)
"""),
test("p2_tests_norm", 1, f"""
clipped, norm = clip_global_norm([torch.tensor([3.0, 0.0], dtype=torch.float64), torch.tensor([[0.0], [4.0]], dtype=torch.float64)], 1.0)
check_close(norm, 5.0, "norm, for gradients (3, 0) and (0, 4) and max_norm = 1 ({NORM_WORDS})", rtol=1e-6)
""", f"""
clipped, norm = clip_global_norm({tensors(SPIKE_GRADS)}, {SPIKE_MAX})
check_close(norm, {lit(SPIKE_NORM)}, "norm, for three tensors with a spike ({NORM_WORDS})", rtol=1e-6)
clipped, norm = clip_global_norm({tensors(UNDER_GRADS)}, {UNDER_MAX})
check_close(norm, {lit(UNDER_NORM)}, "norm, for three tensors under max_norm ({NORM_WORDS})", rtol=1e-6)
"""),

markdown("p3_text", f"""
## Part 3: a spike, with and without clipping (3 points)

Run gradient descent $\\mathbf{{w}}_{{t+1}} = \\mathbf{{w}}_t - \\eta\\,\\mathbf{{g}}_t$ with
$\\eta = {ETA}$ for {STEPS} steps, $t = 0, \\dots, {STEPS - 1}$, on
$f(\\mathbf{{w}}) = \\tfrac12\\,(w_1^2 + {LAMBDAS[1]}\\, w_2^2)$ from
$\\mathbf{{w}}_0 = {W0}$, with $\\mathbf{{g}}_t = \\nabla f(\\mathbf{{w}}_t)$, three times:

1. as it is;
2. with a *spike* at step $t = {SPIKE_STEP}$ (steps counted from 0): that step's gradient is
   $\\nabla f(\\mathbf{{w}}_{{{SPIKE_STEP}}}) + \\mathbf{{s}}$ with $\\mathbf{{s}} = {SPIKE_VEC}$, one batch
   gone badly wrong;
3. with the same spike, and every step's gradient (the spike included) clipped by global norm to
   `max_norm` $= {MAX_NORM}$ before the update.

Float64 or float32, NumPy, torch or plain Python: all are fine. You may use your
`clip_global_norm`, but the run does not need it. Then set

* `final_losses`: the three final losses $f(\\mathbf{{w}}_{{{STEPS}}})$, in the order above (a list
  or an array of three numbers);
* `verdict`, the letter that fits your three numbers:
  `"a"`: with the unclipped spike the run ends more than 100 times above the run without a
  spike, and the clipped run within a factor of 3 of it;
  `"b"`: all three runs end within a factor of 3 of each other, as gradient descent forgets
  the spike within a few steps;
  `"c"`: the spiked run and the clipped run both end more than 100 times above the run without
  a spike, as clipping keeps the spike's direction;
  `"d"`: the clipped run ends above the spiked run, as clipping slows every step down."""),
answer("p3_experiment", f"""
### BEGIN SOLUTION
def final_loss(spike, clipped):
    lambdas = np.array({list(LAMBDAS)})
    w = np.array({list(W0)})
    for t in range({STEPS}):
        g = lambdas * w
        if spike and t == {SPIKE_STEP}:
            g = g + np.array({list(SPIKE_VEC)})
        if clipped:
            g = g * min(1.0, {MAX_NORM} / np.linalg.norm(g))
        w = w - {ETA} * g
    return 0.5 * np.sum(lambdas * w * w)


final_losses = [final_loss(False, False), final_loss(True, False), final_loss(True, True)]
print("final losses (no spike, spike, spike clipped):", final_losses)
verdict = "a"
### END SOLUTION
"""),
test("p3_tests_runs", 2, f"""
check_type(final_losses, "sequence", "final_losses (no spike, spike, spike clipped)", length=3)
check_close(final_losses[0], {lit(FINAL[0])}, "final_losses[0], the run without a spike", rtol=1e-6)
""", f"""
check_close(final_losses, {lit(FINAL)},
            "final_losses (no spike, spike at step {SPIKE_STEP} counted from 0, spike with every step clipped to norm {MAX_NORM})", rtol=1e-6)
"""),
test("p3_tests_verdict", 1, """
check_one_of(verdict, ["a", "b", "c", "d"], "verdict")
""", """
check_equal(verdict, "a", "verdict (compare the three numbers of final_losses: the spike pushes w along "
            "the flat direction w2, which gradient descent forgets only by the factor 0.975 per step)")
"""),
]

if __name__ == "__main__":
    print(write(NAME, cells))
