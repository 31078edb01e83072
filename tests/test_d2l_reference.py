"""optbook's d2l surface against d2l 1.0.3 itself, the outside reference.

d2l is installed for the tests only (requirements-reference.txt, without its
dependencies, whose pins would downgrade numpy and matplotlib). Importing
``d2l.torch`` needs torchvision, which has no CPU build here; the stub below
stands in for it, since none of the functions compared touches it.
"""

import importlib
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
