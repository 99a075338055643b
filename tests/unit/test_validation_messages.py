"""Messages a form shows for a multiple choice, word for word."""

from __future__ import annotations

import pytest

from msp import vocab
from msp.validation import Checker


@pytest.mark.parametrize(
    ("values", "minimum", "message"),
    [
        ([], 1, "Choose at least one type of risk"),
        (["financial", "financial"], 1, "Choose each type of risk only once"),
        (["money"], 1, "Choose type of risk from the list"),
    ],
)
def test_multiple_choice_messages(values, minimum, message):
    c = Checker()
    c.codes("risk_types", values, vocab.RISK_TYPES, minimum=minimum, what="type of risk")
    assert c.problems == {"risk_types": message}


def test_enough_different_choices_pass():
    c = Checker()
    c.codes("risk_types", ["financial", "neglect"], vocab.RISK_TYPES, minimum=1, what="x")
    assert c.problems == {}
