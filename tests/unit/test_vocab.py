"""The national labels must be used word for word (msp-reference.md section 5)."""

import pytest

from msp import vocab

EXACT_LABELS = {
    vocab.AGE_BANDS: ["18-64", "65-74", "75-84", "85-94", "95+"],
    vocab.GENDERS: ["Male", "Female", "Not Known"],
    vocab.ETHNICITIES: [
        "White",
        "Mixed / Multiple",
        "Asian / Asian British",
        "Black / African / Caribbean / Black British",
        "Other Ethnic Group",
        "Refused",
        "Undeclared / Not Known",
    ],
    vocab.PRIMARY_SUPPORT_REASONS: [
        "Physical Support",
        "Sensory Support",
        "Support with Memory and Cognition",
        "Learning Disability Support",
        "Mental Health Support",
        "Social Support",
        "No Support Reason",
        "Not Known",
    ],
    vocab.RISK_TYPES: [
        "Physical Abuse",
        "Sexual Abuse",
        "Psychological Abuse",
        "Financial or Material Abuse",
        "Discriminatory Abuse",
        "Organisational Abuse",
        "Neglect and Acts of Omission",
        "Domestic Abuse",
        "Sexual Exploitation",
        "Modern Slavery",
        "Self-Neglect",
    ],
    vocab.LOCATIONS: [
        "Own Home",
        "In the Community",
        "Community Service",
        "Care Home - Nursing",
        "Care Home - Residential",
        "Hospital - Acute",
        "Hospital - Mental Health",
        "Hospital - Community",
        "Other",
    ],
    vocab.SOURCES_OF_RISK: [
        "Service Provider",
        "Other - Known to individual",
        "Other - Unknown to individual",
    ],
    vocab.RISK_ASSESSMENT_OUTCOMES: [
        "Risk identified and action taken",
        "Risk identified and no action taken",
        "Risk Assessment inconclusive and action taken",
        "Risk Assessment inconclusive and no action taken",
        "No risk identified and action taken",
        "No risk identified and no action taken",
        "Enquiry ceased at individual's request and no action taken",
    ],
    vocab.RISK_OUTCOMES: ["Risk remained", "Risk reduced", "Risk removed"],
    vocab.LACKED_CAPACITY: [
        "Yes, they lacked capacity",
        "No, they did not lack capacity",
        "Don't know",
        "Not recorded",
    ],
    vocab.MSP_ASKED: [
        "Yes they were asked and outcomes were expressed",
        "Yes they were asked but no outcomes were expressed",
        "No",
        "Don't Know",
        "Not Recorded",
    ],
    vocab.MSP_ACHIEVED: ["Fully Achieved", "Partially Achieved", "Not Achieved"],
    vocab.STANDARD_OUTCOMES: [
        "For the abuse to stop and to feel safer",
        "To have help to protect themselves in the future",
        "To have help to feel more confident",
        "For the abuser to stay away from them",
        "To be involved in what happens next",
        "For people involved in their case to do what they say they will",
        "For the police to prosecute",
        "To access any support available",
        "To make more friends",
        "Something else",
    ],
}


@pytest.mark.parametrize("vocabulary", list(EXACT_LABELS), ids=lambda v: v.name)
def test_national_labels_are_exact_and_in_order(vocabulary):
    assert list(vocabulary.labels) == EXACT_LABELS[vocabulary]


def test_seed_feedback_questions_are_the_default_bank():
    assert [q.person_wording for q in vocab.DEFAULT_FEEDBACK_QUESTIONS] == [
        "Have you got the goals you wanted?",
        "Did we give you a chance to say what you wanted to happen next and feed back to you?",
        "Did you feel you were listened to?",
        "Did we act on your wishes and views?",
        "Do you feel as safe as you want to feel?",
        "Do you feel happier as a result of the support about your concerns?",
    ]
    for question in vocab.DEFAULT_FEEDBACK_QUESTIONS:
        assert question.representative_wording
        assert question.representative_wording != question.person_wording
    assert len({q.key for q in vocab.DEFAULT_FEEDBACK_QUESTIONS}) == 6


def test_codes_are_short_stable_identifiers():
    for vocabulary in vocab.ALL_VOCABULARIES:
        for term in vocabulary:
            assert term.code == term.code.strip() and term.code
            assert len(term.code) <= 30, (vocabulary.name, term.code)
            assert "'" not in term.code


def test_label_lookup():
    assert vocab.MSP_ASKED.label("asked_none") == (
        "Yes they were asked but no outcomes were expressed"
    )
    assert vocab.MSP_ASKED.label(None) == ""
    with pytest.raises(KeyError):
        vocab.MSP_ASKED.label("maybe")
    assert "fully" in vocab.MSP_ACHIEVED
    assert "Fully Achieved" not in vocab.MSP_ACHIEVED


def test_speakers_are_the_person_and_every_representative_kind():
    assert vocab.SPEAKERS.codes == (vocab.PERSON, *vocab.REPRESENTATIVE_KINDS.codes)
    assert {"family_member", "friend", "unpaid_carer", "care_act_advocate", "imca"} <= set(
        vocab.REPRESENTATIVE_KINDS.codes
    )


def test_outcome_ratings_share_codes_with_the_national_answer():
    assert vocab.OUTCOME_RATINGS.codes == vocab.MSP_ACHIEVED.codes


def test_duplicate_codes_are_refused():
    with pytest.raises(ValueError):
        vocab.Vocabulary("x", [("a", "A"), ("a", "B")])


def test_labels_in_a_sentence_keep_the_capitals_of_names():
    assert vocab.SPEAKERS.in_sentence("person") == "the person"
    assert vocab.SPEAKERS.in_sentence("family_member") == "family member"
    assert vocab.SPEAKERS.in_sentence("care_act_advocate") == "Care Act independent advocate"
    assert vocab.REPRESENTATIVE_KINDS.in_sentence("imca") == (
        "Independent Mental Capacity Advocate (IMCA)"
    )
    assert vocab.SPEAKERS.in_sentence(None) == ""
