"""The role review's questions and answer options: plain data shared by the form (which asks
them) and the recommendation rules (which read the answers). No Django here, so the rules stay
a pure function.

The wording is our own, after the self-reflection questions of seed 003 (what are you most at
ease with; do shipped features or people growing energise you more) and seed 004's "give it a
year" (do you enjoy people management at all).
"""

from __future__ import annotations

# How much do you enjoy the people side of the job? Five points, each label describing what
# the manager does or feels rather than how much they agree with a statement.
ENJOYMENT_LABELS: dict[int, str] = {
    1: "Not at all: it drains me and I put it off when I can",
    2: "Rarely: I do it because it has to be done",
    3: "Some weeks yes, some weeks no",
    4: "Mostly: it is a good part of my week",
    5: "Very much: it is the best part of the job",
}
ENJOYMENT_MIN, ENJOYMENT_MAX = min(ENJOYMENT_LABELS), max(ENJOYMENT_LABELS)

# What energises you, and what drains you: one list for both, so the two answers can be read
# against each other.
ENERGY_SOURCES: dict[str, str] = {
    "shipping": "Shipping features and seeing them used",
    "coding": "Writing code myself",
    "hard_problems": "Solving hard technical problems",
    "design": "Technical design and architecture",
    "people_growing": "Seeing people on the team grow",
    "one_to_ones": "1:1s, coaching and feedback",
    "hiring": "Hiring and building the team",
    "delivery": "Planning and getting things delivered",
    "stakeholders": "Working with product and other teams",
    "incidents": "Incidents and firefighting",
}
# The sources that are the people side of the job, and the ones that are the engineering side.
PEOPLE_SOURCES = ("people_growing", "one_to_ones", "hiring")
ENGINEERING_SOURCES = ("shipping", "coding", "hard_problems", "design")

# Which responsibilities would you give up if you could?
RESPONSIBILITIES: dict[str, str] = {
    "coding": "Hands-on coding",
    "technical_leadership": "Technical leadership and design",
    "one_to_ones": "1:1s and coaching",
    "hiring": "Hiring",
    "delivery": "Process and delivery",
    "stakeholders": "Stakeholder management",
    "on_call": "On-call and incidents",
}
GIVE_UP_NONE = "none"
GIVE_UP_NONE_LABEL = "None of them: I would keep them all"

# What do you want next?
WANTS_NEXT: dict[str, str] = {
    "keep": "Keep this role as it is",
    "more_people": "More people leadership",
    "more_technical": "More technical work",
    "back_to_ic": "Back to the individual-contributor track",
}

TEXT_MAX = 1000  # characters kept of any one typed answer

# The keys a stored answer set holds.
ANSWER_KEYS = (
    "enjoy_people",
    "energises",
    "energises_other",
    "drains",
    "drains_other",
    "give_up",
    "wants_next",
    "notes",
)
MULTIPLE_ANSWER_KEYS = ("energises", "drains", "give_up")


def labels_of(values: list[str], options: dict[str, str]) -> list[str]:
    """The labels of the chosen values, in the order the options are listed."""
    return [label for value, label in options.items() if value in values]


def joined(labels: list[str]) -> str:
    """'a', 'a and b', 'a, b and c', in lower case after the first word of a sentence."""
    words = [label[0].lower() + label[1:] if not label.startswith("1:1") else label for label in labels]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
