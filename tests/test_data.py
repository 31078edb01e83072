"""The data loaders: hash checks, clear errors, and the synthetic sparse data."""

import shutil
import urllib.error

import pytest
import torch

from optbook import data


def test_airfoil_is_found_through_the_environment_variable(airfoil_dir, monkeypatch, tmp_path):
    monkeypatch.setenv(data.DATA_DIR_ENV, str(airfoil_dir))
    monkeypatch.setenv(data.CACHE_DIR_ENV, str(tmp_path))
    features, target = data.load_airfoil()
    assert features.shape == (1500, 5) and target.shape == (1500,)
    assert features.mean(dim=0).abs().max() < 0.05
    assert data.sha1_of(airfoil_dir / data.AIRFOIL.name) == data.AIRFOIL.sha1


def test_a_file_with_the_wrong_hash_is_refused(airfoil_dir, monkeypatch, tmp_path):
    corrupt = tmp_path / data.AIRFOIL.name
    shutil.copy(airfoil_dir / data.AIRFOIL.name, corrupt)
    with open(corrupt, "ab") as f:
        f.write(b"1\t2\t3\t4\t5\t6\r\n")
    monkeypatch.setenv(data.DATA_DIR_ENV, str(tmp_path))
    with pytest.raises(data.DataFileError, match="SHA-1") as error:
        data.load_airfoil()
    assert "corrupt" in str(error.value) and str(corrupt) in str(error.value)


def test_a_missing_file_says_what_to_do(monkeypatch, tmp_path):
    def no_network(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setenv(data.DATA_DIR_ENV, str(tmp_path / "empty"))
    monkeypatch.setenv(data.CACHE_DIR_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(data.urllib.request, "urlopen", no_network)
    with pytest.raises(data.DataFileError, match=data.DATA_DIR_ENV) as error:
        data.load_airfoil()
    assert data.AIRFOIL.url in str(error.value)


def test_a_download_is_hash_checked_and_cached(airfoil_dir, monkeypatch, tmp_path):
    def fake_download(url, timeout):
        assert url == data.AIRFOIL.url
        return open(airfoil_dir / data.AIRFOIL.name, "rb")

    monkeypatch.delenv(data.DATA_DIR_ENV, raising=False)
    monkeypatch.setenv(data.CACHE_DIR_ENV, str(tmp_path))
    monkeypatch.setattr(data.urllib.request, "urlopen", fake_download)
    path = data.fetch(data.AIRFOIL)
    assert path == tmp_path / data.AIRFOIL.name
    assert data.sha1_of(path) == data.AIRFOIL.sha1


def test_sparse_classification_is_sparse_seeded_and_learnable():
    X, y = data.sparse_classification(n=2000, d=50, sparsity=0.95, seed=1)
    assert X.shape == (2000, 50) and y.shape == (2000,)
    assert (X == 0).float().mean().item() == pytest.approx(0.95, abs=0.01)
    X2, y2 = data.sparse_classification(n=2000, d=50, sparsity=0.95, seed=1)
    assert torch.equal(X, X2) and torch.equal(y, y2)
    assert 0.2 < y.float().mean().item() < 0.8
    X3, _ = data.sparse_classification(n=2000, d=50, sparsity=0.5, seed=1)
    assert (X3 == 0).float().mean().item() == pytest.approx(0.5, abs=0.02)


def test_digits_are_offline_and_split():
    X_train, y_train, X_test, y_test = data.digits()
    assert X_train.shape[1] == 64 and len(X_train) + len(X_test) == 1797
    assert 0.0 <= float(X_train.min()) and float(X_train.max()) <= 1.0
    assert set(y_test.tolist()) == set(range(10))


def test_zipf_frequencies_fall_as_one_over_rank():
    p = data.zipf_frequencies(d=100, exponent=1.0, highest=0.5)
    assert p.shape == (100,) and float(p[0]) == 0.5
    assert float(p[9]) == pytest.approx(0.05) and float(p[-1]) == pytest.approx(0.005)
    assert bool((p[1:] < p[:-1]).all())
    assert float(data.zipf_frequencies(d=3, highest=2.0)[0]) == 1.0  # capped at always present


def test_sparse_classification_follows_given_frequencies():
    p = data.zipf_frequencies(d=20)
    X, y = data.sparse_classification(n=20000, d=20, seed=3, frequencies=p)
    seen = (X != 0).float().mean(dim=0)
    assert seen[0].item() == pytest.approx(0.5, abs=0.02)
    assert seen[-1].item() == pytest.approx(0.025, abs=0.005)
    X2, y2 = data.sparse_classification(n=20000, d=20, seed=3, frequencies=p)
    assert torch.equal(X, X2) and torch.equal(y, y2)
    with pytest.raises(ValueError):
        data.sparse_classification(n=10, d=5, frequencies=p)
