"""Every controlled list the app uses, in one place.

The database stores the stable *code* of a term; screens, exports and charts show its
*label*. Labels marked "exact" are the national Safeguarding Adults Collection (SAC) labels
and must be used word for word (see shared/domain/msp-reference.md, section 5): councils'
figures are added up nationally. Changing a code needs a migration; changing a label does not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    code: str
    label: str


# Labels that start with a name, which keeps its capitals in the middle of a sentence.
PROPER_NAMES = ("Care Act", "Independent Mental Capacity")


class Vocabulary:
    """An ordered, immutable list of terms with lookup by code."""

    def __init__(self, name: str, terms: list[tuple[str, str]]):
        self.name = name
        self.terms = tuple(Term(code, label) for code, label in terms)
        self._by_code = {t.code: t for t in self.terms}
        if len(self._by_code) != len(self.terms):
            raise ValueError(f"duplicate code in vocabulary {name}")

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.terms)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(t.label for t in self.terms)

    def label(self, code: str | None) -> str:
        """The label of a code; an empty string for None; KeyError for an unknown code."""
        if code is None:
            return ""
        return self._by_code[code].label

    def as_dict(self) -> dict[str, str]:
        return {t.code: t.label for t in self.terms}

    def in_sentence(self, code: str | None) -> str:
        """The label for the middle of a sentence: 'family member', but 'Care Act independent
        advocate' and 'Independent Mental Capacity Advocate (IMCA)' (names keep capitals)."""
        label = self.label(code)
        if not label or label.startswith(PROPER_NAMES):
            return label
        return label[0].lower() + label[1:]

    def __repr__(self) -> str:
        return f"Vocabulary({self.name!r}, {len(self)} terms)"


# --- People and roles -------------------------------------------------------------------

ROLES = Vocabulary(
    "role",
    [
        ("practitioner", "Practitioner"),
        ("supervisor", "Supervisor"),
        ("administrator", "Administrator"),
        ("commissioner", "Commissioner"),
    ],
)

# SG1a (exact)
AGE_BANDS = Vocabulary(
    "age_band",
    [
        ("18-64", "18-64"),
        ("65-74", "65-74"),
        ("75-84", "75-84"),
        ("85-94", "85-94"),
        ("95+", "95+"),
    ],
)

# SG1b (exact)
GENDERS = Vocabulary(
    "gender",
    [("male", "Male"), ("female", "Female"), ("not_known", "Not Known")],
)

# SG1c (exact)
ETHNICITIES = Vocabulary(
    "ethnicity",
    [
        ("white", "White"),
        ("mixed", "Mixed / Multiple"),
        ("asian", "Asian / Asian British"),
        ("black", "Black / African / Caribbean / Black British"),
        ("other", "Other Ethnic Group"),
        ("refused", "Refused"),
        ("not_known", "Undeclared / Not Known"),
    ],
)

# SG1d (exact)
PRIMARY_SUPPORT_REASONS = Vocabulary(
    "primary_support_reason",
    [
        ("physical", "Physical Support"),
        ("sensory", "Sensory Support"),
        ("memory_cognition", "Support with Memory and Cognition"),
        ("learning_disability", "Learning Disability Support"),
        ("mental_health", "Mental Health Support"),
        ("social", "Social Support"),
        ("none", "No Support Reason"),
        ("not_known", "Not Known"),
    ],
)

# --- The enquiry ---------------------------------------------------------------------------

ENQUIRY_TYPES = Vocabulary(
    "enquiry_type",
    [("s42", "Section 42"), ("other", "Other")],
)

ENQUIRY_STATUSES = Vocabulary(
    "enquiry_status",
    [("open", "Open"), ("concluded", "Concluded")],
)

# SG2a (exact)
RISK_TYPES = Vocabulary(
    "risk_type",
    [
        ("physical", "Physical Abuse"),
        ("sexual", "Sexual Abuse"),
        ("psychological", "Psychological Abuse"),
        ("financial", "Financial or Material Abuse"),
        ("discriminatory", "Discriminatory Abuse"),
        ("organisational", "Organisational Abuse"),
        ("neglect", "Neglect and Acts of Omission"),
        ("domestic", "Domestic Abuse"),
        ("sexual_exploitation", "Sexual Exploitation"),
        ("modern_slavery", "Modern Slavery"),
        ("self_neglect", "Self-Neglect"),
    ],
)

# SG2b (exact)
LOCATIONS = Vocabulary(
    "location_of_risk",
    [
        ("own_home", "Own Home"),
        ("community", "In the Community"),
        ("community_service", "Community Service"),
        ("care_home_nursing", "Care Home - Nursing"),
        ("care_home_residential", "Care Home - Residential"),
        ("hospital_acute", "Hospital - Acute"),
        ("hospital_mental_health", "Hospital - Mental Health"),
        ("hospital_community", "Hospital - Community"),
        ("other", "Other"),
    ],
)

# SG2a/b (exact)
SOURCES_OF_RISK = Vocabulary(
    "source_of_risk",
    [
        ("service_provider", "Service Provider"),
        ("known", "Other - Known to individual"),
        ("unknown", "Other - Unknown to individual"),
    ],
)

# SG2c (exact)
RISK_ASSESSMENT_OUTCOMES = Vocabulary(
    "risk_assessment_outcome",
    [
        ("identified_action", "Risk identified and action taken"),
        ("identified_no_action", "Risk identified and no action taken"),
        ("inconclusive_action", "Risk Assessment inconclusive and action taken"),
        ("inconclusive_no_action", "Risk Assessment inconclusive and no action taken"),
        ("none_action", "No risk identified and action taken"),
        ("none_no_action", "No risk identified and no action taken"),
        ("ceased", "Enquiry ceased at individual's request and no action taken"),
    ],
)

# SG2e (exact): only where a risk was identified and action taken.
RISK_OUTCOMES = Vocabulary(
    "risk_outcome",
    [("remained", "Risk remained"), ("reduced", "Risk reduced"), ("removed", "Risk removed")],
)

# SG3a (exact)
LACKED_CAPACITY = Vocabulary(
    "lacked_capacity",
    [
        ("yes", "Yes, they lacked capacity"),
        ("no", "No, they did not lack capacity"),
        ("dont_know", "Don't know"),
        ("not_recorded", "Not recorded"),
    ],
)

# SG4a (exact): were they asked about their desired outcomes?
MSP_ASKED = Vocabulary(
    "msp_asked",
    [
        ("asked_expressed", "Yes they were asked and outcomes were expressed"),
        ("asked_none", "Yes they were asked but no outcomes were expressed"),
        ("no", "No"),
        ("dont_know", "Don't Know"),
        ("not_recorded", "Not Recorded"),
    ],
)

# SG4a (exact): of those who expressed outcomes, were they achieved?
MSP_ACHIEVED = Vocabulary(
    "msp_achieved",
    [
        ("fully", "Fully Achieved"),
        ("partially", "Partially Achieved"),
        ("not_achieved", "Not Achieved"),
    ],
)

# --- Before the concern was raised ------------------------------------------------------

PRE_CONCERN_VIEWS = Vocabulary(
    "pre_concern_view",
    [
        ("agreed", "Agreed to the concern being raised"),
        ("disagreed", "Did not want the concern raised"),
        ("no_view", "Did not or could not give a view"),
    ],
)

AGAINST_VIEW_REASONS = Vocabulary(
    "against_view_reason",
    [
        ("others_at_risk", "Other people, including children, are at risk"),
        ("lacks_capacity", "Lacks capacity about the matter (best interests)"),
        ("crime_public_interest", "A crime or the public interest"),
        ("serious_risk", "Serious risk to life"),
        ("coercion", "Coercion or undue influence"),
        ("staff_provider", "Staff or a service provider involved"),
        ("other", "Other reason"),
    ],
)

# --- Desired outcomes (the seed's list) ---------------------------------------------------

STANDARD_OUTCOMES = Vocabulary(
    "standard_outcome",
    [
        ("abuse_stop", "For the abuse to stop and to feel safer"),
        ("protect_future", "To have help to protect themselves in the future"),
        ("confidence", "To have help to feel more confident"),
        ("abuser_away", "For the abuser to stay away from them"),
        ("involved", "To be involved in what happens next"),
        ("do_what_they_say", "For people involved in their case to do what they say they will"),
        ("prosecute", "For the police to prosecute"),
        ("support", "To access any support available"),
        ("friends", "To make more friends"),
        ("something_else", "Something else"),
    ],
)
SOMETHING_ELSE = "something_else"

OUTCOME_STATUSES = Vocabulary(
    "outcome_status",
    [("active", "Active"), ("withdrawn", "Withdrawn")],
)

# Why a version of a desired outcome was recorded. Every change is a new version.
OUTCOME_CHANGE_REASONS = Vocabulary(
    "outcome_change_reason",
    [
        ("added", "Added"),
        ("reworded", "Reworded"),
        ("withdrawn", "Withdrawn"),
        ("achievability", "Achievability assessed"),
        ("rated", "Rated at conclusion"),
    ],
)

ACHIEVABILITY = Vocabulary(
    "achievability",
    [
        ("likely", "Likely to be achievable"),
        ("partly", "Partly achievable"),
        ("not_achievable", "Not achievable"),
    ],
)

# Rating of one outcome at conclusion (sentence case; the enquiry-level national answer is
# MSP_ACHIEVED, which shares these codes).
OUTCOME_RATINGS = Vocabulary(
    "outcome_rating",
    [
        ("fully", "Fully achieved"),
        ("partially", "Partially achieved"),
        ("not_achieved", "Not achieved"),
    ],
)

# --- Who speaks: the person or a representative -------------------------------------------

REPRESENTATIVE_KINDS = Vocabulary(
    "representative_kind",
    [
        ("family_member", "Family member"),
        ("friend", "Friend"),
        ("unpaid_carer", "Unpaid carer"),
        ("care_act_advocate", "Care Act independent advocate"),
        ("imca", "Independent Mental Capacity Advocate (IMCA)"),
        ("attorney_deputy", "Attorney or deputy"),
        ("other", "Other representative"),
    ],
)

PERSON = "person"
# Who expressed an outcome or answered feedback: the person, or a kind of representative.
SPEAKERS = Vocabulary(
    "speaker",
    [(PERSON, "The person")] + [(t.code, t.label) for t in REPRESENTATIVE_KINDS],
)

ADVOCATE_KINDS = Vocabulary(
    "advocate_kind",
    [
        ("care_act_advocate", "Care Act independent advocate"),
        ("imca", "Independent Mental Capacity Advocate (IMCA)"),
        ("other", "Other independent advocate"),
    ],
)

CAPACITY_RESULTS = Vocabulary(
    "capacity_result",
    [
        ("has_capacity", "Has capacity for this decision"),
        ("lacks_capacity", "Lacks capacity for this decision"),
        ("not_concluded", "Assessment not concluded"),
    ],
)

# --- Conversations and feedback ---------------------------------------------------------

CONTACT_METHODS = Vocabulary(
    "contact_method",
    [
        ("in_person", "In person"),
        ("phone", "Phone"),
        ("video", "Video call"),
        ("letter_easy_read", "Letter or easy-read form"),
        ("other", "Other"),
    ],
)

CONVERSATION_STAGES = Vocabulary(
    "conversation_stage",
    [
        ("before_concern", "Before the concern was raised"),
        ("start", "Start of the enquiry"),
        ("during", "During the enquiry"),
        ("conclusion", "At conclusion"),
        ("after", "After conclusion"),
    ],
)

FEEDBACK_ANSWERS = Vocabulary(
    "feedback_answer",
    [
        ("yes", "Yes"),
        ("partly", "Partly"),
        ("no", "No"),
        ("dont_know", "Don't know"),
        ("not_answered", "Not answered"),
    ],
)

FEEDBACK_ASKERS = Vocabulary(
    "feedback_asked_by",
    [("enquiry_lead", "Enquiry lead"), ("independent_person", "Independent person")],
)


@dataclass(frozen=True)
class DefaultQuestion:
    key: str
    person_wording: str
    representative_wording: str


# The seed's six questions; the default feedback question bank (editable data once seeded).
DEFAULT_FEEDBACK_QUESTIONS: tuple[DefaultQuestion, ...] = (
    DefaultQuestion(
        "goals",
        "Have you got the goals you wanted?",
        "Has the person got the goals they wanted?",
    ),
    DefaultQuestion(
        "chance_to_say",
        "Did we give you a chance to say what you wanted to happen next and feed back to you?",
        "Did we give the person (and you) a chance to say what they wanted to happen next "
        "and feed back to them?",
    ),
    DefaultQuestion(
        "listened_to",
        "Did you feel you were listened to?",
        "Do you feel the person was listened to?",
    ),
    DefaultQuestion(
        "acted_on_wishes",
        "Did we act on your wishes and views?",
        "Did we act on the person's wishes and views?",
    ),
    DefaultQuestion(
        "feel_safe",
        "Do you feel as safe as you want to feel?",
        "Do you think the person feels as safe as they want to feel?",
    ),
    DefaultQuestion(
        "happier",
        "Do you feel happier as a result of the support about your concerns?",
        "Do you think the person is happier as a result of the support about their concerns?",
    ),
)

ALL_VOCABULARIES: tuple[Vocabulary, ...] = (
    ROLES,
    AGE_BANDS,
    GENDERS,
    ETHNICITIES,
    PRIMARY_SUPPORT_REASONS,
    ENQUIRY_TYPES,
    ENQUIRY_STATUSES,
    RISK_TYPES,
    LOCATIONS,
    SOURCES_OF_RISK,
    RISK_ASSESSMENT_OUTCOMES,
    RISK_OUTCOMES,
    LACKED_CAPACITY,
    MSP_ASKED,
    MSP_ACHIEVED,
    PRE_CONCERN_VIEWS,
    AGAINST_VIEW_REASONS,
    STANDARD_OUTCOMES,
    OUTCOME_STATUSES,
    OUTCOME_CHANGE_REASONS,
    ACHIEVABILITY,
    OUTCOME_RATINGS,
    REPRESENTATIVE_KINDS,
    SPEAKERS,
    ADVOCATE_KINDS,
    CAPACITY_RESULTS,
    CONTACT_METHODS,
    CONVERSATION_STAGES,
    FEEDBACK_ANSWERS,
    FEEDBACK_ASKERS,
)
