"""Adagrad on the airfoil data ends where d2l reports (0.243 from scratch, 0.242 concise)."""

import pytest
import torch

import optbook
from optbook import optim

TARGET, TOLERANCE = 0.24, 0.01


@pytest.fixture
def data_iter(airfoil_dir, monkeypatch):
    monkeypatch.setenv("OPTBOOK_DATA_DIR", str(airfoil_dir))
    torch.manual_seed(0)
    return optbook.get_data_ch11(batch_size=10)


def test_adagrad_from_scratch(data_iter):
    data, feature_dim = data_iter
    curve = optbook.train_ch11(optbook.adagrad, optbook.init_adagrad_states(feature_dim),
                               {"lr": 0.1}, data, feature_dim, plot=False)
    assert curve.losses[-1] == pytest.approx(TARGET, abs=TOLERANCE)
    assert len(curve.times) == len(curve.losses) == 2 * 1500 // 200


@pytest.mark.parametrize("optimizer", [optim.Adagrad, torch.optim.Adagrad],
                         ids=["optbook.optim", "torch.optim"])
def test_adagrad_concise(data_iter, optimizer):
    data, _ = data_iter
    curve = optbook.train_concise_ch11(optimizer, {"lr": 0.1}, data, plot=False)
    assert curve.losses[-1] == pytest.approx(TARGET, abs=TOLERANCE)


def test_the_same_seed_gives_the_same_curve(airfoil_dir, monkeypatch):
    monkeypatch.setenv("OPTBOOK_DATA_DIR", str(airfoil_dir))
    curves = []
    for _ in range(2):
        torch.manual_seed(7)
        data, dim = optbook.get_data_ch11(batch_size=10)
        curves.append(optbook.train_ch11(optbook.sgd, None, {"lr": 0.05}, data, dim,
                                         num_epochs=1, plot=False).losses)
    assert curves[0] == curves[1]


def test_training_draws_the_loss_curve(data_iter):
    import matplotlib.pyplot as plt

    data, feature_dim = data_iter
    plt.close("all")
    optbook.train_ch11(optbook.adam, optbook.init_adam_states(feature_dim),
                       {"lr": 0.01, "t": 1}, data, feature_dim, num_epochs=1)
    axes = plt.gcf().axes[0]
    assert axes.get_xlabel() == "epoch" and axes.get_ylabel() == "loss"
    assert len(axes.lines[0].get_xdata()) == 1500 // 200
