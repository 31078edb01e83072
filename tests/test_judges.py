"""The judges accept every type a student would reasonably use, at the precision it has."""

import numpy as np
import pytest
import torch

from optbook import judges
from optbook.plain import roundtrip


@pytest.mark.parametrize("answer", [True, np.bool_(True), np.isclose(1.0, 1.0),
                                    np.all(np.ones(3) > 0), torch.all(torch.ones(2) > 0),
                                    np.array(True)])
def test_every_boolean_is_a_boolean(answer):
    assert judges.kind(roundtrip(answer), "bool") is None
    assert judges.equal(roundtrip(answer), True, reveal=False) is None
    assert judges.equal(roundtrip(answer), False, reveal=False) is not None


@pytest.mark.parametrize("answer", [0.1, np.float64(0.1), np.float32(0.1),
                                    torch.tensor(0.1), torch.tensor([0.1], dtype=torch.float32),
                                    np.array([0.1], dtype=np.float32)])
def test_numbers_of_any_type_and_precision_pass(answer):
    assert judges.close(roundtrip(answer), 0.1, rtol=1e-9, atol=0.0) is None


def test_a_float32_answer_is_held_to_float32s_precision_only():
    near = roundtrip(torch.tensor([0.1 * (1 + 5e-5)], dtype=torch.float32))
    assert judges.close(near, [0.1], rtol=1e-9) is None
    far = roundtrip(torch.tensor([0.1 * (1 + 1e-3)], dtype=torch.float32))
    assert "as the answer is float32" in judges.close(far, [0.1], rtol=1e-9)
    assert judges.close(near, [0.1], rtol=1e-9, float32=3e-5) is not None
    message = judges.close(near, [0.1], rtol=1e-9, float32=False)
    assert "float64" in message and "torch.float64" in message


def test_a_float64_answer_keeps_the_tight_tolerance():
    assert judges.close(0.1 * (1 + 5e-5), 0.1, rtol=1e-9) is not None


def test_messages_tell_two_near_numbers_apart_without_revealing_a_hidden_reference():
    shown = judges.close(0.10269001, 0.10269, rtol=1e-9, atol=0.0, reveal=True)
    assert "is 0.10269001, but it should be 0.10269 " in shown
    hidden = judges.close(0.10269001, 0.10269, rtol=1e-9, atol=0.0, reveal=False)
    assert "relative error" in hidden and "0.10269," not in hidden
    assert "should be" not in hidden
