"""Shared test setup: the airfoil data folder and a headless matplotlib."""

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture
def airfoil_dir():
    """The folder with the airfoil file: $OPTBOOK_DATA_DIR, else ../shared/data."""
    folder = os.environ.get("OPTBOOK_DATA_DIR") or str(SHARED_DATA)
    if not (Path(folder) / "airfoil_self_noise.dat").exists():
        pytest.fail(f"the airfoil file is not in {folder}: set OPTBOOK_DATA_DIR "
                    "or put ../shared/data beside the clone")
    return Path(folder)
