"""optbook's d2l surface against d2l 1.0.3 itself, the outside reference.

d2l is installed for the tests only (requirements-reference.txt, without its
dependencies, whose pins would downgrade numpy and matplotlib). Importing
``d2l.torch`` needs torchvision, which has no CPU build here; the stub below
stands in for it, since none of the functions compared touches it.

d2l's learning-rate schedulers are defined in the book's text, not in the
package: they are checked against a transcription of the book's code, at the
end of this file.
"""

import importlib
import math
import sys
import types

import pytest
import torch

import optbook
from optbook import objectives, optim


@pytest.fixture(scope="module")
def d2l():
    stub = types.ModuleType("torchvision")
    stub.transforms = types.ModuleType("torchvision.transforms")
    saved = {name: sys.modules.get(name) for name in ("torchvision", "torchvision.transforms")}
    sys.modules.update({"torchvision": stub, "torchvision.transforms": stub.transforms})
    try:
        yield importlib.import_module("d2l.torch")
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


@pytest.fixture
def airfoil_for_d2l(d2l, airfoil_dir, monkeypatch):
    """d2l downloads into ../data; point its download at the same checked file instead."""
    monkeypatch.setenv("OPTBOOK_DATA_DIR", str(airfoil_dir))

    def download(name, folder="../data", sha1_hash=None):
        assert name == "airfoil"
        return str(optbook.data.fetch(optbook.data.AIRFOIL))

    monkeypatch.setattr(d2l, "download", download)
    monkeypatch.setattr(d2l.Animator, "add", _record_only)


RECORDED = []  # d2l's animators, newest last: train_concise_ch11 returns no curve


def _record_only(self, x, y):
    """d2l's Animator.add without redrawing the figure at every point."""
    if not RECORDED or RECORDED[-1] is not self:
        RECORDED.append(self)
    if not hasattr(y, "__len__"):
        y = [y]
    if not self.X:
        self.X, self.Y = [[] for _ in y], [[] for _ in y]
    for i, value in enumerate(y):
        self.X[i].append(x)
        self.Y[i].append(value)


def test_train_2d_prints_and_returns_the_same(d2l, capsys):
    trainer = optbook.trainer_2d(lambda p: optim.SGD(p, lr=0.6, momentum=0.5))
    theirs = d2l.train_2d(trainer, f_grad=objectives.ill_conditioned.grad)
    printed_by_d2l = capsys.readouterr().out
    ours = optbook.train_2d(trainer, f_grad=objectives.ill_conditioned.grad)
    assert capsys.readouterr().out == printed_by_d2l
    assert ours == theirs


def test_get_data_ch11_yields_the_same_batches(d2l, airfoil_for_d2l):
    theirs, their_dim = d2l.get_data_ch11(batch_size=10)
    ours, our_dim = optbook.get_data_ch11(batch_size=10)
    assert our_dim == their_dim == 5
    torch.manual_seed(1)
    their_batches = list(theirs)
    torch.manual_seed(1)
    our_batches = list(ours)
    assert len(our_batches) == len(their_batches) == 150
    for (X1, y1), (X2, y2) in zip(our_batches, their_batches):
        assert torch.equal(X1, X2) and torch.equal(y1, y2)


def test_train_ch11_gives_the_same_loss_curve(d2l, airfoil_for_d2l):
    curves = []
    for train, get_data in ((d2l.train_ch11, d2l.get_data_ch11),
                            (optbook.train_ch11, optbook.get_data_ch11)):
        torch.manual_seed(0)
        data, dim = get_data(batch_size=10)
        options = {} if train is d2l.train_ch11 else {"plot": False}
        _, losses = train(optbook.adagrad, optbook.init_adagrad_states(dim), {"lr": 0.1},
                          data, dim, **options)
        curves.append(losses)
    assert curves[1] == pytest.approx(curves[0], rel=1e-6)


def test_train_concise_ch11_gives_the_same_loss_curve(d2l, airfoil_for_d2l):
    torch.manual_seed(0)
    data, _ = d2l.get_data_ch11(batch_size=10)
    d2l.train_concise_ch11(torch.optim.Adam, {"lr": 0.01}, data, num_epochs=1)
    theirs = RECORDED[-1].Y[0]
    torch.manual_seed(0)
    data, _ = optbook.get_data_ch11(batch_size=10)
    ours = optbook.train_concise_ch11(optim.Adam, {"lr": 0.01}, data, num_epochs=1,
                                      plot=False).losses
    assert len(ours) == len(theirs) == 1500 // 200
    assert ours == pytest.approx(theirs, rel=1e-5)


# d2l's learning-rate schedulers. d2l 1.0.3 defines them in the book's text
# (section 12.11, "Learning Rate Scheduling", chapter_optimization/lr-scheduler.md),
# not in the d2l package, so the reference is a transcription of the book's code,
# kept here apart from optbook's: SquareRootScheduler and FactorScheduler from the
# cells tagged `#@tab all`, CosineScheduler from `#@tab pytorch, tensorflow`, and
# MultiFactorScheduler from `#@tab tensorflow` (the PyTorch tab uses torch's
# MultiStepLR, checked against it below).
class BookSquareRootScheduler:
    def __init__(self, lr=0.1):
        self.lr = lr

    def __call__(self, num_update):
        return self.lr * pow(num_update + 1.0, -0.5)


class BookFactorScheduler:
    def __init__(self, factor=1, stop_factor_lr=1e-7, base_lr=0.1):
        self.factor = factor
        self.stop_factor_lr = stop_factor_lr
        self.base_lr = base_lr

    def __call__(self, num_update):
        self.base_lr = max(self.stop_factor_lr, self.base_lr * self.factor)
        return self.base_lr


class BookMultiFactorScheduler:
    def __init__(self, step, factor, base_lr):
        self.step = step
        self.factor = factor
        self.base_lr = base_lr

    def __call__(self, epoch):
        if epoch in self.step:
            self.base_lr = self.base_lr * self.factor
            return self.base_lr
        else:
            return self.base_lr


class BookCosineScheduler:
    def __init__(self, max_update, base_lr=0.01, final_lr=0,
                 warmup_steps=0, warmup_begin_lr=0):
        self.base_lr_orig = base_lr
        self.max_update = max_update
        self.final_lr = final_lr
        self.warmup_steps = warmup_steps
        self.warmup_begin_lr = warmup_begin_lr
        self.max_steps = self.max_update - self.warmup_steps

    def get_warmup_lr(self, epoch):
        increase = (self.base_lr_orig - self.warmup_begin_lr) \
                       * float(epoch) / float(self.warmup_steps)
        return self.warmup_begin_lr + increase

    def __call__(self, epoch):
        if epoch < self.warmup_steps:
            return self.get_warmup_lr(epoch)
        if epoch <= self.max_update:
            self.base_lr = self.final_lr + (
                self.base_lr_orig - self.final_lr) * (1 + math.cos(
                math.pi * (epoch - self.warmup_steps) / self.max_steps)) / 2
        return self.base_lr


SCHEDULER_CASES = [  # (name, arguments, updates): the book's examples, then longer runs
    ("SquareRootScheduler", dict(lr=0.1), 30),
    ("SquareRootScheduler", dict(lr=1.0), 1000),
    ("FactorScheduler", dict(factor=0.9, stop_factor_lr=1e-2, base_lr=2.0), 50),
    ("FactorScheduler", dict(factor=0.99, stop_factor_lr=1e-4, base_lr=0.5), 1000),
    ("FactorScheduler", dict(), 10),
    ("MultiFactorScheduler", dict(step=[15, 30], factor=0.5, base_lr=0.5), 30),
    ("MultiFactorScheduler", dict(step=[100, 250, 400], factor=0.3, base_lr=0.1), 500),
    ("CosineScheduler", dict(max_update=20, base_lr=0.3, final_lr=0.01), 30),
    ("CosineScheduler", dict(max_update=20, warmup_steps=5, base_lr=0.3, final_lr=0.01), 30),
    ("CosineScheduler", dict(max_update=400, warmup_steps=40, base_lr=0.1, final_lr=1e-4,
                             warmup_begin_lr=1e-3), 500),
    ("CosineScheduler", dict(max_update=300), 320),
]
BOOK = {"SquareRootScheduler": BookSquareRootScheduler, "FactorScheduler": BookFactorScheduler,
        "MultiFactorScheduler": BookMultiFactorScheduler, "CosineScheduler": BookCosineScheduler}


def test_d2l_package_does_not_define_the_schedulers(d2l):
    """If a later d2l ships them, compare with d2l's own classes instead of the transcription."""
    assert not any(hasattr(d2l, name) for name in BOOK)


@pytest.mark.parametrize("name, arguments, updates", SCHEDULER_CASES,
                         ids=[f"{c[0]}-{c[2]}" for c in SCHEDULER_CASES])
def test_scheduler_gives_the_books_rates(name, arguments, updates):
    theirs = BOOK[name](**arguments)
    ours = getattr(optbook, name)(**arguments)
    book_rates = [theirs(t) for t in range(updates)]
    our_rates = [ours(t) for t in range(updates)]
    if name in ("SquareRootScheduler", "CosineScheduler"):
        assert our_rates == book_rates          # the same arithmetic, to the last bit
    else:                                       # the book multiplies step by step
        assert max(abs(a - b) for a, b in zip(our_rates, book_rates)) <= 1e-12
    if name in ("FactorScheduler", "CosineScheduler"):
        assert ours.base_lr == pytest.approx(theirs.base_lr, abs=1e-12)


def test_cosine_scheduler_keeps_the_books_attributes():
    arguments = dict(max_update=20, warmup_steps=5, base_lr=0.3, final_lr=0.01)
    theirs, ours = BookCosineScheduler(**arguments), optbook.CosineScheduler(**arguments)
    for attribute in ("base_lr_orig", "max_update", "final_lr", "warmup_steps",
                      "warmup_begin_lr", "max_steps"):
        assert getattr(ours, attribute) == getattr(theirs, attribute)
    assert [ours.get_warmup_lr(t) for t in range(5)] == [theirs.get_warmup_lr(t) for t in range(5)]


def test_multi_factor_scheduler_gives_the_pytorch_tabs_multisteplr_rates():
    """The book's PyTorch tab reads MultiStepLR's rate before each step."""
    trainer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.5)
    scheduler = torch.optim.lr_scheduler.MultiStepLR(trainer, milestones=[15, 30], gamma=0.5)
    torch_rates = []
    for _ in range(30):
        torch_rates.append(scheduler.get_last_lr()[0])
        trainer.step()
        scheduler.step()
    ours = optbook.MultiFactorScheduler(step=[15, 30], factor=0.5, base_lr=0.5)
    assert [ours(t) for t in range(30)] == torch_rates
