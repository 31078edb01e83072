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


def test_sparse_data_has_zipf_frequencies_unless_a_sparsity_is_given():
    X_train, _, X_test, _ = experiments.sparse_data(0)
    seen = (torch.cat([X_train, X_test]) != 0).float().mean(dim=0)
    assert seen[:10].mean() > 5 * seen[40:].mean()
    uniform = experiments.sparse_data(0, sparsity=0.95)[0]
    assert (uniform == 0).float().mean().item() == pytest.approx(0.95, abs=0.01)


def test_rarest_feature_and_bands():
    X = torch.tensor([[1.0, 0.0, 2.0], [0.0, 0.0, 0.0], [3.0, 0.0, 0.0]])
    assert experiments.rarest_feature(X).tolist() == [2, -1, 0]
    split = experiments.sparse_data(1)
    runs = experiments.run_seeds(functools.partial(torch.optim.Adam, lr=1e-2), split,
                                 seeds=[0, 1], epochs=1, measure=experiments.by_band)
    assert len(runs.measures) == 2
    bands = runs.measures[0]
    assert set(bands) == {"train loss", "test accuracy"}
    assert set(bands["test accuracy"]) == set(experiments.BANDS)
    assert all(0 <= a <= 1 for a in bands["test accuracy"].values())
    means = experiments.band_means(runs, "train loss")
    assert set(means) == set(experiments.BANDS) and all(len(v) == 2 for v in means.values())


def test_lr_grid_inside_ranking_and_clearly_apart():
    assert experiments.lr_grid(0.03) == [0.003, 0.01, 0.03, 0.1, 0.3]
    assert experiments.lr_grid(3.0, rungs=1) == [1.0, 3.0, 10.0]
    assert experiments.inside(0.03, [0.01, 0.03, 0.1])
    assert not experiments.inside(0.1, [0.01, 0.03, 0.1])
    r = experiments.ranking({"a": [1.0, 1.2], "b": [2.0, 2.2], "c": [0.5, 0.7]})
    assert r["order"] == ["c", "a", "b"] and r["best"] == "c" and r["worst"] == "b"
    assert r["gap"] == pytest.approx(0.5)
    assert experiments.ranking({"a": [1.0], "b": [2.0]}, lower_is_better=False)["best"] == "b"
    assert experiments.clearly_apart([1.0, 1.1, 0.9], [2.0, 2.1, 1.9])
    assert not experiments.clearly_apart([1.0, 2.0, 0.0], [1.2, 2.2, 0.2])


def test_regression_seeds_is_repeatable_and_tunable():
    X = torch.randn(400, 3, generator=torch.Generator().manual_seed(0))
    y = X @ torch.tensor([1.0, -2.0, 0.5])
    sgd = functools.partial(torch.optim.SGD, lr=0.05)
    first = experiments.regression_seeds(sgd, (X, y), seeds=[0, 1], batch_size=10,
                                         record_every=100)
    again = experiments.regression_seeds(sgd, (X, y), seeds=[0, 1], batch_size=10,
                                         record_every=100)
    assert first.train_loss == again.train_loss and len(first.histories[0]) == 4
    assert first.train_loss[0] < 0.5 * first.histories[0][0]
    best, scores = experiments.tune_lr(torch.optim.SGD, [1e-4, 0.05], (X, y), seeds=[0],
                                       runner=experiments.regression_seeds, batch_size=10)
    assert best == 0.05 and scores[0.05] < scores[1e-4]
