"""The shape of the synthetic data: national mixes, team profiles and the demo accounts.

Every weighted table is keyed by vocabulary codes (checked by tests/unit/test_demo.py).
Shares follow the national figures in shared/domain/msp-reference.md (section 9); the MSP
shares are the plausible ones given there. Teams deliberately differ, so a supervisor's
charts show something worth talking about: South asks and achieves the most, East the least.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

TABLE_BITS = 12  # `Weighted.table` has 2**12 entries


class Weighted:
    """A weighted choice among codes: `w.pick(rng.random())`, or, faster and to 1/4096,
    `w.table[rng.getrandbits(TABLE_BITS)]`."""

    __slots__ = ("codes", "cum", "weights", "name", "table")

    def __init__(self, name: str, pairs: list[tuple[object, float]]):
        total = float(sum(w for _, w in pairs))
        if total <= 0:
            raise ValueError(f"weights of {name} must add up to more than 0")
        self.name = name
        self.weights = {code: w / total for code, w in pairs if w > 0}
        codes: list[object] = []
        cum: list[float] = []
        acc = 0.0
        for code, w in pairs:
            if w <= 0:
                continue
            acc += w
            codes.append(code)
            cum.append(acc / total)
        cum[-1] = 1.0
        self.codes = tuple(codes)
        self.cum = tuple(cum)
        size = 1 << TABLE_BITS
        self.table = tuple(self.pick((k + 0.5) / size) for k in range(size))

    def pick(self, u: float):
        """The code at uniform position `u` in [0, 1)."""
        return self.codes[bisect_right(self.cum, u)]

    def share(self, code: object) -> float:
        return self.weights.get(code, 0.0)

    def __repr__(self) -> str:
        return f"Weighted({self.name!r}, {self.weights!r})"


# --- People (SG1) ------------------------------------------------------------------------

AGE = Weighted(
    "age_band",
    [("18-64", 0.37), ("65-74", 0.13), ("75-84", 0.22), ("85-94", 0.23), ("95+", 0.05)],
)
AGE_LEARNING_DISABILITY = Weighted(
    "age_band",
    [("18-64", 0.78), ("65-74", 0.12), ("75-84", 0.06), ("85-94", 0.03), ("95+", 0.01)],
)
# Age in years within each band, for an invented birth year.
AGE_RANGES = {
    "18-64": (18, 64),
    "65-74": (65, 74),
    "75-84": (75, 84),
    "85-94": (85, 94),
    "95+": (95, 103),
}

GENDER = Weighted("gender", [("female", 0.60), ("male", 0.39), ("not_known", 0.01)])
GENDER_LEARNING_DISABILITY = Weighted(
    "gender", [("female", 0.48), ("male", 0.51), ("not_known", 0.01)]
)

ETHNICITY = Weighted(
    "ethnicity",
    [
        ("white", 0.81),
        ("mixed", 0.015),
        ("asian", 0.045),
        ("black", 0.03),
        ("other", 0.01),
        ("refused", 0.005),
        ("not_known", 0.085),
    ],
)

PSR_UNDER_65 = Weighted(
    "primary_support_reason",
    [
        ("physical", 0.18),
        ("sensory", 0.02),
        ("memory_cognition", 0.02),
        ("learning_disability", 0.25),
        ("mental_health", 0.33),
        ("social", 0.08),
        ("none", 0.05),
        ("not_known", 0.07),
    ],
)
PSR_65_PLUS = Weighted(
    "primary_support_reason",
    [
        ("physical", 0.52),
        ("sensory", 0.03),
        ("memory_cognition", 0.20),
        ("learning_disability", 0.02),
        ("mental_health", 0.07),
        ("social", 0.06),
        ("none", 0.03),
        ("not_known", 0.07),
    ],
)
PSR_LEARNING_DISABILITY = Weighted(
    "primary_support_reason",
    [
        ("learning_disability", 0.85),
        ("physical", 0.05),
        ("mental_health", 0.05),
        ("memory_cognition", 0.02),
        ("sensory", 0.01),
        ("not_known", 0.02),
    ],
)

# Chance that the person lacks capacity about taking part in the enquiry, by support reason
# (about 25% overall, as nationally).
LACKS_CAPACITY = {
    "physical": 0.14,
    "sensory": 0.08,
    "memory_cognition": 0.62,
    "learning_disability": 0.48,
    "mental_health": 0.18,
    "social": 0.08,
    "none": 0.05,
    "not_known": 0.20,
}

# Share of enquiries about someone already known from an earlier enquiry (nationally
# about 1.24 enquiries per individual).
REPEAT_PERSON = 0.18

# --- The enquiry (SG2) -------------------------------------------------------------------

ENQUIRY_TYPE = Weighted("enquiry_type", [("s42", 0.94), ("other", 0.06)])

LOCATION_LOCALITY = Weighted(
    "location_of_risk",
    [
        ("own_home", 0.50),
        ("community", 0.05),
        ("community_service", 0.05),
        ("care_home_nursing", 0.14),
        ("care_home_residential", 0.18),
        ("hospital_acute", 0.02),
        ("hospital_mental_health", 0.01),
        ("hospital_community", 0.01),
        ("other", 0.04),
    ],
)
LOCATION_HOSPITAL = Weighted(
    "location_of_risk",
    [
        ("own_home", 0.05),
        ("community", 0.01),
        ("care_home_nursing", 0.04),
        ("care_home_residential", 0.03),
        ("hospital_acute", 0.50),
        ("hospital_mental_health", 0.27),
        ("hospital_community", 0.08),
        ("other", 0.02),
    ],
)
LOCATION_LEARNING_DISABILITY = Weighted(
    "location_of_risk",
    [
        ("own_home", 0.40),
        ("community", 0.10),
        ("community_service", 0.15),
        ("care_home_nursing", 0.05),
        ("care_home_residential", 0.25),
        ("other", 0.05),
    ],
)

# Places where care is provided by a service (risk mostly from a service provider).
SERVICE_SETTINGS = frozenset(
    {
        "community_service",
        "care_home_nursing",
        "care_home_residential",
        "hospital_acute",
        "hospital_mental_health",
        "hospital_community",
    }
)

SOURCE_AT_HOME = Weighted(
    "source_of_risk", [("known", 0.70), ("unknown", 0.15), ("service_provider", 0.15)]
)
SOURCE_IN_SERVICE = Weighted(
    "source_of_risk", [("service_provider", 0.75), ("known", 0.20), ("unknown", 0.05)]
)
SOURCE_OTHER = Weighted(
    "source_of_risk", [("known", 0.50), ("unknown", 0.30), ("service_provider", 0.20)]
)

RISK_AT_HOME = Weighted(
    "risk_type",
    [
        ("neglect", 0.20),
        ("physical", 0.17),
        ("financial", 0.20),
        ("psychological", 0.14),
        ("self_neglect", 0.14),
        ("domestic", 0.09),
        ("sexual", 0.03),
        ("organisational", 0.005),
        ("discriminatory", 0.006),
        ("sexual_exploitation", 0.005),
        ("modern_slavery", 0.004),
    ],
)
RISK_IN_SERVICE = Weighted(
    "risk_type",
    [
        ("neglect", 0.48),
        ("physical", 0.25),
        ("organisational", 0.10),
        ("psychological", 0.07),
        ("financial", 0.04),
        ("sexual", 0.04),
        ("discriminatory", 0.01),
        ("self_neglect", 0.01),
    ],
)
# A second type of risk in the same enquiry (SG2a counts the enquiry once per type).
SECOND_RISK_SHARE = 0.22
RISK_SECOND = Weighted(
    "risk_type",
    [
        ("psychological", 0.35),
        ("financial", 0.20),
        ("physical", 0.15),
        ("neglect", 0.15),
        ("domestic", 0.08),
        ("sexual", 0.03),
        ("organisational", 0.04),
    ],
)

RISK_ASSESSMENT = Weighted(
    "risk_assessment_outcome",
    [
        ("identified_action", 0.62),
        ("identified_no_action", 0.04),
        ("inconclusive_action", 0.12),
        ("inconclusive_no_action", 0.03),
        ("none_action", 0.07),
        ("none_no_action", 0.08),
        ("ceased", 0.04),
    ],
)
# Where a risk was identified and action taken: reduced or removed in ~89%.
RISK_OUTCOME = Weighted("risk_outcome", [("remained", 0.11), ("reduced", 0.62), ("removed", 0.27)])

# --- Before the concern, capacity and representatives ----------------------------------

PRE_CONCERN_DISCUSSED = Weighted(
    "pre_concern_discussed", [(True, 0.72), (False, 0.18), (None, 0.10)]
)
PRE_CONCERN_VIEW = Weighted(
    "pre_concern_view", [("agreed", 0.76), ("disagreed", 0.14), ("no_view", 0.10)]
)
PRE_CONCERN_VIEW_LACKING_CAPACITY = Weighted(
    "pre_concern_view", [("agreed", 0.35), ("disagreed", 0.15), ("no_view", 0.50)]
)
AGAINST_VIEW_REASON = Weighted(
    "against_view_reason",
    [
        ("others_at_risk", 0.25),
        ("crime_public_interest", 0.20),
        ("serious_risk", 0.12),
        ("coercion", 0.15),
        ("staff_provider", 0.20),
        ("other", 0.08),
    ],
)

# Someone who can support the person (an "appropriate individual").
FAMILY_KIND = Weighted(
    "representative_kind",
    [("family_member", 0.55), ("unpaid_carer", 0.20), ("friend", 0.10), ("attorney_deputy", 0.15)],
)
SUBSTANTIAL_DIFFICULTY_WITH_CAPACITY = 0.12
APPROPRIATE_INDIVIDUAL = 0.60

CAPACITY_ASSESSED_BY = (
    "Allocated social worker",
    "Allocated social worker with the GP",
    "Community nurse",
    "Ward consultant",
    "Care home manager",
    "Mental health practitioner",
    "Best interests assessor",
)

# --- Desired outcomes --------------------------------------------------------------------

OUTCOME_COUNT = Weighted("outcome_count", [(1, 0.15), (2, 0.25), (3, 0.28), (4, 0.20), (5, 0.12)])
OUTCOME_CATEGORY = Weighted(
    "standard_outcome",
    [
        ("abuse_stop", 0.25),
        ("protect_future", 0.12),
        ("confidence", 0.07),
        ("abuser_away", 0.12),
        ("involved", 0.12),
        ("do_what_they_say", 0.06),
        ("prosecute", 0.05),
        ("support", 0.12),
        ("friends", 0.03),
        ("something_else", 0.06),
    ],
)
# Self-neglect has no one to stay away or to prosecute.
OUTCOME_CATEGORY_SELF_NEGLECT = Weighted(
    "standard_outcome",
    [
        ("abuse_stop", 0.10),
        ("protect_future", 0.15),
        ("confidence", 0.12),
        ("involved", 0.18),
        ("do_what_they_say", 0.06),
        ("support", 0.22),
        ("friends", 0.07),
        ("something_else", 0.10),
    ],
)
# A rating of one outcome in a partially achieved enquiry with several outcomes.
RATING_IN_PARTIAL = Weighted(
    "outcome_rating", [("fully", 0.45), ("partially", 0.40), ("not_achieved", 0.15)]
)

# --- Conversations and feedback ----------------------------------------------------------

CONTACT_METHOD = Weighted(
    "contact_method",
    [
        ("in_person", 0.55),
        ("phone", 0.35),
        ("video", 0.05),
        ("letter_easy_read", 0.03),
        ("other", 0.02),
    ],
)
FEEDBACK_METHOD = Weighted(
    "contact_method",
    [("in_person", 0.45), ("phone", 0.40), ("letter_easy_read", 0.10), ("video", 0.05)],
)
FEEDBACK_DECLINED = 0.10
FEEDBACK_INDEPENDENT = 0.20

# Answers to the feedback questions, by what the person said was achieved. The "goals"
# question follows achievement closely; the others less so.
_ANSWERS = {
    "fully": [
        ("yes", 0.86),
        ("partly", 0.09),
        ("no", 0.02),
        ("dont_know", 0.02),
        ("not_answered", 0.01),
    ],
    "partially": [
        ("yes", 0.48),
        ("partly", 0.36),
        ("no", 0.10),
        ("dont_know", 0.04),
        ("not_answered", 0.02),
    ],
    "not_achieved": [
        ("yes", 0.20),
        ("partly", 0.30),
        ("no", 0.40),
        ("dont_know", 0.07),
        ("not_answered", 0.03),
    ],
    None: [
        ("yes", 0.58),
        ("partly", 0.20),
        ("no", 0.10),
        ("dont_know", 0.08),
        ("not_answered", 0.04),
    ],
}
_GOALS_ANSWERS = {
    "fully": [
        ("yes", 0.92),
        ("partly", 0.05),
        ("no", 0.01),
        ("dont_know", 0.01),
        ("not_answered", 0.01),
    ],
    "partially": [
        ("yes", 0.20),
        ("partly", 0.65),
        ("no", 0.10),
        ("dont_know", 0.03),
        ("not_answered", 0.02),
    ],
    "not_achieved": [
        ("yes", 0.03),
        ("partly", 0.17),
        ("no", 0.70),
        ("dont_know", 0.06),
        ("not_answered", 0.04),
    ],
    None: [
        ("yes", 0.40),
        ("partly", 0.20),
        ("no", 0.10),
        ("dont_know", 0.15),
        ("not_answered", 0.15),
    ],
}
FEEDBACK_ANSWER = {k: Weighted("feedback_answer", v) for k, v in _ANSWERS.items()}
FEEDBACK_GOALS_ANSWER = {k: Weighted("feedback_answer", v) for k, v in _GOALS_ANSWERS.items()}

# --- Teams -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamProfile:
    """How one team works, which is what makes the teams' charts differ."""

    name: str
    slug: str
    share: float  # of all enquiries
    practitioners: tuple[tuple[str, str], ...]  # (first name, surname): invented
    msp_asked: Weighted
    msp_achieved: Weighted
    location: Weighted
    duration_median_working_days: float
    conversation_gap_working_days: tuple[int, int]
    feedback_rate: float
    advocacy_referral_rate: float  # when the duty applies
    overdue_rate: float  # open enquiries whose conversations have lapsed
    learning_disability: bool = False


def _asked(
    expressed: float, none: float, no: float, dont_know: float, not_recorded: float
) -> Weighted:
    return Weighted(
        "msp_asked",
        [
            ("asked_expressed", expressed),
            ("asked_none", none),
            ("no", no),
            ("dont_know", dont_know),
            ("not_recorded", not_recorded),
        ],
    )


def _achieved(fully: float, partially: float, not_achieved: float) -> Weighted:
    return Weighted(
        "msp_achieved", [("fully", fully), ("partially", partially), ("not_achieved", not_achieved)]
    )


TEAMS: tuple[TeamProfile, ...] = (
    TeamProfile(
        "North locality",
        "north",
        0.20,
        (
            ("Ada", "Fenwick"),
            ("Ben", "Marlow"),
            ("Cara", "Quillon"),
            ("Dev", "Ashcombe"),
            ("Ella", "Brierley"),
            ("Finn", "Tolland"),
        ),
        _asked(0.72, 0.10, 0.10, 0.03, 0.05),
        _achieved(0.66, 0.29, 0.05),
        LOCATION_LOCALITY,
        28,
        (8, 20),
        0.55,
        0.62,
        0.15,
    ),
    TeamProfile(
        "South locality",
        "south",
        0.19,
        (
            ("Gita", "Harrowby"),
            ("Huw", "Penrose"),
            ("Isla", "Carrow"),
            ("Jon", "Wetherell"),
            ("Kemi", "Oakridge"),
            ("Leo", "Strand"),
        ),
        _asked(0.82, 0.08, 0.05, 0.02, 0.03),
        _achieved(0.78, 0.20, 0.02),
        LOCATION_LOCALITY,
        26,
        (6, 15),
        0.75,
        0.80,
        0.08,
    ),
    TeamProfile(
        "East locality",
        "east",
        0.18,
        (
            ("Mina", "Larkspur"),
            ("Ned", "Calloway"),
            ("Oona", "Bexley"),
            ("Pip", "Dunmore"),
            ("Quin", "Fairley"),
        ),
        _asked(0.52, 0.13, 0.20, 0.05, 0.10),
        _achieved(0.45, 0.42, 0.13),
        LOCATION_LOCALITY,
        35,
        (12, 30),
        0.30,
        0.40,
        0.35,
    ),
    TeamProfile(
        "West locality",
        "west",
        0.18,
        (
            ("Rhys", "Gallant"),
            ("Sade", "Whitmore"),
            ("Tom", "Hollins"),
            ("Uma", "Kestrel"),
            ("Vic", "Pennock"),
        ),
        _asked(0.70, 0.11, 0.11, 0.03, 0.05),
        _achieved(0.66, 0.29, 0.05),
        LOCATION_LOCALITY,
        28,
        (8, 20),
        0.55,
        0.62,
        0.15,
    ),
    TeamProfile(
        "Hospital team",
        "hospital",
        0.12,
        (
            ("Wyn", "Ellery"),
            ("Yara", "Moston"),
            ("Zac", "Ruddock"),
            ("Abi", "Thorne"),
        ),
        _asked(0.66, 0.12, 0.12, 0.04, 0.06),
        _achieved(0.62, 0.32, 0.06),
        LOCATION_HOSPITAL,
        20,
        (5, 12),
        0.45,
        0.60,
        0.12,
    ),
    TeamProfile(
        "Learning disability team",
        "ld",
        0.13,
        (
            ("Bo", "Lindqvist"),
            ("Cy", "Mabbott"),
            ("Di", "Farrant"),
            ("Eli", "Sowerby"),
        ),
        _asked(0.72, 0.10, 0.10, 0.03, 0.05),
        _achieved(0.66, 0.29, 0.05),
        LOCATION_LEARNING_DISABILITY,
        32,
        (8, 20),
        0.55,
        0.75,
        0.15,
        learning_disability=True,
    ),
)

TEAM_PICK = Weighted("team", [(i, t.share) for i, t in enumerate(TEAMS)])

# (username, display name, slugs of the teams covered): supervisors cover one to three teams.
SUPERVISORS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("jo.supervisor", "Jo Aldermoor", ("north", "east")),
    ("kit.supervisor", "Kit Bramwell", ("south", "west")),
    ("lou.supervisor", "Lou Cheverton", ("hospital",)),
    ("max.supervisor", "Max Dorrington", ("ld", "hospital", "west")),
)
ADMINISTRATOR = ("admin", "Demo administrator")
COMMISSIONER = ("commissioner", "Demo commissioner")
EMAIL_DOMAIN = "demo.invalid"  # a reserved domain: no mail can ever be delivered


def practitioner_username(first_name: str, team_slug: str) -> str:
    return f"{first_name.lower()}.{team_slug}"


def national_share(team_weighted: str, code: str) -> float:
    """The all-teams share of a code in a team-level table ('msp_asked' or 'msp_achieved')."""
    return sum(t.share * getattr(t, team_weighted).share(code) for t in TEAMS)
