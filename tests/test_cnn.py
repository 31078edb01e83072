"""optbook.cnn: the stacked networks are the seeds' own networks, trained as if one at a time."""

import doctest

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from optbook import clipping, cnn, schedules


@pytest.fixture(scope="module")
def split():
    return cnn.digit_splits()


def small_split(split, n=96):
    """A few images of each part, so that the tests run in a second."""
    return tuple(part[:n] for part in split)


def test_digit_splits_are_images_in_three_parts(split):
    X_train, y_train, X_val, y_val, X_test, y_test = split
    assert X_train.shape[1:] == X_val.shape[1:] == X_test.shape[1:] == (8, 8)
    assert len(X_train) + len(X_val) + len(X_test) == 1797
    assert set(y_train.tolist()) == set(range(10))
    assert float(X_train.min()) >= 0 and float(X_train.max()) <= 1


def test_stack_computes_each_seeds_network(split):
    seeds = [3, 0, 7]
    stack = cnn.CNNStack(seeds)
    x = split[0][:20]
    out = stack(x.unsqueeze(1).expand(-1, len(seeds), -1, -1))
    for s, seed in enumerate(seeds):
        alone = cnn.cnn(seed)(x.unsqueeze(1))
        torch.testing.assert_close(out[:, s], alone, atol=1e-5, rtol=1e-5)


def one_at_a_time(schedule, seed, split, epochs, batch_size, max_norm=None, spike=None):
    """The reference: one network, torch.optim.Adam, the rate set by hand before each step."""
    X_train, y_train = split[0].unsqueeze(1), split[1]
    net = cnn.cnn(seed)
    optimizer = torch.optim.Adam(net.parameters(), lr=1.0)
    generator = torch.Generator().manual_seed(seed)
    losses, t = [], 0
    for _ in range(epochs):
        for batch in torch.randperm(len(X_train), generator=generator).split(batch_size):
            optimizer.zero_grad()
            loss = F.cross_entropy(net(X_train[batch]), y_train[batch])
            scale = spike[1] if spike is not None and t == spike[0] else 1.0
            (scale * loss).backward()
            if max_norm is not None:
                clipping.clip_grad_norm_(net.parameters(), max_norm)
            for group in optimizer.param_groups:
                group["lr"] = schedule(t)
            optimizer.step()
            losses.append(loss.item())
            t += 1
    return losses


@pytest.mark.parametrize("options", [{}, {"max_norm": 0.5, "spike": (3, 50.0)}])
def test_stack_trains_like_one_network_at_a_time(split, options):
    data = small_split(split)
    rules = [schedules.warmup_cosine(0.02, 3, 12), schedules.constant(0.005)]
    runs = cnn.train_stack(rules, [1, 2], data, epochs=2, batch_size=16, **options)
    for s, (rule, seed) in enumerate(zip(rules, [1, 2])):
        reference = one_at_a_time(rule, seed, data, epochs=2, batch_size=16, **options)
        np.testing.assert_allclose(runs.step_loss[s], reference, rtol=1e-4, atol=1e-5)
        assert runs.lrs[s] == [rule(t) for t in range(len(reference))]


def test_reduce_on_plateau_is_fed_the_validation_loss(split):
    data = small_split(split)
    rule = schedules.ReduceOnPlateau(0.01, factor=0.5, patience=0)
    runs = cnn.train_stack([rule], [0], data, epochs=3, batch_size=32)
    replay = schedules.ReduceOnPlateau(0.01, factor=0.5, patience=0)
    per_epoch = len(runs.lrs[0]) // 3
    expected = [0.01] * per_epoch
    for loss in runs.val_loss[0][:-1]:
        expected += [replay(loss)] * per_epoch
    assert runs.lrs[0] == expected


def test_clipping_caps_each_networks_norm_separately(split):
    data = small_split(split)
    runs = cnn.train_stack([schedules.constant(0.01)] * 2, [0, 1], data, epochs=1,
                           batch_size=32, spike=(1, 1000.0), max_norm=1.0)
    norms = np.asarray(runs.grad_norm)
    assert (norms[:, 1] > 100).all()  # recorded before clipping
    assert np.isfinite(runs.step_loss).all()


def test_bad_arguments_raise(split):
    with pytest.raises(ValueError):
        cnn.train_stack([schedules.constant(0.01)], [0, 1], small_split(split), epochs=1)


def test_docstrings_run():
    assert doctest.testmod(cnn).failed == 0
