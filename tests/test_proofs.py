"""The step-by-step proof checker of optbook.proofs (graded in the preconditioning assignment)."""

import sympy as sp

from optbook.proofs import (GOAL, START, Id, O, T, check_chain, distance, is_true, rewrites,
                            sq_norm, x)

MODEL = [sq_norm(O * x), T(O * x) * (O * x), T(x) * T(O) * O * x, T(x) * Id * x, T(x) * x,
         sq_norm(x)]


def test_the_model_proof_is_complete_and_every_step_earns_credit():
    report = check_chain(MODEL)
    assert report.complete, report.summary()
    assert report.credited == 5
    assert [s.rule for s in report.steps] == [
        "definition", "transpose of a product", "orthogonality", "identity", "definition"]


def test_associativity_is_free_and_a_rule_may_be_applied_backwards():
    chain = [sq_norm(O * x), T(O * x) * (O * x), T(x) * (T(O) * O) * x, T(x) * Id * x,
             T(x) * x, sq_norm(x)]
    assert check_chain(chain).complete
    assert [distance(e) for e in MODEL] == [5, 4, 3, 2, 1, 0]  # the last step folds T(x)*x


def test_steps_away_from_the_goal_earn_nothing():
    reverse = check_chain(list(reversed(MODEL)))
    assert reverse.credited == 0 and not reverse.starts_right and not reverse.complete
    padded = [START, T(O * x) * O * x, T(O * x) * Id * O * x, T(O * x) * Id * Id * O * x,
              T(O * x) * Id * Id * Id * O * x]
    report = check_chain(padded)
    assert [s.credited for s in report.steps] == [True, False, False, False]
    assert "closer" in report.steps[1].message


def test_the_module_does_not_print_the_proof():
    import optbook.proofs

    text = optbook.proofs.__doc__
    for step in MODEL[1:-1]:
        assert str(step) not in text and str(step).replace("*", " * ") not in text, step


def test_a_wrong_step_earns_nothing_and_neither_do_steps_after_it():
    chain = [sq_norm(O * x), T(O * x) * (O * x), T(x) * O * T(O) * O * x, T(x) * O * x,
             sq_norm(x)]
    report = check_chain(chain)
    verdicts = [s.credited for s in report.steps]
    assert verdicts == [True, False, False, False]
    assert "not true" in report.steps[1].message
    assert not report.complete
    # Back on track after a false step: the right steps that follow still earn nothing.
    chain = [START, T(O * x) * O * x * O, T(x) * T(O) * O * x, T(x) * Id * x, T(x) * x, GOAL]
    report = check_chain(chain)
    assert report.credited == 0 and "after the false step 1" in report.steps[2].message


def test_a_skipped_step_earns_nothing_for_that_step_only():
    chain = [sq_norm(O * x), T(O * x) * (O * x), T(x) * Id * x, T(x) * x, sq_norm(x)]
    report = check_chain(chain)
    assert [s.credited for s in report.steps] == [True, False, True, True]
    assert "skips steps" in report.steps[1].message
    assert not report.uses_orthogonality and not report.complete


def test_restating_the_goal_earns_nothing():
    for chain in ([START, GOAL], [START, START, GOAL], [T(O * x) * O * x, T(x) * x]):
        report = check_chain(chain)
        assert report.credited == 0 and not report.complete, report.summary()


def test_repeating_an_expression_earns_nothing():
    chain = [START, T(O * x) * (O * x), START, T(O * x) * (O * x)]
    assert [s.credited for s in check_chain(chain).steps] == [True, False, False]


def test_a_proof_that_never_uses_orthogonality_is_incomplete():
    chain = [sq_norm(O * x), T(O * x) * (O * x), T(x) * T(O) * O * x, T(x) * T(O) * T(T(O)) * x]
    report = check_chain(chain)
    assert report.credited == 2 and not report.uses_orthogonality and not report.complete
    assert "orthogonality" in report.summary()


def test_malformed_answers_get_a_message_not_an_exception():
    for chain in (None, [], [START], [START, "x.T x"], [START, 3], [START] * 31):
        report = check_chain(chain)
        assert report.credited == 0 and not report.complete and report.problem


def test_truth_is_checked_numerically_with_shapes():
    assert is_true(T(x) * O * T(O) * x)
    assert not is_true(x * T(x))          # a matrix, not a number
    assert not is_true(T(x) * O * x)      # not equal for a general orthogonal O
    assert not is_true(O * O)             # malformed: a matrix
    assert not is_true(T(x) * O ** 100 * x)


def test_rewrites_apply_one_rule_at_one_place():
    found = {e: r for r, e in rewrites(T(x) * T(O) * O * Id * x)}
    assert found == {T(x) * Id * Id * x: "orthogonality", T(x) * T(O) * O * x: "identity"}
    assert rewrites(sp.Symbol("y")) == []
