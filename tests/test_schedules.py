"""optbook.schedules, optbook.lr_scheduler and optbook.clipping against torch's own.

Every scheduler is run beside its torch counterpart over a whole run (hundreds
of steps) on an optimizer with two param groups of different base rates, and
the rates must agree to 1e-12 at every step. torch's chainable schedulers
multiply the current rate at each step; optbook's are closed forms. So the
agreement also checks that torch's recursion and the closed form stay within
rounding of each other over the run.
"""

import doctest
import io
import math

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler as torch_sched

from optbook import clipping, d2l_schedulers, lr_scheduler, schedules

TOL = 1e-12
BASE_LRS = (0.1, 0.03)


def two_groups(optimizer_class=torch.optim.SGD, **options):
    """An optimizer with two param groups whose base rates differ."""
    params = [torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)]
    return optimizer_class([{"params": params[:1]}, {"params": params[1:], "lr": BASE_LRS[1]}],
                           lr=BASE_LRS[0], **options)


def run(make_scheduler, steps, metrics=None, optimizer_class=torch.optim.SGD, **options):
    """The rates (and momenta) of each group after construction and after each step."""
    optimizer = two_groups(optimizer_class, **options)
    scheduler = make_scheduler(optimizer)
    rates, momenta = [], []
    for t in range(steps + 1):
        lrs = [group["lr"] for group in optimizer.param_groups]
        assert list(scheduler.get_last_lr()) == lrs
        rates.append(lrs)
        momenta.append([group["betas"][0] if "betas" in group else group.get("momentum", 0.0)
                        for group in optimizer.param_groups])
        if t == steps:
            break
        optimizer.step()
        if metrics is None:
            scheduler.step()
        else:
            scheduler.step(metrics[t])
    return np.array(rates), np.array(momenta)


def max_difference(ours, theirs, steps, **options):
    our_rates, our_momenta = run(ours, steps, **options)
    their_rates, their_momenta = run(theirs, steps, **options)
    assert our_rates.shape == (steps + 1, 2)
    return max(np.abs(our_rates - their_rates).max(), np.abs(our_momenta - their_momenta).max())


# (name, optbook's scheduler, torch's, steps): the same rates to 1e-12.
PAIRS = [
    ("linear warmup",
     lambda o: lr_scheduler.LinearLR(o, start_factor=0.01, total_iters=60),
     lambda o: torch_sched.LinearLR(o, start_factor=0.01, total_iters=60), 300),
    ("linear warmup, torch's defaults",
     lambda o: lr_scheduler.LinearLR(o),
     lambda o: torch_sched.LinearLR(o), 300),
    ("linear decay",
     lambda o: lr_scheduler.LinearLR(o, start_factor=1.0, end_factor=0.05, total_iters=250),
     lambda o: torch_sched.LinearLR(o, start_factor=1.0, end_factor=0.05, total_iters=250), 400),
    ("linear decay to 0 = PolynomialLR(power=1)",
     lambda o: lr_scheduler.LinearLR(o, start_factor=1.0, end_factor=0.0, total_iters=250),
     lambda o: torch_sched.PolynomialLR(o, total_iters=250, power=1.0), 400),
    ("cosine = CosineAnnealingLR",
     lambda o: lr_scheduler.WarmupCosineLR(o, warmup_steps=0, total_steps=400, final_lr=1e-3),
     lambda o: torch_sched.CosineAnnealingLR(o, T_max=400, eta_min=1e-3), 400),
    ("warmup + cosine = SequentialLR(LinearLR, CosineAnnealingLR)",
     lambda o: lr_scheduler.WarmupCosineLR(o, warmup_steps=40, total_steps=500,
                                           final_lr=1e-4, start_factor=0.02),
     lambda o: torch_sched.SequentialLR(
         o, [torch_sched.LinearLR(o, start_factor=0.02, total_iters=40),
             torch_sched.CosineAnnealingLR(o, T_max=460, eta_min=1e-4)], milestones=[40]), 500),
    ("step decay",
     lambda o: lr_scheduler.StepLR(o, step_size=30, gamma=0.7),
     lambda o: torch_sched.StepLR(o, step_size=30, gamma=0.7), 400),
    ("multi-step decay, a milestone twice",
     lambda o: lr_scheduler.MultiStepLR(o, milestones=[300, 50, 120, 120], gamma=0.3),
     lambda o: torch_sched.MultiStepLR(o, milestones=[300, 50, 120, 120], gamma=0.3), 400),
]
for anneal in ("cos", "linear"):
    for three_phase in (False, True):
        for optimizer_class, options in ((torch.optim.SGD, {"momentum": 0.9}),
                                         (torch.optim.Adam, {})):
            kwargs = dict(max_lr=[1.0, 0.3], total_steps=500, pct_start=0.25,
                          anneal_strategy=anneal, three_phase=three_phase)
            PAIRS.append((
                f"one-cycle {anneal} three_phase={three_phase} {optimizer_class.__name__}",
                lambda o, kw=kwargs: lr_scheduler.OneCycleLR(o, **kw),
                lambda o, kw=kwargs: torch_sched.OneCycleLR(o, **kw),
                500, optimizer_class, options))
PAIRS.append(("one-cycle, torch's defaults, epochs x steps_per_epoch",
              lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.5, epochs=6, steps_per_epoch=50),
              lambda o: torch_sched.OneCycleLR(o, max_lr=0.5, epochs=6, steps_per_epoch=50),
              300, torch.optim.SGD, {"momentum": 0.9}))


@pytest.mark.parametrize("case", PAIRS, ids=[case[0] for case in PAIRS])
def test_scheduler_gives_torchs_rates(case):
    name, ours, theirs, steps, *rest = case
    optimizer_class, options = rest if rest else (torch.optim.SGD, {})
    assert max_difference(ours, theirs, steps, optimizer_class=optimizer_class,
                          **options) <= TOL


def plateau_metrics(steps=300):
    """A loss that falls, stalls, creeps down below the threshold, falls again, and jitters."""
    loss = np.concatenate([
        np.linspace(1.0, 0.5, 40),
        np.full(30, 0.5),
        0.5 - 1e-6 * np.arange(30),               # better, but by less than rel 1e-4
        np.linspace(0.49, 0.2, 40),
        0.2 + 0.01 * np.sin(np.arange(60)),        # jitter around a plateau
        np.full(max(steps - 200, 0), 0.15),
    ])
    return loss[:steps].tolist()


PLATEAU_OPTIONS = [
    dict(),
    dict(factor=0.5, patience=3),
    dict(factor=0.5, patience=3, cooldown=5, min_lr=[1e-3, 1e-4]),
    dict(factor=0.3, patience=2, threshold=1e-3, threshold_mode="abs", cooldown=2),
    dict(mode="max", factor=0.5, patience=4, threshold=1e-4),
    dict(mode="max", factor=0.5, patience=4, threshold_mode="abs", min_lr=1e-3),
    dict(factor=0.9, patience=0, eps=1e-3),   # cuts that fall below eps are skipped
]


@pytest.mark.parametrize("options", PLATEAU_OPTIONS, ids=[str(o) for o in PLATEAU_OPTIONS])
def test_reduce_on_plateau_gives_torchs_rates(options):
    metrics = plateau_metrics()
    if options.get("mode") == "max":
        metrics = [-m for m in metrics]
    difference = max_difference(lambda o: lr_scheduler.ReduceLROnPlateau(o, **options),
                                lambda o: torch_sched.ReduceLROnPlateau(o, **options),
                                len(metrics), metrics=metrics)
    assert difference <= TOL
    rates, _ = run(lambda o: lr_scheduler.ReduceLROnPlateau(o, **options), len(metrics),
                   metrics=metrics)
    assert len(np.unique(rates[:, 0])) > 2, "the metric sequence must cause several cuts"


def test_reduce_on_plateau_rule_alone_follows_torch():
    metrics = plateau_metrics()
    rule = schedules.ReduceOnPlateau(0.1, factor=0.5, patience=3, cooldown=4, min_lr=1e-3)
    ours = [rule(m) for m in metrics]
    theirs, _ = run(lambda o: torch_sched.ReduceLROnPlateau(o, factor=0.5, patience=3,
                                                            cooldown=4, min_lr=1e-3),
                    len(metrics), metrics=metrics)
    assert ours == theirs[1:, 0].tolist()


# The rules, called directly, against torch's closed forms where torch has one.
def test_rules_match_torchs_closed_forms_bit_for_bit():
    ts = range(500)
    assert [schedules.step_decay(0.1, 30, 0.7)(t) for t in ts] == \
        [0.1 * 0.7 ** (t // 30) for t in ts]
    cosine = schedules.cosine_decay(0.1, 400, final_lr=1e-3)
    assert [cosine(t) for t in range(401)] == \
        [1e-3 + (0.1 - 1e-3) * (1 + math.cos(math.pi * t / 400)) / 2 for t in range(401)]
    assert cosine(1000) == 1e-3


RULES = [  # (name, a rule of optbook.schedules with group 0's base rate, torch's scheduler, steps)
    ("linear_warmup", schedules.linear_warmup(0.1, 60, initial_lr=0.1 * 0.01),
     lambda o: torch_sched.LinearLR(o, start_factor=0.01, total_iters=60), 300),
    ("linear_decay", schedules.linear_decay(0.1, 250, final_lr=0.1 * 0.05),
     lambda o: torch_sched.LinearLR(o, start_factor=1.0, end_factor=0.05, total_iters=250), 400),
    ("cosine_decay", schedules.cosine_decay(0.1, 400, final_lr=1e-3),
     lambda o: torch_sched.CosineAnnealingLR(o, T_max=400, eta_min=1e-3), 400),
    ("warmup_cosine", schedules.warmup_cosine(0.1, 40, 500, final_lr=1e-4, initial_lr=0.1 * 0.02),
     lambda o: torch_sched.SequentialLR(
         o, [torch_sched.LinearLR(o, start_factor=0.02, total_iters=40),
             torch_sched.CosineAnnealingLR(o, T_max=460, eta_min=1e-4)], milestones=[40]), 500),
    ("step_decay", schedules.step_decay(0.1, 30, 0.7),
     lambda o: torch_sched.StepLR(o, step_size=30, gamma=0.7), 400),
    ("multistep_decay", schedules.multistep_decay(0.1, [50, 120, 120, 300], 0.3),
     lambda o: torch_sched.MultiStepLR(o, milestones=[50, 120, 120, 300], gamma=0.3), 400),
    ("one_cycle", schedules.one_cycle(1.0, 500, pct_start=0.25),
     lambda o: torch_sched.OneCycleLR(o, max_lr=[1.0, 0.3], total_steps=500, pct_start=0.25,
                                      cycle_momentum=False), 500),
]


@pytest.mark.parametrize("name, rule, theirs, steps", RULES, ids=[r[0] for r in RULES])
def test_rule_alone_gives_torchs_rates(name, rule, theirs, steps):
    their_rates, _ = run(theirs, steps)
    assert max(abs(rule(t) - their_rates[t, 0]) for t in range(steps + 1)) <= TOL


def test_reduce_on_plateau_with_a_group_added_later():
    metrics = plateau_metrics()

    def rates(make):
        optimizer = two_groups()
        scheduler = make(optimizer)
        seen = []
        for t, metric in enumerate(metrics):
            if t == 100:
                optimizer.add_param_group({"params": [torch.zeros(1, requires_grad=True)],
                                           "lr": 0.5})
            optimizer.step()
            scheduler.step(metric)
            seen.append([group["lr"] for group in optimizer.param_groups])
        return seen[100:]

    options = dict(factor=0.5, patience=3, min_lr=1e-3)
    assert rates(lambda o: lr_scheduler.ReduceLROnPlateau(o, **options)) == \
        rates(lambda o: torch_sched.ReduceLROnPlateau(o, **options))


@pytest.mark.parametrize("make", [
    lambda o: lr_scheduler.StepLR(o, step_size=7, gamma=0.5),
    lambda o: lr_scheduler.MultiStepLR(o, milestones=[20, 60]),
    lambda o: lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=50),
    lambda o: lr_scheduler.WarmupCosineLR(o, warmup_steps=10, total_steps=150,
                                          final_lr=[0.0, 1e-3]),
    lambda o: lr_scheduler.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=200),
    lambda o: lr_scheduler.ReduceLROnPlateau(o, factor=0.5, patience=2, cooldown=3),
], ids=["step", "multistep", "linear", "warmup_cosine", "one_cycle", "plateau"])
def test_state_dict_resumes_the_run(make):
    """Saved after 80 steps (torch.save, loaded weights only) and restored, a run goes on."""
    metrics = plateau_metrics(160)
    probe = make(two_groups())
    needs_metric = isinstance(probe, lr_scheduler.ReduceLROnPlateau)
    step = (lambda s, t: s.step(metrics[t])) if needs_metric else (lambda s, t: s.step())

    optimizer = two_groups(momentum=0.9)
    scheduler = make(optimizer)
    straight = []
    for t in range(160):
        optimizer.step()
        step(scheduler, t)
        straight.append(scheduler.get_last_lr())
        if t == 79:
            buffer = io.BytesIO()
            torch.save({"optimizer": optimizer.state_dict(),
                        "scheduler": scheduler.state_dict()}, buffer)

    buffer.seek(0)
    saved = torch.load(buffer, weights_only=True)
    optimizer = two_groups(momentum=0.9)
    scheduler = make(optimizer)          # before the optimizer's state, as torch advises
    optimizer.load_state_dict(saved["optimizer"])
    scheduler.load_state_dict(saved["scheduler"])
    resumed = straight[:80]
    for t in range(80, 160):
        optimizer.step()
        step(scheduler, t)
        resumed.append(scheduler.get_last_lr())
    assert resumed == straight


def test_last_epoch_resumes_a_closed_form():
    optimizer = two_groups()
    scheduler = lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
    for _ in range(25):
        optimizer.step()
        scheduler.step()
    resumed = lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5, last_epoch=25)
    assert resumed.get_last_lr() == pytest.approx([0.1 * 0.25, 0.03 * 0.25], rel=1e-15)


def test_works_inside_torchs_sequential_lr():
    def make(o, linear, step):
        return torch_sched.SequentialLR(o, [linear(o, start_factor=0.1, total_iters=20),
                                            step(o, step_size=25, gamma=0.5)], milestones=[20])
    ours = lambda o: make(o, lr_scheduler.LinearLR, lr_scheduler.StepLR)
    theirs = lambda o: make(o, torch_sched.LinearLR, torch_sched.StepLR)
    assert max_difference(ours, theirs, 200) <= TOL


def test_one_cycle_raises_past_total_steps_as_torch_does():
    optimizer = two_groups(momentum=0.9)
    scheduler = lr_scheduler.OneCycleLR(optimizer, max_lr=1.0, total_steps=5)
    for _ in range(5):
        optimizer.step()
        scheduler.step()
    with pytest.raises(ValueError, match="total_steps"):
        scheduler.step()


def test_rules_reject_bad_arguments():
    with pytest.raises(ValueError):
        schedules.warmup_cosine(1.0, warmup_steps=10, total_steps=5)
    with pytest.raises(ValueError):
        schedules.one_cycle(1.0, total_steps=10, anneal_strategy="cosine")
    with pytest.raises(ValueError):
        schedules.ReduceOnPlateau(1.0, factor=1.0)
    with pytest.raises(ValueError):
        schedules.join([schedules.constant(1.0)], boundaries=[3])
    with pytest.raises(ValueError):
        lr_scheduler.LinearLR(two_groups(), start_factor=0.0)


def test_warmup_cosine_holds_final_lr_where_torchs_cosine_climbs_again():
    schedule = schedules.warmup_cosine(0.1, 10, 100, final_lr=1e-3)
    assert schedule(10) == 0.1 and schedule(100) == 1e-3
    assert all(schedule(t) == 1e-3 for t in range(100, 300))


# Gradient clipping by global norm.
def gradients(scale, dtype=torch.float64, seed=0):
    generator = torch.Generator().manual_seed(seed)
    params = [torch.zeros(shape, dtype=dtype, requires_grad=True)
              for shape in [(5, 3), (3,), (7,), (2,)]]
    for p in params[:3]:        # the last parameter has no gradient
        p.grad = scale * torch.randn(p.shape, generator=generator, dtype=dtype)
    return params


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf")])
@pytest.mark.parametrize("scale", [0.01, 1.0, 100.0])
def test_clip_grad_norm_matches_torch(norm_type, scale):
    ours, theirs = gradients(scale), gradients(scale)
    our_norm = clipping.clip_grad_norm_(ours, max_norm=1.5, norm_type=norm_type)
    their_norm = torch.nn.utils.clip_grad_norm_(theirs, max_norm=1.5, norm_type=norm_type)
    assert abs(float(our_norm) - float(their_norm)) <= TOL * max(1.0, float(their_norm))
    for p, q in zip(ours, theirs):
        if q.grad is None:
            assert p.grad is None
        else:
            assert (p.grad - q.grad).abs().max() <= TOL
    if float(their_norm) > 1.5:
        assert float(clipping.global_norm([p.grad for p in ours if p.grad is not None],
                                          norm_type)) <= 1.5


def test_clipping_caps_a_spike_and_keeps_its_direction():
    spike = [torch.tensor([30.0, -40.0], dtype=torch.float64)]
    direction = spike[0] / spike[0].norm()
    norm = clipping.clip_by_global_norm(spike, max_norm=1.0)
    assert float(norm) == 50.0
    assert float(spike[0].norm()) == pytest.approx(1.0, abs=1e-7)
    assert torch.allclose(spike[0] / spike[0].norm(), direction, atol=1e-15)


def test_clip_grad_norm_float32_and_nonfinite():
    ours, theirs = gradients(10.0, torch.float32), gradients(10.0, torch.float32)
    assert float(clipping.clip_grad_norm_(ours, 1.0)) == \
        pytest.approx(float(torch.nn.utils.clip_grad_norm_(theirs, 1.0)), rel=1e-6)
    for p, q in zip(ours[:3], theirs[:3]):
        torch.testing.assert_close(p.grad, q.grad)
    broken = gradients(1.0)
    broken[0].grad[0, 0] = float("nan")
    with pytest.raises(RuntimeError, match="non-finite"):
        clipping.clip_grad_norm_(broken, 1.0, error_if_nonfinite=True)


@pytest.mark.parametrize("module", [schedules, lr_scheduler, clipping, d2l_schedulers],
                         ids=lambda m: m.__name__)
def test_docstring_examples_run(module):
    failures, tried = doctest.testmod(module)
    assert tried > 0 and failures == 0


CLOSED_FORMS = [
    (lambda o: lr_scheduler.StepLR(o, 30, 0.7), lambda o: torch_sched.StepLR(o, 30, 0.7)),
    (lambda o: lr_scheduler.MultiStepLR(o, [50, 120, 120, 300], 0.3),
     lambda o: torch_sched.MultiStepLR(o, [50, 120, 120, 300], 0.3)),
    (lambda o: lr_scheduler.LinearLR(o, 0.01, 1.0, 60),
     lambda o: torch_sched.LinearLR(o, 0.01, 1.0, 60)),
    (lambda o: lr_scheduler.LinearLR(o, 1.0, 0.05, 250),
     lambda o: torch_sched.LinearLR(o, 1.0, 0.05, 250)),
    (lambda o: lr_scheduler.WarmupCosineLR(o, 0, 400, 1e-3),
     lambda o: torch_sched.CosineAnnealingLR(o, 400, 1e-3)),
]


@pytest.mark.parametrize("ours, theirs", CLOSED_FORMS,
                         ids=["step", "multistep", "warmup", "decay", "cosine"])
def test_rates_are_torchs_closed_forms_bit_for_bit(ours, theirs):
    """What torch's step(epoch) would compute (its _get_closed_form_lr), at every step."""
    our_scheduler, their_scheduler = ours(two_groups()), theirs(two_groups())
    for t in range(401):
        our_scheduler.last_epoch = their_scheduler.last_epoch = t
        assert our_scheduler.get_lr() == their_scheduler._get_closed_form_lr()
