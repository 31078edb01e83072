import functools

import pytest
import torch

from optbook import experiments


def test_run_seeds_is_repeatable_and_varies_with_the_seed():
    sgd = functools.partial(torch.optim.SGD, lr=0.1)
    first = experiments.run_seeds(sgd, experiments.sparse_data, seeds=[0, 1], epochs=2)
    again = experiments.run_seeds(sgd, experiments.sparse_data, seeds=[0, 1], epochs=2)
    assert first.seeds == [0, 1]
    assert first.train_loss == again.train_loss
    assert first.test_accuracy == again.test_accuracy
    assert first.train_loss[0] != first.train_loss[1]
    assert all(0 <= a <= 1 for a in first.test_accuracy)
    assert len(first.histories[0].train_loss) == 2


def test_run_seeds_accepts_a_fixed_data_tuple():
    split = experiments.sparse_data(0, n=200)
    assert split[0].shape == (150, 100) and split[2].shape == (50, 100)
    runs = experiments.run_seeds(functools.partial(torch.optim.Adam, lr=1e-2), split,
                                 seeds=[3], epochs=1)
    assert len(runs.train_loss) == 1


def test_mean_std_uses_the_sample_standard_deviation():
    assert experiments.mean_std([1.0, 3.0]) == pytest.approx((2.0, 2 ** 0.5))
    assert experiments.mean_std([5.0]) == (5.0, 0.0)


def test_tune_lr_prefers_a_working_rate_and_table_has_a_row_per_optimizer():
    sgd = functools.partial(torch.optim.SGD, momentum=0.9)
    best, scores = experiments.tune_lr(sgd, [1e-5, 0.1], experiments.sparse_data,
                                       seeds=[0], epochs=2)
    assert best == 0.1 and set(scores) == {1e-5, 0.1}
    runs = experiments.run_seeds(functools.partial(sgd, lr=best), experiments.sparse_data,
                                 seeds=[0, 1], epochs=1)
    rows = experiments.summary_rows({"SGD": runs, "again": runs})
    assert [row[0] for row in rows] == ["SGD", "again"]
    assert all("±" in cell for row in rows for cell in row[1:])


def test_html_table_escapes_and_has_one_row_per_entry():
    table = experiments.html_table(["a", "b"], [["x<y", 1], ["z", 2]])
    assert table.count("<tr>") == 3 and "x&lt;y" in table
