"""Data sets: the airfoil regression data, sparse features, and 8x8 digits.

The airfoil loader keeps d2l's download (same URL and SHA-1), caches the file
and checks its hash. Where nothing can be downloaded, point the environment
variable ``OPTBOOK_DATA_DIR`` at a folder that holds the file; ``make book``
and ``make test`` point it at ``../shared/data`` when that folder exists.
"""

import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

DATA_DIR_ENV = "OPTBOOK_DATA_DIR"
CACHE_DIR_ENV = "OPTBOOK_CACHE_DIR"
D2L_DATA_URL = "http://d2l-data.s3-accelerate.amazonaws.com/"


@dataclass(frozen=True)
class RemoteFile:
    name: str
    url: str
    sha1: str


AIRFOIL = RemoteFile("airfoil_self_noise.dat", D2L_DATA_URL + "airfoil_self_noise.dat",
                     "76e5be1548fd8222e5074cf0faae75edff8cf93f")


class DataFileError(RuntimeError):
    """A data file is missing or is not the file it should be."""


def sha1_of(path):
    digest = hashlib.sha1()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def cache_dir():
    """Where downloads are kept: $OPTBOOK_CACHE_DIR or ~/.cache/optbook."""
    return Path(os.environ.get(CACHE_DIR_ENV, Path.home() / ".cache" / "optbook"))


def _verified(path, remote):
    actual = sha1_of(path)
    if actual != remote.sha1:
        raise DataFileError(
            f"{path} has SHA-1 {actual}, but {remote.name} should have {remote.sha1}: "
            f"the file is corrupt or a different file. Delete it and download it again "
            f"from {remote.url}, or replace it with a good copy.")
    return path


def fetch(remote, data_dir=None):
    """A local, hash-checked path to ``remote``, downloading it if needed.

    Looks in ``data_dir``, then in $OPTBOOK_DATA_DIR, then in the cache; only
    then downloads into the cache.
    """
    folders = [data_dir, os.environ.get(DATA_DIR_ENV), cache_dir()]
    for folder in filter(None, folders):
        path = Path(folder) / remote.name
        if path.exists():
            return _verified(path, remote)
    target = cache_dir() / remote.name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(remote.url, timeout=30) as response, \
                tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
            shutil.copyfileobj(response, tmp)
    except (urllib.error.URLError, OSError) as error:
        raise DataFileError(
            f"{remote.name} is not available locally and could not be downloaded from "
            f"{remote.url} ({error}). Put a copy (SHA-1 {remote.sha1}) in a folder and "
            f"set {DATA_DIR_ENV} to that folder; in this repository `make` does so "
            f"with ../shared/data when it exists.") from error
    try:
        _verified(tmp.name, remote)
    except DataFileError:
        os.unlink(tmp.name)
        raise
    os.replace(tmp.name, target)
    return target


def load_airfoil(n=1500, data_dir=None):
    """The first ``n`` rows of the standardized airfoil data: (features, target)."""
    data = np.genfromtxt(fetch(AIRFOIL, data_dir), dtype=np.float32, delimiter="\t")
    data = torch.from_numpy((data - data.mean(axis=0)) / data.std(axis=0))
    return data[:n, :-1], data[:n, -1]


def load_array(data_arrays, batch_size, is_train=True):
    """A DataLoader over tensors, shuffled when training."""
    dataset = torch.utils.data.TensorDataset(*data_arrays)
    return torch.utils.data.DataLoader(dataset, batch_size, shuffle=is_train)


def get_data_ch11(batch_size=10, n=1500):
    """d2l's airfoil loader: (shuffled minibatch iterator, number of features)."""
    features, target = load_airfoil(n)
    return load_array((features, target), batch_size, is_train=True), features.shape[1]


def zipf_frequencies(d=100, exponent=1.0, highest=0.5):
    """How often each of ``d`` features is non-zero: ``highest / j**exponent`` for feature j = 1..d.

    Zipf's law, as for words in text: a few features appear in a large share of
    the examples and most appear rarely. With the defaults the first feature is
    present in half of the examples and the last in one in two hundred.
    Returns a float64 tensor, most frequent feature first.
    """
    ranks = torch.arange(1, d + 1, dtype=torch.float64)
    return torch.clamp(highest / ranks ** exponent, max=1.0)


def sparse_classification(n=1000, d=100, sparsity=0.95, seed=0, frequencies=None):
    """Binary labels from a random linear rule on features that are mostly zero.

    Feature j is non-zero with probability ``frequencies[j]`` (for example
    :func:`zipf_frequencies`), or, without ``frequencies``, every feature with
    probability ``1 - sparsity``; a non-zero entry is standard normal.
    y = 1 where x . w > 0 for a random w, so every feature, common or rare,
    is equally informative when it is present.
    Returns float32 features (n, d) and int64 labels (n,).
    """
    generator = torch.Generator().manual_seed(seed)
    if frequencies is None:
        present = torch.rand(n, d, generator=generator) >= sparsity
    else:
        frequencies = torch.as_tensor(frequencies, dtype=torch.float64)
        if frequencies.shape != (d,):
            raise ValueError(f"frequencies has shape {tuple(frequencies.shape)}, not ({d},)")
        present = torch.rand(n, d, generator=generator, dtype=torch.float64) < frequencies
    features = torch.randn(n, d, generator=generator) * present
    weights = torch.randn(d, generator=generator)
    labels = (features @ weights > 0).long()
    return features, labels


def digits(test_fraction=0.25, seed=0):
    """scikit-learn's 8x8 handwritten digits, offline: (X_train, y_train, X_test, y_test).

    Pixels are scaled to [0, 1]; the split is stratified and seeded.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    images, labels = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        images / 16.0, labels, test_size=test_fraction, random_state=seed, stratify=labels)
    as_x = lambda a: torch.tensor(a, dtype=torch.float32)  # noqa: E731
    as_y = lambda a: torch.tensor(a, dtype=torch.int64)  # noqa: E731
    return as_x(x_train), as_y(y_train), as_x(x_test), as_y(y_test)
