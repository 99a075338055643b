"""Invented free text for the synthetic data: desired outcomes in the person's own words,
conversation notes and feedback comments. Nothing here comes from a real case.

Texts are rendered once into tuples (`OwnWords`, `Texts`) so the generator only picks an index.
"""

from __future__ import annotations

from itertools import product

# Who the risk came from, as the person might say it, by source of risk. Self-neglect has a
# group of its own ("self").
ABUSERS = {
    "known": (
        "my son",
        "my daughter",
        "my nephew",
        "my neighbour",
        "my lodger",
        "my partner",
        "my grandson",
        "my brother",
        "him",
        "her",
    ),
    "unknown": (
        "the people who keep ringing me",
        "the man who came to the door",
        "the people online",
        "the lads outside",
    ),
    "service_provider": ("the carers", "the night staff", "the agency", "the staff", "the workers"),
    "self": ("",),
}
SOURCE_GROUPS = tuple(ABUSERS)

# First-person templates by category; "{a}" is who the risk came from. A template listed
# under a group is only used for that group; "*" templates are used for every group.
_PERSON: dict[str, dict[str, tuple[str, ...]]] = {
    "abuse_stop": {
        "*": (
            "I just want it all to stop",
            "I want to stop being frightened",
            "I want to feel safe again",
            "I want to be able to sleep at night without worrying",
        ),
        "known": (
            "I want {a} to stop taking my money",
            "I want {a} to stop shouting at me",
            "I want {a} to stop taking my pension",
            "I want to feel safe when {a} comes round",
            "I want {a} to stop hurting me",
        ),
        "unknown": (
            "I want {a} to leave me alone",
            "I want to feel safe answering the door again",
            "I want to stop getting those phone calls",
        ),
        "service_provider": (
            "I want {a} to treat me gently",
            "I want {a} to stop rushing me",
            "I want {a} to turn up when they should",
            "I want to be washed and dressed properly every morning",
            "I want {a} to speak to me kindly",
        ),
        "self": (
            "I want my home to be warm and safe",
            "I want to be safe at home without anyone taking over",
            "I want to stop falling",
        ),
    },
    "protect_future": {
        "*": (
            "I want to know what to do if it happens again",
            "I want to learn how to keep myself safe",
            "I want someone I can ring if I am worried",
            "I want to spot it sooner next time",
        ),
        "known": (
            "I want help to manage my own money so {a} can't get at it",
            "I want to be able to say no to {a}",
        ),
        "unknown": (
            "I want a call blocker on my phone",
            "I want to know who is safe to let in",
            "I want help to know which emails are scams",
        ),
        "service_provider": (
            "I want to be able to complain without it making things worse",
            "I want to know who to tell if {a} do it again",
        ),
        "self": (
            "I want help to keep on top of things at home",
            "I want someone to check in on me now and then",
        ),
    },
    "confidence": {
        "*": (
            "I want to feel like myself again",
            "I want to feel confident going out on my own",
            "I want to get my confidence back",
            "I want to stop feeling it was my fault",
            "I want to be able to speak up for myself",
        ),
    },
    "abuser_away": {
        "*": ("I don't want to see them again",),
        "known": (
            "I want {a} to stay away from me",
            "I want {a} to move out",
            "I don't want {a} coming to the house",
            "I want {a} to stop turning up at my flat",
        ),
        "unknown": (
            "I want {a} to stay away from me",
            "I want {a} to stop coming round",
        ),
        "service_provider": (
            "I don't want that carer to come to me any more",
            "I want a different carer",
            "I want {a} from that agency kept away from me",
        ),
    },
    "involved": {
        "*": (
            "I want to be told what is going on",
            "I want to be part of any decisions about me",
            "I want to be at the meetings",
            "I want to have a say in what happens next",
            "I want you to ask me before you do anything",
            "I want to decide for myself",
        ),
    },
    "do_what_they_say": {
        "*": (
            "I want people to do what they say they will",
            "I want people to ring me back when they say they will",
            "I want the promises kept this time",
            "I want someone to follow it through",
        ),
    },
    "prosecute": {
        "*": ("I want the police to deal with it", "I want whoever did it to be punished"),
        "known": ("I want {a} to be charged", "I want the police to take {a} to court"),
        "unknown": ("I want the police to catch {a}", "I want {a} to be prosecuted"),
        "service_provider": (
            "I want the police to prosecute the carer",
            "I want the person who hurt me to be charged",
        ),
    },
    "support": {
        "*": (
            "I want help with my shopping and cleaning",
            "I want some support at home",
            "I want to see someone about how I am feeling",
            "I want help to sort out my money",
            "I want help to get my benefits sorted",
            "I want a carer I can trust",
            "I want to go to the day centre again",
        ),
    },
    "friends": {
        "*": (
            "I want to make some friends",
            "I want people to talk to",
            "I want to join a group",
            "I want to get out of the house and meet people",
        ),
    },
    "something_else": {
        "*": (
            "I want to stay living in my own home",
            "I want my money paid back",
            "I want to move to a different care home",
            "I want my daughter to be told what is happening",
            "I don't want anyone to get into trouble",
            "I want to keep seeing my grandchildren",
            "I want my dog to stay with me",
            "I want to go back to my own flat",
            "I want an apology",
        ),
    },
}

# Third-person templates for outcomes expressed by a representative; "{p}" is him/her/them.
_REPRESENTATIVE: dict[str, tuple[str, ...]] = {
    "abuse_stop": (
        "We want {p} to be safe and for this to stop",
        "For {p} to be safe where they live",
        "We want {p} to be looked after properly",
    ),
    "protect_future": (
        "We want things in place so it can't happen to {p} again",
        "For someone to keep an eye on {p}",
    ),
    "confidence": ("We want {p} to feel settled again", "For {p} to feel less anxious"),
    "abuser_away": (
        "We want the person who did this kept away from {p}",
        "For {p} not to have contact with them",
    ),
    "involved": (
        "We want to be kept informed and for {p} to be included",
        "For {p} to be involved as much as possible",
    ),
    "do_what_they_say": ("We want the agreed actions to actually happen",),
    "prosecute": ("We want the police to take action", "For whoever hurt {p} to be charged"),
    "support": ("We want {p} to get the right care", "For {p} to have a proper care package"),
    "friends": ("For {p} to have more company", "We want {p} to get out and meet people"),
    "something_else": (
        "We want {p} to stay in the home they know",
        "For {p} to move somewhere safer",
        "We want {p}'s money put back",
    ),
}
PRONOUNS = {"female": "her", "male": "him", "not_known": "them"}


def _render_person(category: str, group: str) -> tuple[str, ...]:
    by_group = _PERSON[category]
    templates = by_group.get("*", ()) + by_group.get(group, ())
    texts = []
    for template in templates:
        for abuser in ABUSERS[group] if "{a}" in template else ("",):
            if "{a}" in template and not abuser:
                continue
            texts.append(template.format(a=abuser))
    return tuple(dict.fromkeys(texts))


# OWN_WORDS[category][group] and REPRESENTATIVE_WORDS[category][gender]: tuples to pick from.
OWN_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    category: {group: _render_person(category, group) for group in SOURCE_GROUPS}
    for category in _PERSON
}
REPRESENTATIVE_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    category: {g: tuple(t.format(p=p) for t in templates) for g, p in PRONOUNS.items()}
    for category, templates in _REPRESENTATIVE.items()
}

ACHIEVABILITY_EXPLANATIONS = {
    "prosecute": (
        "The police looked into it and there is not enough evidence to charge anyone. "
        "We talked about what else can keep them safe.",
        "The police have decided to take no further action. Explained why and what other "
        "options there are.",
        "The Crown Prosecution Service will not go ahead. Talked this through and agreed "
        "other outcomes.",
    ),
    "abuser_away": (
        "The person lives in the same house and has a right to stay; we cannot make them "
        "leave. Talked about other ways to feel safe.",
        "No legal way to stop contact at present. Explained and agreed a safety plan.",
    ),
    "*": (
        "This is outside what the council can do. Explained why and agreed what we can do instead.",
        "Not possible within the enquiry. Talked it through and they understood.",
        "Other agencies have said no. Explained the reasons and the next steps.",
    ),
}
PARTLY_EXPLANATIONS = (
    "Some of this can be done now; the rest depends on other agencies.",
    "We can help with part of this. Talked about what is realistic.",
)

REWORD_NOTES = (
    "Reworded in the person's own words after talking it through",
    "The person wanted to put it differently",
    "Changed after the meeting; the person's wish is clearer now",
)
WITHDRAW_NOTES = (
    "The person no longer wants this",
    "Withdrawn at the person's request",
    "No longer needed after they moved",
    "The person decided not to go ahead with this",
)
RATED_NOTES = (None, "Rated with the person at the final visit", "Rated with the person by phone")
ACHIEVABILITY_NOTES = ("Achievability talked through", "Assessed with the person")

PERSON_VIEWS = {
    "fully": (
        "I feel much safer now",
        "Things are a lot better, thank you",
        "I got what I wanted",
        "I feel listened to",
    ),
    "partially": (
        "It is better than it was but I still worry",
        "Some things have changed, not everything",
        "I am happier but not completely",
    ),
    "not_achieved": (
        "Nothing has really changed",
        "I am still worried",
        "I wanted more to happen",
    ),
}
ACHIEVED_REASONS = {
    "partially": (
        "Some outcomes depended on other agencies",
        "One outcome could not be achieved; the others were",
        "Safety improved but contact with the family member continues",
    ),
    "not_achieved": (
        "The outcomes depended on a police decision that went the other way",
        "The person moved away before the actions were completed",
        "The provider did not make the agreed changes in time",
    ),
}
FEEDBACK_COMMENTS = {
    "fully": (
        "Everyone was very kind and kept me informed",
        "I felt listened to the whole way through",
        "Thank you for all your help",
    ),
    "partially": (
        "It took a long time but things are better",
        "I wish it had been sorted sooner",
        "Good support but I am still a bit worried",
    ),
    "not_achieved": (
        "I did not feel anything really changed",
        "I was not kept up to date",
        "Nobody rang me back when they said they would",
    ),
    None: ("No comments", "Fine, thank you", "It was all a bit confusing"),
}
DECLINED_COMMENTS = (None, "Did not want to give feedback", "Said they would rather not")

CAPACITY_DECISIONS = (
    "Whether to take part in the safeguarding enquiry",
    "Whether to agree to a protection plan",
    "Whether to share information with the police",
    "Where to live while the enquiry goes on",
    "Whether to accept care and support at home",
    "Managing their own money",
)
AGAINST_VIEW_OTHER = (
    "Concern raised as part of a wider review of the provider",
    "Multi-agency decision after a related incident",
)

REPRESENTATIVE_DETAILS = {
    "family_member": (
        "Daughter, visits most days",
        "Son, lives nearby",
        "Niece, main contact",
        "Sister",
    ),
    "unpaid_carer": (
        "Husband and main carer",
        "Wife and main carer",
        "Neighbour who helps every day",
    ),
    "friend": ("Long-standing friend", "Friend from church", "Friend from the day centre"),
    "attorney_deputy": (
        "Lasting power of attorney for health and welfare",
        "Deputy for property and affairs",
    ),
    "care_act_advocate": ("Care Act advocate from the local advocacy service",),
    "imca": ("IMCA from the local advocacy service",),
    "other": ("Support worker chosen by the person",),
}

# Conversation notes: a first sentence and a second sentence per stage; every pairing is used.
_SUMMARY_PARTS = {
    "before_concern": (
        (
            "Talked about raising a safeguarding concern.",
            "Explained what a safeguarding concern is and what happens next.",
            "Discussed the worries before making a referral.",
        ),
        (
            "Their views are recorded.",
            "They understood why the concern is being raised.",
            "They asked to be kept informed.",
        ),
    ),
    "start": (
        (
            "First visit for the enquiry.",
            "Introduced myself and explained the enquiry.",
            "Talked about what they want to happen.",
            "Met at home to start the enquiry.",
        ),
        (
            "Recorded their desired outcomes in their own words.",
            "Agreed how and when we will keep in touch.",
            "Talked about who else should be involved.",
            "Checked they understood and were happy to go ahead.",
        ),
    ),
    "during": (
        (
            "Update on the enquiry.",
            "Went through progress with the provider.",
            "Talked about the police response.",
            "Reviewed the safety plan.",
            "Checked how things have been since the last visit.",
        ),
        (
            "Went back over the outcomes they want.",
            "They are feeling a bit more settled.",
            "They still have some worries, which we talked through.",
            "Agreed the next steps together.",
        ),
    ),
    "conclusion": (
        (
            "Final visit to close the enquiry.",
            "Talked about what has changed.",
            "Went through each outcome and how far it was met.",
        ),
        (
            "Asked for their feedback on how it went.",
            "They are happy for the enquiry to close.",
            "Explained who to contact if worried in future.",
        ),
    ),
    "after": (
        ("Follow-up call after the enquiry closed.", "Checked in after closure."),
        ("No new concerns.", "Things are settled.", "Passed details of local support groups."),
    ),
}
SUMMARIES = {
    stage: tuple(f"{a} {b}" for a, b in product(first, second))
    for stage, (first, second) in _SUMMARY_PARTS.items()
}
NEXT_STEPS = {
    "before_concern": ("Raise the concern today", "Tell them what the council decides"),
    "start": (
        "Visit again next week",
        "Speak to the provider",
        "Ask the GP for information",
        "Arrange a meeting with the family",
        "Refer for a benefits check",
    ),
    "during": (
        "Review again in two weeks",
        "Chase the police for an update",
        "Meeting with the provider next week",
        "Confirm the new care package",
        "Phone next Friday",
    ),
    "conclusion": ("Close the enquiry", "Independent feedback call in a few weeks", None),
    "after": (None,),
}

SUPERVISION_REFLECTIONS = (
    "Talked about how the person's wishes shaped the plan.",
    "Reflected on balancing risk with what the person wants.",
    "Discussed the family dynamics and the person's own view.",
)
SUPERVISION_ACTIONS = (
    "Arrange a joint visit.",
    "Check the advocacy referral has been made.",
    "Go back to the person about the outcome that cannot be met.",
)
SUPERVISION_LESSONS = (
    None,
    "Ask about outcomes earlier.",
    "Record the explanation when an outcome cannot be achieved.",
)

DELETED_REASONS = (
    "Entered in error: duplicate of another enquiry",
    "Entered in error: recorded against the wrong person",
)

# Preferred names: an invented, short list; some people are known only by initials.
PREFERRED_NAMES = {
    "female": ("Ros", "Mags", "Bet", "Nell", "Dot", "Vi", "Liz", "Sal", "Kit", "Jen", "Flo", "Peg"),
    "male": ("Reg", "Stan", "Alf", "Bert", "Ted", "Sid", "Len", "Ray", "Kev", "Des", "Vic", "Mo"),
    "not_known": ("Sam", "Jo", "Alex", "Charlie"),
}
INITIALS_LETTERS = "ABCDEFGHJKLMNPRSTW"
