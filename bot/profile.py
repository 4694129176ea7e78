"""Reading a user's profile from any message: the form's answers, an opening
statement, a correction. Plain Python, no Rasa.

One entry point, `extract_profile(store, text, entities=None, asked=None)`,
returns slot name -> canonical value (the values are documented at the top of
bot/recommendation.py) for what the text states, and nothing else. `asked` is
the slot whose question was just asked, so a bare "none", "either one", "50"
or "not sure" is read as the answer to it.

How a message is read:
- it is cut into sentences (. ; ! ? newline) and clauses (commas, colons,
  "but", "however", "except", "and" before a new subject);
- store aliases (industries, customer types, frameworks) are found with their
  positions; a mention is negated when a negation ("no", "not", "none",
  "never", "nothing for", "don't", "non", "without", ...) precedes it in the
  same clause with no "only" / "just" / "mainly" in between;
- frameworks in a clause with a requirement verb ("require", "ask for",
  "mandate", "need") are requirements, with a holding verb ("have", "hold",
  "already", "certified") certifications; a clause without a verb continues
  the previous clause of its sentence ("some RFPs ask for CMMI, a few for ISO
  9001");
- a requirement sentence that is negated and names no framework ("none of them
  require anything yet") records the requirement "none"; customers that are
  only negated government or defense ("not government") record "commercial".
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Iterator, Optional

from bot.store import KnowledgeStore

UNKNOWN = "unknown"
NONE = "none"
EITHER = "either"
SOFTWARE = "software"
# A "no" answers the question asked only in a message this short.
BARE_NONE_WORDS = 4
# "kind of both?", "dunno, either?": a reply this short that ends with "?" is a hedged answer
HEDGED_WORDS = 4
# Frameworks a profile can require or hold: the three of the decision, and the
# industry standards people hold instead of (or built on) ISO 9001.
# ISO 27001 and ISO/IEC 20000 change no recommendation, but a user who names them has answered
# the certification question ("we only have 27001") and is not asked it again
FRAMEWORK_CHOICES = (
    "cmmi",
    "iso9001",
    "as9100",
    "iatf16949",
    "tl9000",
    "iso13485",
    "iso27001",
    "iso20000",
    "aspice",
    "cmmc",
)
GOVERNMENT = {"defense", "federal"}

TIMELINES = ("urgent", "within_year", "flexible")
GOALS = ("market_access", "process_maturity", "customer_satisfaction")


def norm(text: object) -> str:
    return " ".join(str(text or "").lower().split())


def keys_of(value: object) -> list[str]:
    return [k for k in str(value or "").split(",") if k]


# -- phrases -----------------------------------------------------------------
_SKIP_WORDS = (
    r"skip|pass|not sure|unsure|no idea|don'?t know|do not know|dunno|not certain|no clue|idk|n/?a|"
    r"unknown|whatever|next|no preference|doesn'?t matter|can'?t say|hard to say|(?:it )?depends"
)
# "timeline: whatever, no idea": after the name of what is asked
_SKIP = re.compile(rf"^\s*(?:[a-z ]{{2,20}}:\s*)?(?:i\s+)?(?:{_SKIP_WORDS})\b", re.I)
_SKIP_ANYWHERE = re.compile(rf"\b(?:{_SKIP_WORDS})\b")
# "none that i know of", "none i think": a hedge beside a short no
_HEDGE = re.compile(r"\b(?:that i know of|as far as i know|afaik|i think|i guess|i believe)\b")
_BARE_NONE = re.compile(
    r"^\s*(?:none|no|nope|nah|nothing|neither|no one|nobody|not yet|not really|zero|0|none yet|not any|"
    r"no requirements?|nothing yet|none of (?:them|those|these)|neither of (?:them|those|these))\b",
    re.I,
)

# Phrases that contain a negation word but are not a negation of what follows.
_NOT_NEGATION = re.compile(
    rf"\b(?:{_SKIP_WORDS}|no rush|no hurry|not urgent|no pressure|no deadline|no time pressure|not only|"
    r"no matter|non-stop|not (?:even |really |quite |totally |entirely )?(?:sure|certain)|"
    r"not what (?:i|we) (?:asked|meant|said|wanted|wrote)|not \d+|"
    r"(?:don'?t|do not) (?:really |even )?know|"
    # "you didnt answer. is CMMI the same as CMMC yes or no?" says nothing of contracts
    r"yes or no|(?:didn'?t|did not|don'?t|do not|never) (?:answer\w*|get (?:it|me)|understand\w*|listen\w*|read\w*))\b"
)
_NEGATION = re.compile(
    r"\b(?:no|not|none|never|nothing|neither|nor|without|non|nobody|zero|nope|nah|dont|doesnt|arent|isnt|"
    r"wont|havent|hasnt|didnt|cannot)\b|n't\b"
)
_FUTURE = re.compile(
    # "next year", not a deadline "by end of next year"
    r"\b(?:(?<!\bby )(?<!\bend of )(?<!\bwithin )next year|"
    r"in (?:the )?future|later on|eventually|someday|one day|before seeking|what if|in case|"
    r"if\b[^.?!]{0,40}\blater|(?:want|wants|plan|plans|planning|hope|hoping|aim|aiming|going|would like)(?: to)? "
    r"(?:go|move|expand|grow|get into|sell|reach|target|enter|approach|start)\b|"
    # "better processes before we go after enterprise customers"
    r"before (?:we |you |i )?"
    r"(?:go|going|move|moving|expand\w*|target\w*|approach\w*|pursu\w+|chas\w+|sell\w*|bid\w*)\b)"
)
# "a distributor asked if we should", "client ask do we have iso": a question, not a requirement
_ASKED_WHETHER = re.compile(
    r"\bask(?:s|ed|ing)?\s+(?:us\s+|me\s+)?['\"“]?(?:if|whether|do|does|did|are|is|have|can|could|should|shall|which|what)\b|"
    r"\bask(?:s|ed|ing)?\b[^.?!,]{0,30}\b(?:if|whether)\b"
)
# "no certs", "without any certification", "none of the certificates" (not "not a
# deadline for certification")
_NO_CERTIFICATES = re.compile(
    r"\b(?:no|not any|without(?: any)?|zero|none|none of (?:the|our)|don'?t have any|do not have any|"
    r"haven'?t got any)\s+"
    r"(?:\w+\s+)?cert(?:s|ificat\w*|ification\w*)?\b|\bcert(?:s|ificat\w*|ification\w*)?\s*:?\s*(?:none|no)\b"
)
# "my boss keeps saying 'cmmi certified'", "my question is about cmmi": neither holds anything
# "i didnt ask that", "i didnt say they require it": about the conversation, not the contracts
_NOT_WHAT_I_SAID = re.compile(
    r"\bi (?:didn'?t|did not|never|don'?t|do not) (?:ask|say|said|mean|write|wrote)\b|"
    r"\bi (?:was )?ask(?:ed|ing) (?:you )?(?:about|for|how|what|the|whether|if|which)\b|"  # "I asked about COST"
    r"\b(?:not|isn'?t) what i (?:want|wanted|need|needed|meant|mean|ask|asked|said|say)\b"  # "that's not what I want"
)
# "we need to pick between cmmi and iso9k": the choice asked for, nothing required or held
_CHOOSING = re.compile(
    r"\b(?:pick\w*|choos\w*|chose|decid\w*|select\w*|compar\w*|torn)\b[^.?!]{0,10}\b(?:between|among)\b"
)
# "we dont know if the rfp requires cmmi or iso": what is required, not known yet
_REQUIREMENT_UNKNOWN = re.compile(
    r"\b(?:(?:don'?t|do not|dont) (?:yet |really |even )?know|not sure|unsure|no idea)\b[^.?!]{0,15}"
    r"\b(?:if|whether|what|which)\b"
)
# The user buys: what they would ask of bidders says nothing of their own organization
_BUYER = re.compile(
    r"\bbidders?\b|\b(?:we are|we're|i am|i'm|as) (?:the|a) (?:buyer|client|purchaser|procurement)\b|"
    r"\bprocurement (?:officer|team|department|lead|manager)\b|\b(?:work|am|are) in (?:public )?procurement\b|"
    r"\b(?:require|demand|ask|expect)\w* (?:\w+ )?(?:from |of )?(?:our |the )?(?:vendors|suppliers|contractors)\b|"
    # "help me choose which one to ask for", "we are not the ones getting certified"
    r"\b(?:which|what)(?: one| standard| framework| certification)? (?:to|should we|do we|shall we|can we) "
    r"(?:ask|require|demand)(?: for| from| of)?\b|\bnot the ones (?:getting|being|who get) certified\b|"
    r"\b(?:selecting|choosing|evaluating|vetting) (?:a |the |our )?(?:\w+ )?(?:vendors?|suppliers?|contractors?)\b|"
    # "we're buying software from a vendor who claims cmmi level 3": the industry is the vendor's
    r"\b(?:buying|purchasing|procuring|sourcing|outsourcing)\b(?: \w+){0,4} (?:from|to) (?:a|an|the|some|two|three)? ?"
    r"(?:\w+ )?(?:vendors?|suppliers?|contractors?|providers?|firms?|compan(?:y|ies))\b"
)
# "our investor wants us to get cmmi ml3": a wish inside the company, not a contract's requirement
_INTERNAL_WISH = re.compile(
    r"\b(?:investors?|board|ceo|cto|coo|founders?|co-?founders?|management|owners?|shareholders?|vcs?)\b"
    r"[^.?!,]{0,15}\b(?:wants?|wanted|asks?|asked|requir\w*|demand\w*|insist\w*|expect\w*|push\w*)\b"
)
_I_HEARD = re.compile(r"\b(?:i|we) (?:heard|read|was told|were told|have heard|'ve heard)\b")
_NOT_A_STATEMENT_OF_OURS = re.compile(
    rf"{_I_HEARD.pattern}|"  # "i heard you can get cmmi in 6 weeks"
    r"(?<!\bi )(?<!\bwe )\b(?:keeps? saying|keeps? calling|says?|said|saying|claims?|claiming|thinks?)\b|"
    r"\b(?:question|questions|asking|asked|talking|talk|ask) (?:is |was |are )?(?:about|regarding)\b"
)
# ...unless someone without a say in the contract says it ("my colleague says DoD requires CMMI")
_HEARSAY = re.compile(
    r"\b(?:boss|colleague|coworker|co-worker|friend|partner|consultant|someone|somebody|people|he|she|they|"
    r"internet|google|chatgpt|article|blog|forum|linkedin|sales ?guy|sales ?(?:man|men|person|people|rep)|vendor)\b"
    r"[^.?!,]{0,15}\b(?:says?|said|claims?|told|tells?)\b"
)
# "tenders ask either cmmi l3 or iso 9001", "cmmi OR iso, not both": one of them will do
_ONE_OF_THEM = re.compile(
    r"\beither\b|\bnot both\b|\bone or the other\b|\bwhichever\b|"
    r"\b(?:cmmi|iso|9001|as9100)\b(?: ?(?:l|level|ml) ?[2-5])?(?: 9001)? or (?:an? )?(?:cmmi|iso|9001|as9100)\b"
)
# Customers named by what they are: companies of some kind are commercial customers
_BUSINESSES = re.compile(
    r"\b(?:compan(?:y|ies)|firms?|businesses|brands|oems?|manufacturers|makers|retailers|chains|"
    r"corporates?|startups|distributors|wholesalers)\b"
)
# "iso is a maybe", "cmmi not sure": asked about, not known to be required
_UNSURE_IF_REQUIRED = re.compile(
    r"\b(?:not sure|unsure|dunno|don'?t know|do not know)\b[^.?!]{0,30}\b(?:required|requirement|mandatory|a must|"
    r"nice to have|optional)\b"
)
_UNSURE = re.compile(r"\b(?:maybe|perhaps|possibly|might|not sure|unsure|unclear|a maybe|dunno|not certain)\b")
_RESET = re.compile(r"\b(?:only|just|solely|exclusively|purely|mainly|mostly|primarily|instead|rather|apart from)\b")

# "the tender says iso 9001 or equivalent": the contract document states a requirement
_DOCUMENT_SAYS = (
    r"(?:tenders?|rfps?|rfqs?|contracts?|solicitations?) (?:says?|said|mentions?|mentioned|lists?|listed|states?)"
)
_REQUIRE = re.compile(
    r"\b(?:requir\w*|mandat\w*|demand\w*|need\w*|wants?|wanted|ask(?:s|ed|ing)?(?: for| about)?|insist\w*|must have|"
    r"must be|must hold|has to be|have to be|"
    rf"call(?:s|ed)? for|expect\w*|specif\w*|prerequisite|eligib\w*|{_DOCUMENT_SAYS})\b"
)
_REQUIRE_STRONG = re.compile(
    rf"\b(?:requir\w*|mandat\w*|demand\w*|ask(?:s|ed|ing)?(?: for)?|expect\w*|insist\w*|{_DOCUMENT_SAYS}|"
    r"wants? (?:us|you|them|suppliers) to (?:have|get|hold|be))\b"
)
_HOLD = re.compile(
    # "have" as an auxiliary ("nobody has ever mentioned CMMI") holds nothing
    r"\b(?:(?:have|has|had)(?!\s+(?:ever\s+|never\s+|not\s+|already\s+|just\s+)?[a-z]+(?:ed|en)\b)|"
    r"hold\w*|having|already|certified|got|maintain\w*|registered|achieved|carry|possess|we've|we're iso)\b"
)
_HOLD_STRONG = re.compile(
    r"\b(?:already|certified|registered|we hold|we have|we've got|we've|we maintain|"
    r"we are iso|we're iso)\b"
)
# Someone else's certificate or rating: "the founder's former employer had CMMI level 3"
_SOMEONE_ELSE = re.compile(
    r"\b(?:a|an|another|the|their|his|her|other|some|our|my)\s+(?:\w+\s+)?(?:company|companies|firm|employer|"
    r"client|customer|vendor|supplier|competitor|partner|prime|bidder|subcontractor)s?\b|"
    r"\b(?:he|she|founder|bidder|competitor|competitors)\b"
)
# A rating or certificate that was held and is not any more
_IN_PROGRESS = re.compile(
    r"\b(?:in progress|working (?:on|towards?)|preparing(?: for)?|underway|under way|pending|in the works|"
    r"not (?:yet )?(?:certified|done|finished)|not there yet|on the way|audit (?:is )?(?:in|next|coming|scheduled))\b"
)
_LAPSED = re.compile(
    r"\b(?:expired|lapsed|ran out|run out|no longer valid|not valid any ?more|let it go)\b|"
    r"\b(?:let (?:it|them) (?:lapse|expire)|lapse|used to (?:have|hold|be)|never renewed|not renewed|didn'?t renew|"
    r"expired? (?:in|since|back in) (?:19|20)\d\d|"
    r"did not renew|no longer (?:certified|hold|have))\b|"
    r"\bhad\b[^.;!?]*\bbut\b[^.;!?]*\b(?:didn'?t|did not|never|not)\b"
)
_HOLDS_NOW = re.compile(
    r"\b(?:yes|valid|current|active|hold|holds|have|has|we'?re certified|are certified|is certified|still)\b"
)
_WISHED = re.compile(
    r"\b(?:hopes?|hoping|wish\w*|would like to|want to say|wants to say|plan to have|by then|"
    r"once we|when we|after we|if we)\b"  # "once we have ML3 isnt iso redundant?"
)
_FIRST_PERSON_WORD = re.compile(r"\b(?:we|our|us|i|my|we're|we've|ours)\b")
# "CMMI is a plus, not mandatory": asked for, but not required
_OPTIONAL = re.compile(
    r"\b(?:a plus|nice to have|nice-to-have|optional|bonus|an advantage|differentiator|preferred|preferabl\w*|"
    r"ideally|would be nice|if possible|appreciat\w*|welcomed?|valued|prospects?|surveys?|questionnaires?|"
    r"scored|scores|scoring|extra points|points for|weighted|sometimes|occasionally|now and then|"
    r"not (?:a )?(?:really|strictly|actually|hard|strict|firm|formal|real) "
    r"(?:mandatory|required|a must|must|compulsory|requirement))\b"
)
# "RFPs mention CMMI, not mandatory": asked for but optional; "cmmi not required by anyone": not required
_NOT_REQUIRED = re.compile(r"\bnot (?:a )?(?:mandatory|required|a must|must|compulsory|requirement)\b")
# Models with levels of their own: a level after their name is theirs
_LEVELED_MODELS = {"aspice", "cmmc"}

# "i dont want a consultant", "don't call me": about the consultancy, not contracts
_ABOUT_CONSULTANT = re.compile(r"\b(?:consultants?|consultancy|call (?:me|us)|contact (?:me|us))\b")
# "recompetes coming next year explicitly require CMMI ML3": required ahead, no "if"
# "our biggest client will require CMMI ML3 from vendors next year": a requirement already announced
_REQUIRED_AHEAD = re.compile(
    r"^(?!.*\b(?:if|in case|what if|maybe|might)\b).*\b(?:(?:explicitly|strictly|definitely) requir\w*|"
    r"(?:will|'ll|is going to|are going to|plan to|plans to) (?:require|mandate|demand|make\b[^.?!]{0,20}\bmandatory))"
)

# "required - not 'preferred'", "mandatory not optional": no qualifier of the requirement
_NOT_OPTIONAL = re.compile(r"\bnot\s+(?:just\s+)?['\"“‘]?(?:a plus|nice to have|optional|preferred|a bonus)\b")

# "nobody asked us for it": the framework named before
_HELD_PRONOUN = re.compile(
    r"\b(?:we|we've|we already)\s+(?:have|hold|got|already have|already hold)\s+(?:it|that|this|one)\b"
)
_PRONOUN_OBJECT = re.compile(r"\b(?:for|about|need|needs|want|wants|require|requires|mention\w*) (?:it|that|this)\b")
_SENTENCE = re.compile(r"[.;!?\n]+(?=\s|$)|[;!?\n]+")
_CLAUSE = re.compile(
    r",|:|\s[-–—]\s|\b(?:but|however|although|though|whereas|except|apart from)\b|"
    r"\band\b(?=\s+(?:we|we're|we've|our|they|their|the|it|its|i|i'm|us)\b)"
)

_EITHER = re.compile(
    r"\b(?:either(?: one| of them| of the two| works)?|any of them|one or the other|whichever|"
    r"cmmi or iso|iso(?: 9001)? or cmmi)\b"
)
_BOTH = re.compile(r"\b(?:both|all of (?:them|these|the above))\b")

_LEVEL = re.compile(r"\b(?:cmmi\s*)?(?:maturity\s*)?(?:level|ml|l)\s*-?\s*([2-5])\b", re.I)

_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "a hundred": 100,
    "a dozen": 12,
    "a couple of": 2,
    "a couple": 2,
    "a few": 3,
    "half a": 0.5,
    "a": 1,
    "an": 1,
}


def is_skip(text: object) -> bool:
    return bool(_SKIP.match(norm(text))) or norm(text) == UNKNOWN


# A level of another model: "aspice level 2", "cmmc l2" is no CMMI maturity level
_OTHER_MODELS_LEVEL = re.compile(r"\b(?:a-?spice|automotive spice|spice|cmmc|capability)\s*$")


def target_level(text: object) -> Optional[str]:
    """The CMMI maturity level named in text ("CMMI level 3", "ML2"), or None."""
    raw = norm(text)
    for match in _LEVEL.finditer(raw):
        if not _OTHER_MODELS_LEVEL.search(raw[: match.start()]):
            return match.group(1)
    return None


# -- mentions ----------------------------------------------------------------
@dataclass
class Mention:
    entity: str  # industry | customer_type | framework
    value: str
    start: int
    end: int
    negated: bool = False
    clause: int = 0


@dataclass
class Clause:
    start: int
    end: int
    sentence: int
    text: str


def _clauses(text: str) -> list[Clause]:
    clauses: list[Clause] = []
    sentence_start = 0
    for n, sentence_end in enumerate([m.start() for m in _SENTENCE.finditer(text)] + [len(text)]):
        start = sentence_start
        for cut in _CLAUSE.finditer(text, sentence_start, sentence_end):
            clauses.append(Clause(start, cut.start(), n, text[start : cut.start()]))
            start = cut.end()
        clauses.append(Clause(start, sentence_end, n, text[start:sentence_end]))
        match = _SENTENCE.match(text, sentence_end)
        sentence_start = match.end() if match else sentence_end
    return [c for c in clauses if c.text.strip()]


def _masked(text: str) -> str:
    """text with phrases that look negative but are not replaced by spaces (same length)."""
    return _NOT_NEGATION.sub(lambda m: " " * len(m.group(0)), text)


# "cmmi nobody asks for", "only iso nobody ask", "cmmi no", "iso 9001 is not asked": a
# negation right after the framework's name
_NOBODY_AFTER = re.compile(
    r"\W*(?:\w+\W+)?(?:nobody|no one|noone|no customer|no client|never)\b|"
    r"\s*,?\s*(?:is\s+|are\s+)?(?:no|not)\b(?!\s+(?:only|just)\b)"
)


# "need only iso not cmmi": the "not" is the other framework's
_NOT_THE_OTHER = re.compile(
    r"\s*,?\s*(?:but\s+)?not\s+(?:the\s+|an?\s+)?(?:cmmi|iso|9001|as\s?9100|iatf|tl\s?9000|aspice|cmmc|ml\s?[1-5])\b"
)


# "that's all US defence stuff, we're an NHS trust": a sector the user waves away is not theirs
_WAVED_AWAY_BEFORE = re.compile(
    r"^\W*(?:(?:but|and|well|hmm|ok)\W+)?(?:that'?s|thats|that is|those are|it'?s)\b[^,;]{0,25}$"
)
_WAVED_AWAY_AFTER = re.compile(r"^\s*(?:stuff|things?|examples?|answers?|cases?|talk|focused|centric)\b")


# "why mention defense, we do NO defense work": what the user asks not to hear of
_WHY_MENTION = re.compile(
    r"\bwhy\s+(?:do you\s+|did you\s+|u\s+|you\s+)?"
    r"(?:(?:mention\w*|bring\w* up|talk\w* about|keep (?:saying|mentioning))\s+(?:the\s+|about\s+)?)?$"
)


def _negated(text: str, clause: Clause, start: int) -> bool:
    """Whether a negation governs the position `start` inside `clause`."""
    before = text[clause.start : start]
    if _WHY_MENTION.search(before):
        return True
    if _WAVED_AWAY_BEFORE.search(before):
        word_end = re.match(r"[\w/-]+", text[start:])
        after = text[start + (word_end.end() if word_end else 0) : clause.end]
        if _WAVED_AWAY_AFTER.match(after):
            return True
    masked = _masked(before)
    last = None
    for match in _NEGATION.finditer(masked):
        last = match
    if last is None:
        return False
    return not _RESET.search(masked, last.end())


_SET_ASIDE = re.compile(
    r"\b(?:forget|skip|drop|ignore|leave out|leave aside|except|apart from|besides|instead of|rather than)\b"
    r"(?:\s+(?:about|the|all|that))?\s+\S*$"
)


def _clause_at(text: str, start: int) -> tuple[str, Optional[Clause]]:
    """The text lowered as extract_profile reads it (same offsets), and the clause holding `start`."""
    lowered = text.replace("’", "'").lower()
    return lowered, next((c for c in _clauses(lowered) if c.start <= start < c.end), None)


def set_aside_at(text: str, start: int) -> bool:
    """ "forget cmmi. how long for iso 9001?", "skip the aspice part": the word at `start` set aside."""
    lowered, clause = _clause_at(text, start)
    return clause is not None and bool(_SET_ASIDE.search(lowered[clause.start : start]))


def negated_at(text: str, start: int) -> bool:
    """Whether a negation governs the word at `start` ("no defense and no government
    customers", "nothing for government") or sets it aside; the text as typed, offsets as
    Rasa gives them."""
    lowered, clause = _clause_at(text, start)
    return clause is not None and (_negated(lowered, clause, start) or set_aside_at(text, start))


def _find(store: KnowledgeStore, entity: str, text: str) -> list[tuple[int, int, str]]:
    hits: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for alias in sorted(store.aliases(entity), key=lambda a: -len(a.text)):
        for match in re.finditer(r"(?<![\w-])" + re.escape(alias.text) + r"(?![\w-])", text):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)
            hits.append((span[0], span[1], alias.value))
    return sorted(hits)


def scan_aliases(store: KnowledgeStore, entity: str, text: str) -> list[str]:
    """Store keys whose aliases occur in text as whole words, longest alias first,
    non-overlapping, in order of appearance (negation not considered)."""
    keys: list[str] = []
    for _, _, value in _find(store, entity, norm(text)):
        if value not in keys:
            keys.append(value)
    return keys


_ENTITY_VALID = {
    "industry": lambda store, v: store.industry(v) is not None,
    "customer_type": lambda store, v: store.customer_type(v) is not None,
    "framework": lambda store, v: v in FRAMEWORK_CHOICES,
}

_CUSTOMER_BEFORE = re.compile(
    r"\b(?:for|to|serv\w*|sell\w*|with|clients?|customers?|from|by)\s+(?:the\s+|a\s+|an\s+|"
    r"some\s+|many\s+|mostly\s+|only\s+|\w+\s+)?$"
)
_CLIENTS_AFTER = re.compile(r"\s*(?:clients?|customers?)\b")
# ...and "our biggest client a US bank", "the client is a bank"
_CLIENT_BEFORE = re.compile(r"\b(?:clients?|customers?)\s+(?:is\s+|are\s+)?(?:an?\s+|the\s+|some\s+)?(?:\w+\s+){0,2}$")
_CUSTOMER_AFTER = re.compile(
    r"^\s*(?:customers?|clients?|contracts?|agenc\w*|work|rfps?|projects?|deals?|"
    r"tenders?|buyers?|market|sector clients)\b"
)


_LEVEL_NOT_OTHER = re.compile(r"\s*,?\s*(?:and\s+)?not\s+(?:level\s*|ml\s*|l\s*)?[1-6]\b")


def _mentions(store: KnowledgeStore, text: str, clauses: list[Clause], entities: Optional[list[dict]]) -> list[Mention]:
    found: list[Mention] = []
    standards: list[tuple[int, int, str]] = []  # every framework named, those not in the form's choices too
    for entity in ("industry", "customer_type", "framework"):
        for start, end, value in _find(store, entity, text):
            if entity == "framework":
                standards.append((start, end, value))
                if value not in FRAMEWORK_CHOICES:
                    continue
            found.append(Mention(entity, value, start, end))
    # NLU entities (typos the alias scan misses), where they don't overlap a scanned mention.
    for e in entities or []:
        kind, raw, at, until = e.get("entity"), e.get("value"), e.get("start"), e.get("end")
        if kind not in _ENTITY_VALID or not raw or not isinstance(at, int) or not isinstance(until, int):
            continue
        resolved = store.resolve(kind, str(raw)) or str(raw)
        if not _ENTITY_VALID[kind](store, resolved):
            continue
        if any(m.entity == kind and m.start < until and at < m.end for m in found):
            continue
        found.append(Mention(kind, resolved, at, until))
    # "the prime wants ML3", "L3 is mandatory": a CMMI level names CMMI, unless it is
    # another model's level ("aspice L2", "cmmc level 2", "only ASPICE (OEM wants level 2)")
    for level in _LEVEL.finditer(text):
        start, end = level.span()
        before = [s for s in standards if s[1] <= start and not _SENTENCE.search(text, s[1], start)]
        leveled = max(before, key=lambda s: s[1])[2] in _LEVELED_MODELS if before else False
        if not leveled and not any(at < end and start < until or 0 <= start - until <= 3 for at, until, _ in standards):
            found.append(Mention("framework", "cmmi", start, end))
    customer_spans = [(m.start, m.end) for m in found if m.entity == "customer_type"]
    kept = []
    for mention in sorted(found, key=lambda m: (m.start, m.entity)):
        clause_no = next((n for n, c in enumerate(clauses) if c.start <= mention.start < c.end), None)
        if clause_no is None:
            continue
        mention.clause = clause_no
        mention.negated = _negated(text, clauses[clause_no], mention.start) or bool(
            _NOBODY_AFTER.match(text, mention.end, clauses[clause_no].end)
            and not _NOT_THE_OTHER.match(text, mention.end)  # "only iso not cmmi": iso is wanted
        )
        if (
            mention.negated
            and _LEVEL_NOT_OTHER.match(text, mention.end)
            and _LEVEL.fullmatch(text, mention.start, mention.end)
        ):
            mention.negated = False  # "rfp says level 2 not 3": level 2 is required, 3 is the mistake
        if mention.entity == "industry" and any(s <= mention.start and mention.end <= e for s, e in customer_spans):
            # "government" is an industry and a customer type: in "for the government" or
            # "government contracts" it is who they sell to, not what they are.
            if _CUSTOMER_BEFORE.search(text[clauses[clause_no].start : mention.start]) or _CUSTOMER_AFTER.match(
                text[mention.end :]
            ):
                continue
        kept.append(mention)
    return kept


# "3 plants", "two sites", "multi-site": an organization on several sites
_SITES = re.compile(
    r"\b(?P<n>\d{1,3})\s+(?:sites|plants|locations|factories|facilities|branches|offices|production sites)\b|"
    r"\b(?P<several>multi-?site|multiple (?:sites|plants|locations)|several (?:sites|plants|locations))\b"
)


def parse_sites(text: object) -> Optional[int]:
    """How many sites the organization has, when it says it has more than one."""
    match = _SITES.search(_words_to_digits(norm(text)))
    if match is None:
        return None
    sites = int(match.group("n")) if match.group("n") else 2
    return sites if sites > 1 else None


# -- numbers -------------------------------------------------------------------
_NUMBER = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
_SIZE_UNITS = (
    r"people|peoples|persons?|ppl|folks|staff|staffers|employees?|employes|emps|ftes?|engineers?|developers?|devs?|workers?|"
    r"heads?|headcount|members|consultants|colleagues|strong|person|man|souls"
)


def _words_to_digits(text: str) -> str:
    for word, value in sorted(_WORD_NUMBERS.items(), key=lambda kv: -len(kv[0])):
        if word in ("a", "an", "half a"):
            continue
        text = re.sub(rf"\b{word}\b", str(value), text)
    return text


def _int(text: str) -> int:
    return int(float(text.replace(",", "")))


_STANDARD_NUMBERS = re.compile(
    r"\b(?:iso|iec|as|iatf|tl|nist|sp)?\s*(?:9001|9100|9000|27001|20000|13485|16949|15504|33000|800-171)"
    r"(?::\s*\d{4})?\b|\b(?:19|20)\d{2}\b"
)


def parse_size(text: object, bare_number: bool = True) -> Optional[str]:
    """Organization size as "300" or a band "25-250" / "251+"; "unknown" on skip.

    bare_number: accept a number without a unit (only when the size question was asked)."""
    raw = norm(text)
    if not raw:
        return None
    if raw == UNKNOWN or (bare_number and is_skip(raw) and not re.search(r"\d", raw)):
        return UNKNOWN  # ...but "depends on season, 15 to 30 ppl" gives a size
    band = re.fullmatch(r"(\d+)\s*(?:-|–|to)\s*(\d+)|(\d+)\s*\+", raw.replace(",", ""))
    if band:
        if band.group(3):
            return f"{int(band.group(3))}+" if int(band.group(3)) > 0 else None
        low, high = int(band.group(1)), int(band.group(2))
        return f"{low}-{high}" if 0 < low <= high else None
    if re.search(r"(^|\s)-\s*\d", raw):
        return None  # negative numbers are not a size
    # the numbers of standards, editions and years ("iso 9001", "9001:2015", "2026") are not sizes,
    # nor levels ("rfp says level 2 not 3")
    raw = _LEVEL.sub(" ", _STANDARD_NUMBERS.sub(" ", raw))
    if re.search(r"\bmonths?\b", raw):
        raw = _MONTHS_LEFT.sub(" ", raw)  # "12-18 months?? we have 10": months left, not staff
    raw = re.sub(r"\b(\d+)\s*-?ish\b", r"\1", _words_to_digits(raw))  # "80ish devs"
    # "we are 45 now, we hired 10 ppl this year": a change in headcount is not the headcount
    raw = re.sub(
        rf"\b(?:hired|added|onboarded|recruited|lost|laid off|let go(?: of)?)\s+(?:about |around |~)?(?:{_NUMBER})",
        " ",
        raw,
    )
    corrected = re.search(rf"(?<![\w.])({_NUMBER})\s*(?:(?:{_SIZE_UNITS})\s*)?,?\s+not\s+(?:{_NUMBER})\b", raw)
    if corrected and _int(corrected.group(1)) > 0:
        return str(_int(corrected.group(1)))  # "sorry typo, 40 not 400"
    # "a team under 25 people", "over 250 staff": a band, not the number
    bound = re.search(rf"\b(under|below|less than|fewer than|over|more than|above)\s+(\d+)\s*(?:{_SIZE_UNITS})\b", raw)
    if bound and int(bound.group(2)) > 1:
        n = int(bound.group(2))
        return f"1-{n - 1}" if bound.group(1) in ("under", "below", "less than", "fewer than") else f"{n + 1}+"
    patterns = (
        # "around 120, incl. 70 engineers": the whole before its part
        rf"(?<![\w.])({_NUMBER})\s*(?:(?:{_SIZE_UNITS})\s*)?,?\s*\(?(?:incl\.?|including|of (?:them|which|whom))\s+"
        rf"(?:about |around |~)?(?:{_NUMBER})\b",
        # "12 devs plus 3 biz so 15 total": the total wins over its parts
        rf"(?<![\w.])({_NUMBER})\s+(?:(?:{_SIZE_UNITS})\s+)?(?:in )?total\b",
        rf"\b(?:total|altogether|all together|in all)(?: of| is| are|:)?\s+(?:about |around |~)?({_NUMBER})\b",
        rf"(?<![\w.])({_NUMBER})\s*(?:-\s*)?(?:{_SIZE_UNITS})\b",
        rf"\b(?:team|staff|headcount|company|organi[sz]ation|workforce|firm|shop|group|outfit) of\s+"
        rf"(?:about |around |roughly |approximately |~|some |nearly |almost |over |under )?({_NUMBER})\b",
        rf"\bheadcount(?: is| of|:)?\s+(?:about |around |roughly |~)?({_NUMBER})\b",
        rf"(?<![\w.])({_NUMBER}) of us\b",
        # "about 200 on payroll", "40 on the payroll"
        rf"(?<![\w.])({_NUMBER})\s+(?:people\s+)?on (?:the |our )?payroll\b",
        rf"\b(?:we are|we're|were|we have|we've got|there are)\s+(?:about |around |roughly |approximately |~|"
        rf"some |nearly |almost |only |just )?({_NUMBER})"
        # "we are 40. how long?", "we are 60 now actually"
        r"\s*(?:$|,|\.(?!\d)|;|!|\band\b|\bin\b|\bat\b|\bacross\b|\bwith\b|\bnow\b|\bactually\b|\btoday\b|\bstrong\b)",
    )
    for pattern in patterns:
        match = re.search(pattern, raw)
        if match:
            value = _int(match.group(1))
            return str(value) if value > 0 else None
    if re.search(r"\b(solo|just me|only me|one-person|1-person|sole trader|freelancer|one man band)\b", raw):
        return "1"
    if bare_number:
        numbers = re.findall(rf"(?<![\w.])({_NUMBER})(?![\w.])", raw)
        if len(numbers) == 1 and _int(numbers[0]) > 0:
            return str(_int(numbers[0]))
    return None


_DURATION = re.compile(
    rf"(?:(?P<prep>\bin|\bwithin|\bby|\bunder|\bthan|\bnext|\bof|\babout|\baround|\bonly|\bjust|\bcloses in|"
    rf"\bdue in|\bthe next|\bclose in)\s+)?(?P<n>{_NUMBER}|a|an|half a)\s*(?P<unit>months?|mos?|mths?|years?|yrs?|"
    rf"weeks?|wks?)\b(?P<after>\s+(?:from now|away|left|time|deadline|out))?"
)
_DEADLINE_CONTEXT = re.compile(
    r"\b(?:deadline|due|closes?|closing|rfp|bid|tender|submission|need|must|have to|"
    r"got to|expires?|starts?|kick\w*|audit|certified by|ready|can we|could we|possible|realistic|"
    r"feasible|get|achieve|reach|make it|finish|done|complete|within|by then|until|required|requires|wants?|"
    r"yes or no|doable|enough|in time|manage)\b"
)


_MONTHS_LEFT = re.compile(
    r"\b(?:we (?:only |just )?have|we'?ve (?:only )?got|we got|only have|there are|we have only)\s+"
    r"(?:about |around |~)?(\d{1,2})\b"
    r"(?!\s*(?:-|–|to|\+|%|people|staff|employees|ppl|devs|engineers|persons|sites|plants|months?\s+ago))"
)
MONTHS_LEFT_MAX = 36


def deadline_months(text: object, asked: bool = False) -> Optional[int]:
    """Months until the user's deadline ("the RFP closes in 8 months", "deadline in 6 weeks")."""
    raw = _words_to_digits(norm(text))
    for match in _DURATION.finditer(raw):
        before = raw[max(0, match.start() - 12) : match.start()]
        if re.search(r"\b(?:for|ago|been|old|last|past|over|since)\s*$", before) or re.match(
            r"\s+(?:ago|old)\b", raw[match.end() :]
        ):
            continue
        if re.search(r"\d\s*(?:-|–|to)\s*$", before) and not re.search(
            r"\b(?:in|within|by|under)\s+\d+\s*(?:-|–|to)\s*$", before
        ):
            continue  # "i've heard 12-18 months is more typical": an estimate quoted, not the deadline
        if not (asked or _DEADLINE_CONTEXT.search(raw)):
            continue  # "someone offered us a certificate in 2 weeks": a duration, not our deadline
        number = match.group("n")
        value = {"a": 1.0, "an": 1.0, "half a": 0.5}.get(number) or float(number.replace(",", ""))
        unit = match.group("unit")
        if unit.startswith(("y",)):
            months = value * 12
        elif unit.startswith("w"):
            months = value * 7 / 30
        else:
            months = value
        # the whole months there are: "6 weeks" is 1 month of time, not 2
        months = max(1, math.floor(months + 1e-9))
        return months if months <= 120 else None
    # "wait 12-18 months?? we have 10": the unit is the one just quoted
    left = _MONTHS_LEFT.search(raw) if re.search(r"\bmonths?\b", raw) else None
    if left and 0 < int(left.group(1)) <= MONTHS_LEFT_MAX:
        return int(left.group(1))
    return _months_until_named_month(raw)


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAME = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|"
    r"nov(?:ember)?|dec(?:ember)?"
)
_BY_MONTH = re.compile(
    rf"\b(?:by|before|until|till|in|due|end of)\s+(?:the\s+)?(?:end\s+of\s+)?(?:(?P<month>{_MONTH_NAME})"
    r"|q(?P<quarter>[1-4]))\b"
)
_BY_YEAR = re.compile(
    r"\b(?P<word>by|before|until|till|end of)\s+(?:the\s+)?(?:end\s+of\s+)?(?P<year>20\d\d|next year)\b(?![-:/.]\d)"
)
# "deadline is march 2027", "april next year", "next year in april", "starts 01.10.2027",
# "2027-10-01": a dated deadline without "by"
_DATED_MONTH = re.compile(
    rf"\b(?P<month>{_MONTH_NAME})(?:\s+|\s*,\s*)(?P<year>20\d\d|next year)\b|"
    rf"\bnext year(?:'s)?\s+(?:in\s+)?(?P<later>{_MONTH_NAME})\b|"
    r"\b\d{1,2}[./](?P<dotted>\d{1,2})[./](?P<dotted_year>20\d\d)\b|"
    r"\b(?P<iso_year>20\d\d)-(?P<iso_month>\d{2})-\d{2}\b"
)


def _months_until_named_month(raw: str, today: Optional[dt.date] = None) -> Optional[int]:
    """ "can we be certified by March?": months until the end of the next such month (or quarter)."""
    match = _BY_MONTH.search(raw)
    if match is not None and match.group(0).startswith("in ") and not _DEADLINE_CONTEXT.search(raw):
        match = None  # "we merge with other company in april": a date, no deadline
    today = today or dt.date.today()
    if match is None:
        dated = _DATED_MONTH.search(raw)
        by_year = _BY_YEAR.search(raw)
        if dated is None and by_year is not None:
            # "by end of 2027", "before next year": until the end of that year
            year = today.year + 1 if by_year.group("year") == "next year" else int(by_year.group("year"))
            if by_year.group("word") == "before" and "end" not in by_year.group(0):
                year -= 1  # "before 2028": by the end of 2027 ("before end of next year" is not)
            ahead = max(1, (year - today.year) * 12 + 12 - today.month) if year >= today.year else 0
            return ahead if 0 < ahead <= 120 else None
        if dated is None or not _DEADLINE_CONTEXT.search(raw):
            return None
        numeric = dated.group("dotted") or dated.group("iso_month")
        if numeric:
            month, year = int(numeric), int(dated.group("dotted_year") or dated.group("iso_year"))
            if not 1 <= month <= 12:
                return None
        else:
            month = _month_number(dated.group("month") or dated.group("later"))
            next_year = dated.group("later") or dated.group("year") == "next year"
            year = today.year + 1 if next_year else int(dated.group("year"))
        ahead = (year - today.year) * 12 + month - today.month
        return ahead if 0 < ahead <= 120 else None
    month = _month_number(match.group("month")) if match.group("month") else int(match.group("quarter")) * 3
    stated = re.match(r"\s*,?\s*(?P<year>(?:19|20)\d\d)\b", raw[match.end() :])
    if stated:
        # "a benchmark in march 2021": a date in the past is not a deadline
        ahead = (int(stated.group("year")) - today.year) * 12 + month - today.month
        return ahead if ahead > 0 else None
    return max(1, (month - today.month) % 12 or 12) if month != today.month else 1


# "issued March 2022", "appraised in 2021", "a rating four years old"
_DATED = re.compile(rf"\b(?:(?P<month>{_MONTH_NAME})\s*,?\s*)?(?P<year>20\d\d)\b")
_YEARS_OLD = re.compile(rf"\b(?P<n>{_NUMBER})\s*(?:years?|yrs?)\s+(?:old|ago)\b")


_EXPIRY_WORDS = re.compile(
    r"\b(?:expir\w*|lapsed?|valid (?:until|till|to|thru|through)|runs? out|ran out|ends?|until)\W*"
    # "expires when? appraised march 2022": the date after an issue word is the issue date
    r"(?:(?!(?:appraised|issued|certified|rated|awarded|from|since|got|obtained|dated|achieved)\b)\w+\W+){0,2}$"
)


def _month_number(name: str) -> int:
    return _MONTHS.index(name[:3]) + 1


def _dates(raw: str) -> Iterator[tuple[int, Optional[int], bool]]:
    """(year, month or None, is it an expiry date) of each date in the message, leaving
    out editions ("ISO 9001:2015")."""
    for match in _DATED.finditer(raw):
        before = raw[: match.start()]
        if re.search(r"(?:9001|27001|20000|9100|16949)\s*[:-]?\s*$", before) or re.match(
            r"\s*(?:version|edition|standard)\b|\s+(?:certificates?|certs?)\b(?! (?:from|in|dated|issued))",
            raw[match.end() :],
        ):
            continue  # "my colleague say all 2008 certificate is expired", "the 2008 version"
        month = _month_number(match.group("month")) if match.group("month") else None
        yield int(match.group("year")), month, bool(_EXPIRY_WORDS.search(before))


def expiry_given(text: object) -> Optional[tuple[int, Optional[int]]]:
    """(year, month or None) of an expiry date the message gives ("it says expire 2019")."""
    return next(((y, m) for y, m, expiry in _dates(_words_to_digits(norm(text))) if expiry), None)


def date_given(text: object, today: Optional[dt.date] = None) -> Optional[tuple[int, Optional[int]]]:
    """(year, month or None) of the first date in the message that is not in the future:
    when a certificate or rating was issued (not "it says expire 2019": expiry_given)."""
    raw = _words_to_digits(norm(text))
    today = today or dt.date.today()
    for year, month, expiry in _dates(raw):
        if not expiry and (year, month or 1) <= (today.year, today.month):
            return year, month
    old = _YEARS_OLD.search(raw)
    if old and float(old.group("n")) <= 50:
        return today.year - int(float(old.group("n"))), None
    return None


_HELD_SINCE = re.compile(r"\bsince\s+(?:(?:early|mid|late|the end of|end of)\s+)?(?:[a-z]+\s+)?(?:19|20)\d\d\b")


def held_since(text: object) -> bool:
    """ "iso 9001 certified since 2019": the date is when it was first obtained, not this
    certificate's issue date ("a rating from 2021" is)."""
    return bool(_HELD_SINCE.search(norm(text)))


def requirement_after_correction(store: KnowledgeStore, previous: object, text: object) -> Optional[str]:
    """What stays required when a correction rules some frameworks out: "nobody asked us
    for iso" after "CMMI and ISO 9001 required" leaves CMMI, and after "CMMI required"
    changes nothing. None if it names nothing, or rules out all that was required."""
    ruled_out: set[str] = set()
    extract_profile(store, text, ruled_out=ruled_out)
    kept = [k for k in keys_of(previous) if k in FRAMEWORK_CHOICES and k not in ruled_out]
    return _ordered(kept) if ruled_out and kept else None


def timeline_from_months(months: int) -> str:
    return "urgent" if months <= 6 else "within_year" if months <= 12 else "flexible"


_FLEXIBLE = re.compile(
    r"\b(?:no rush|no hurry|not urgent|no pressure|no deadline|flexible|whenever|long[- ]term|"
    r"no time pressure|take our time|eventually|next few years|someday|not in a hurry|not (?:a |in )?hurry|"
    r"not rush\w*|no need to rush|not pressed|no (?:immediate|real|big|particular) (?:pressure|rush|hurry|deadline))\b"
)
_URGENT = re.compile(
    r"\b(?:urgent\w*|asap|immediately|right away|next bid|upcoming bid|this quarter|rfp due|"
    r"tight deadline|deadline is close|under (?:time )?pressure)\b"
)
# Only as the answer to the timeline question ("soon" in an opening may be about anything).
_URGENT_ASKED = re.compile(r"\b(?:soon|right now|now|yesterday|quickly|fast|deadline|pressure|weeks|tender)\b")
_WITHIN_YEAR = re.compile(
    r"\b(?:this year|within a year|next year|within the year|in a year|moderate|some pressure|"
    r"by year end|end of the year|by the end of the year)\b"
)


def _typed_or_skipped(raw: str, choices: tuple[str, ...], asked: bool) -> Optional[str]:
    """A canonical value typed as it is (a button's), or "unknown" for a skip at its question."""
    if raw in choices + (UNKNOWN,):
        return raw
    return UNKNOWN if asked and is_skip(raw) else None


def parse_timeline(text: object, asked: bool = True) -> Optional[str]:
    raw = norm(text)
    if not raw:
        return None
    preset = _typed_or_skipped(raw, TIMELINES, asked)
    if preset:
        return preset
    if _FLEXIBLE.search(raw):
        return "flexible"
    months = deadline_months(raw, asked=asked)
    if months is not None:
        return timeline_from_months(months)
    if _URGENT.search(raw) or (asked and _URGENT_ASKED.search(raw)):
        return "urgent"
    if _WITHIN_YEAR.search(raw) and (asked or _DEADLINE_CONTEXT.search(raw)):
        return "within_year"  # ...but "we hired 10 ppl this year" is no deadline
    return None


_GOAL_PATTERNS = (
    (
        "market_access",
        r"\b(?:market access|win\w*|bid\w*|contracts?|tenders?|rfps?|eligib\w*|qualify\w*|sales|"
        r"new customers|new clients|deals?|access|compliance|compliant|grow\w*|expand\w*|"
        r"get in the door|more customers|more clients|enterprise customers|"
        r"keep (?:the |our |this |that )?(?:\w+ )?(?:client|customer|contract|account|work|business)s?|more like them|"
        r"pass (?:the |an? )?(?:\w+ )?(?:assessment|audit|appraisal))\b",
    ),
    (
        "process_maturity",
        r"\b(?:process maturity|maturity|mature|process improvement|improv\w* (?:our |the )?"
        r"(?:\w+ )?proc+es+\w*|better (?:\w+ )?proc+es+\w*|processes|proceses|predictab\w*|efficien\w*|"
        r"performance|discipline)\b",
    ),
    (
        "customer_satisfaction",
        r"\b(?:customer satisfaction|satisf\w*|quality|happy customers|complaints|"
        r"product quality|support|reputation|credib\w*|trust\w*|happ\w*|image|"
        r"look (?:more )?(?:serious|professional|credible|legit\w*|trustworthy))\b",
    ),
)
_GOAL_CUE = re.compile(
    r"\b(?:(?:we|i)(?:'d| would| also| really| just)? (?:want|wanted|like|need)\w*|want(?:s|ed)? to|goal|aim\w*|"
    r"looking to|hop\w*|trying to|need to|so (?:that )?we can|"
    r"in order to|mainly|main|priority|focus\w*|care\w* about|interested in|would like|"
    r"we'd like|objective|purpose|reason)\b"
)


_GOAL_NAMED = re.compile(
    r"(?:(?:our |my |the )?(?:main )?goal(?: is)?:? )?(?:(?P<process_maturity>process maturity)|"
    r"(?P<market_access>market access)|(?P<customer_satisfaction>customer satisfaction))"
)


def parse_goal(text: object, asked: bool = True) -> Optional[str]:
    """The main goal; without `asked` only a stated goal ("we want to ...") counts."""
    raw = norm(text)
    if not raw:
        return None
    preset = _typed_or_skipped(raw, GOALS, asked)
    if preset:
        return preset
    # "process maturity" typed at another prompt: the goal's own name says it, asked or not
    named = _GOAL_NAMED.fullmatch(raw.strip(" .!"))
    if named:
        return named.lastgroup
    for clause in _clauses(raw):
        if not asked and not _GOAL_CUE.search(clause.text):
            continue
        best: Optional[tuple[int, str]] = None
        for key, pattern in _GOAL_PATTERNS:
            for match in re.finditer(pattern, raw[clause.start : clause.end]):
                if _negated(raw, clause, clause.start + match.start()):
                    continue
                if best is None or match.start() < best[0]:
                    best = (match.start(), key)
                break
        if best:
            return best[1]
    return None


# -- the one extraction -------------------------------------------------------------
def _ordered(keys: list[str]) -> str:
    return ",".join(k for k in FRAMEWORK_CHOICES if k in keys)


def _canonical(store: KnowledgeStore, slot: str, raw: str) -> Optional[str]:
    """A value that already is canonical (a button payload, a value read back from the tracker)."""
    if slot == "rec_industry":
        key = raw.replace(" ", "_")
        return key if store.industry(key) is not None else None
    if slot == "rec_customers":
        parts = keys_of(raw.replace(" ", ""))
        if raw == UNKNOWN:
            return UNKNOWN
        return ",".join(parts) if parts and all(store.customer_type(p) is not None for p in parts) else None
    if slot in ("rec_requirement", "rec_certifications"):
        if raw in (NONE, UNKNOWN) or (slot == "rec_requirement" and raw == EITHER):
            return raw
        parts = keys_of(raw.replace(" ", ""))
        return _ordered(parts) if parts and all(p in FRAMEWORK_CHOICES for p in parts) else None
    if slot == "rec_size":
        return raw if re.fullmatch(r"\d+|\d+-\d+|\d+\+|unknown", raw) and parse_size(raw) == raw else None
    if slot == "rec_timeline":
        return raw if raw in TIMELINES + (UNKNOWN,) else None
    if slot == "rec_goal":
        return raw if raw in GOALS + (UNKNOWN,) else None
    if slot == "rec_deadline_months":
        return raw if re.fullmatch(r"[1-9]\d*", raw) else None
    if slot == "rec_target_level":
        return raw if raw in ("2", "3", "4", "5") else None
    return None


def _is_bare_none(text: str) -> bool:
    """ "none", "nope, nothing yet", "none that i know of": a short no; not "no rush", nor the
    "no," of "no, we're 40 not 400"."""
    text = _HEDGE.sub(" ", text)
    return bool(_BARE_NONE.match(text)) and not _NOT_NEGATION.search(text) and len(text.split()) <= BARE_NONE_WORDS


def _held_by_someone_else(clause: str) -> bool:
    """The clause is about another organization's certificate or rating ("our competitor
    got cmmi level 3"), with no "we" of its own beside it."""
    return bool(_SOMEONE_ELSE.search(clause)) and not _FIRST_PERSON_WORD.search(_SOMEONE_ELSE.sub(" ", clause))


def _with_its_qualifier(clauses: list, n: int, mentions: list) -> str:
    """Clause n and the clauses after it in its sentence that name no framework
    ("... list CMMI as a plus", "but not mandatory")."""
    texts = [clauses[n].text]
    for k in range(n + 1, len(clauses)):
        if clauses[k].sentence != clauses[n].sentence or any(
            m.entity == "framework" and m.clause == k for m in mentions
        ):
            break
        texts.append(clauses[k].text)
    return " ".join(texts)


# "rfp: cmmi ml2 OR iso 9001": the document named before a colon, its requirement after it
_DOCUMENT_ONLY = re.compile(r"(?:the |our |state |new )?(?:tenders?|rfps?|rfqs?|solicitations?)")


# Time or money one has for a framework is not the framework held: "we only have 12 months for the cmmi thing"
_HAVE_TIME_OR_MONEY = re.compile(
    r"\b(?:have|has|had|got)\s+(?:only\s+|just\s+|about\s+|around\s+|less than\s+|under\s+)?"
    r"(?:\d+|an?|one|two|three|four|five|six|nine|twelve|eighteen|a few|few|some|little|no|the)?\s*"
    r"(?:months?|weeks?|years?|days?|time|budget|money|deadline|runway|\$\s?\d[\d,.]*k?|\d[\d,.]*k?\s*(?:usd|eur|gbp|dollars?|euros?))\b"
)


def _role(clause: str) -> Optional[str]:
    clause = _HAVE_TIME_OR_MONEY.sub(" ", clause)
    if _DOCUMENT_ONLY.fullmatch(clause.strip()):
        return "require"
    if _ASKED_WHETHER.search(clause):
        return None  # "a distributor asked if we should do CMMI too": a question, not a requirement
    if _HOLD_STRONG.search(clause) and not _REQUIRE_STRONG.search(clause):
        return "hold"
    if _REQUIRE.search(clause):
        return "require"
    if _HOLD.search(clause):
        return "hold"
    return None


def extract_profile(
    store: KnowledgeStore,
    text: object,
    entities: Optional[list[dict]] = None,
    asked: Optional[str] = None,
    ruled_out: Optional[set[str]] = None,
) -> dict[str, str]:
    """Slot name -> canonical value for everything `text` states (see the module doc).

    asked: the slot whose question was just asked; a bare answer ("none", "50",
    "not sure", "either one") is then read as the answer to it. ruled_out, if given,
    receives the frameworks the message says are not required ("nobody asked us for iso")."""
    if text is None:
        return {}
    if isinstance(text, list):
        text = ",".join(str(v) for v in text)
    original = str(text)
    raw_norm = norm(original)
    if not raw_norm or raw_norm.startswith("/"):
        return {}
    if asked:
        canonical = _canonical(store, asked, raw_norm)
        if canonical is not None:
            return {asked: canonical}
    elif _BUYER.search(raw_norm):
        return {}  # "should we ask bidders for iso 9001 or cmmi?": a buyer's tender, not their own contracts
    lowered = original.replace("’", "'").replace("‘", "'").lower()
    if len(lowered) != len(original):
        lowered, entities = raw_norm, None  # offsets would not match
    text_l = lowered
    clauses = _clauses(text_l)
    mentions = _mentions(store, text_l, clauses, entities)
    found: dict[str, str] = {}

    # industry: the first one stated positively, a statement before a question
    # ("why general manufacturing? we are software company")
    def in_a_question(m: Mention) -> bool:
        sentence = [c for c in clauses if c.sentence == clauses[m.clause].sentence]
        return "?" in text_l[sentence[0].start : sentence[-1].end + 1]

    # "some US banking clients": the clients' sector, not the user's industry (_CLIENTS_AFTER)
    stated = sorted(
        (
            m
            for m in mentions
            if m.entity == "industry"
            and not m.negated
            and not _CLIENTS_AFTER.match(text_l, m.end)
            and not _CLIENT_BEFORE.search(text_l[clauses[m.clause].start : m.start])
        ),
        key=lambda m: in_a_question(m),
    )
    # "an accounting software vendor": the sector names its customers, software is the industry
    made = [
        m
        for m in stated
        if m.value == SOFTWARE
        and any(o.value != SOFTWARE and o.end <= m.start and not text_l[o.end : m.start].strip() for o in stated)
    ]
    industries = [m.value for m in made + stated]
    if "manufacturing" in industries and len(set(industries)) > 1:
        # "a machining shop, tier 2 for safran", "infusion pumps (medical devices)": the sector
        # they make things for says more than "manufacturing"
        industries = [i for i in industries if i != "manufacturing"]
    if industries:
        found["rec_industry"] = industries[0]

    # customers: the positive ones; only-negated government/defense means commercial.
    # Answering the industry question, a word that names both ("defense contractor")
    # is the industry only: who the customers are is asked next, not assumed.
    industry_spans = [(m.start, m.end) for m in mentions if m.entity == "industry"]
    if asked == "rec_industry":
        mentions = [
            m
            for m in mentions
            if not (m.entity == "customer_type" and any(s < m.end and m.start < e for s, e in industry_spans))
        ]
    # "we want to go to enterprise clients next year": customers the user hopes for are not theirs yet
    positive = [
        m.value
        for m in mentions
        if m.entity == "customer_type" and not m.negated and not _FUTURE.search(clauses[m.clause].text)
    ]
    negated = [m for m in mentions if m.entity == "customer_type" and m.negated]
    negative = {m.value for m in negated}
    # "not federal" rules out one level of government, not all of it (a supplier of states and cities)
    only_federal_ruled_out = all(text_l[m.start : m.end].startswith("federal") for m in negated)
    customers = list(dict.fromkeys(positive))
    if customers:
        found["rec_customers"] = ",".join(customers)
    elif negative and negative <= GOVERNMENT and not only_federal_ruled_out:
        found["rec_customers"] = "commercial"
    elif asked == "rec_customers" and is_skip(raw_norm):
        found["rec_customers"] = UNKNOWN
    elif asked == "rec_customers" and _BUSINESSES.search(raw_norm) and not _NEGATION.search(_masked(raw_norm)):
        found["rec_customers"] = "commercial"  # "appliance companies, big ones", "german car OEMs"

    # frameworks: required or held, by the verb of their clause
    required: list[str] = []
    not_required = False
    held: list[str] = []
    not_held = False
    roles: list[Optional[str]] = []
    requirement_unknown = False
    for n, clause in enumerate(clauses):
        role = _role(clause.text)
        # "contracts require: neither"; "we dont hold 9001. only tl9000": a fragment after it, too
        fragment = len(clause.text.split()) <= FRAGMENT_WORDS and bool(_RESET.match(clause.text.strip()))
        inherited = (
            role is None and n > 0 and (clauses[n - 1].sentence == clause.sentence or fragment) and bool(roles[-1])
        )
        if inherited:
            role = roles[-1]  # "contracts require: neither"
        if role == "require" and _FUTURE.search(clause.text) and not _REQUIRED_AHEAD.search(clause.text):
            role = None  # "and if later a defence client asks for cmmi?": not a requirement yet
        roles.append(role)
        frameworks = [m for m in mentions if m.entity == "framework" and m.clause == n]
        same_sentence = [c for c in clauses if c.sentence == clause.sentence]
        asks = sentence_asks(text_l[same_sentence[0].start : same_sentence[-1].end + 1])
        # "a salesman told us we need cmmi. true?": their claim, which the user asks about
        reported = bool(
            _NOT_A_STATEMENT_OF_OURS.search(clause.text)
            or _HEARSAY.search(clause.text)
            or _INTERNAL_WISH.search(clause.text)
        )
        if (
            reported
            and role == "require"
            and _REQUIRE_STRONG.search(clause.text)
            and not _HEARSAY.search(clause.text)
            and not _INTERNAL_WISH.search(clause.text)
        ):
            reported = False  # "raytheon says ML3 is mandatory": the customer states the requirement
        if (
            _ASKED_WHETHER.search(clause.text)
            or reported
            or _NOT_WHAT_I_SAID.search(clause.text)
            or _CHOOSING.search(clause.text)
        ):
            # "they only ask 'do you have cmmi'" answers nothing, even at the prompt, nor does
            # the clause after it ("i ask which one should we do, cmmi or iso 9001")
            role = roles[-1] = None
        elif role is None and asks:
            pass  # "btw is cmmi actually a certification?" typed at the prompt is a question
        elif role is None and asked == "rec_requirement":
            role = "require"
        elif role is None and asked == "rec_certifications":
            role = "hold"
        if role == "require" and _REQUIREMENT_UNKNOWN.search(text_l[same_sentence[0].start : clause.end]):
            requirement_unknown = True
            role = roles[-1] = None
        if role == "hold" and _WISHED.search(clause.text):
            role = roles[-1] = None  # "boss hope we can say we have cmmi level 3 by then"
        if role == "hold" and _IN_PROGRESS.search(clause.text):
            role = roles[-1] = None  # "13485 is in progress, audit in 4 months": not held yet
        if role == "hold" and _held_by_someone_else(clause.text):
            role = None  # "the founder worked at a company with cmmi level 3", "our competitor got cmmi": not ours
        qualified = _with_its_qualifier(clauses, n, mentions)
        if (
            frameworks
            and role in ("require", "hold")
            and (
                _OPTIONAL.search(_NOT_OPTIONAL.sub(" ", qualified))
                or (_NOT_REQUIRED.search(qualified) and _REQUIRE.search(_NOT_REQUIRED.sub(" ", qualified)))
                or _UNSURE.search(qualified)
            )
        ):
            role = None  # "a couple of RFPs list CMMI as a plus but not mandatory", "nice to have", "iso maybe"
        lapse = _LAPSED.search(clause.text)
        if role == "hold" and lapse and len(frameworks) > 1 and clause.start + lapse.start() > frameworks[-1].end:
            # "we have ISO 9001 and CMMI ML3 (lapsed)": the last one named lapsed, the others are held
            frameworks = frameworks[:-1]
        elif (
            role == "hold"
            and not _is_bare_none(clause.text.strip())
            and (
                _LAPSED.search(clause.text)
                or (
                    _LAPSED.search(text_l[same_sentence[0].start : same_sentence[-1].end])
                    and not _HOLDS_NOW.search(clause.text)  # "we hold iso 9001, our cmmi ml2 lapsed"
                )
            )
        ):
            # "we had an ML3 benchmark in 2021 but didn't do anything after": held no more, and
            # at the question of what is held, "we had iso but it lapsed in 2019" answers none
            role = None
            not_held = not_held or (bool(frameworks) and asked == "rec_certifications")
        masked = _masked(clause.text)
        negated_clause = bool(_NEGATION.search(masked))
        if role == "require" and not frameworks and not negated_clause and not asks and _BOTH.search(clause.text):
            required += ["cmmi", "iso9001"]  # "and contracts need BOTH"
        for mention in frameworks:
            if role == "require" and mention.negated:
                not_required = True
                if ruled_out is not None:
                    ruled_out.add(mention.value)
            elif role == "require":
                required.append(mention.value)
            elif role == "hold" and mention.negated:
                not_held = True
            elif role == "hold":
                held.append(mention.value)
        # "we have nothing with defense": a clause about customers or industry holds nothing
        about_others = any(m.clause == n and m.entity in ("customer_type", "industry") for m in mentions)
        earlier = [m for m in mentions if m.entity == "framework" and m.clause < n]
        if not frameworks and not negated_clause and role == "hold" and earlier and _HELD_PRONOUN.search(clause.text):
            held.append(earlier[-1].value)  # "carriers want tl9000, we have it"
        if not frameworks and negated_clause and not about_others:
            if (
                _NO_CERTIFICATES.search(clause.text)
                and not _REQUIRE_STRONG.search(clause.text)
                # at the requirement prompt only as a sentence after the answer: "neither. no certs either"
                and (asked != "rec_requirement" or (clause.sentence > 0 and not _REQUIRE.search(clause.text)))
            ):
                not_held = True  # "..., no certifications": a clause of its own about what is held
            elif role == "require" and _PRONOUN_OBJECT.search(clause.text) and earlier:
                # "why cmmi at all? nobody asked us for it": CMMI is not required, nothing else is said
                if ruled_out is not None:
                    ruled_out.add(earlier[-1].value)
            elif _ABOUT_CONSULTANT.search(clause.text) or _NOT_WHAT_I_SAID.search(clause.text):
                pass  # "I said NO thanks, I dont want a consultant", "that not what I ask": nothing about contracts
            elif role == "require" and (
                _REQUIRE_STRONG.search(clause.text)
                or _REQUIRE.search(clause.text)
                or ((inherited or asked == "rec_requirement") and _is_bare_none(clause.text.strip()))
                or (asked == "rec_requirement" and len(raw_norm.split()) <= BARE_NONE_WORDS)
            ):
                not_required = True  # "not software, only metal parts" at that prompt says nothing of contracts
            elif role == "hold" and (
                re.search(r"\b(?:certif\w*|registered|standards?|iso|anything|any|nothing|none)\b", clause.text)
                or (earlier and re.search(r"\b(?:have|hold|got)\s+(?:it|that|this|one)\b", clause.text))
                or (asked == "rec_certifications" and len(raw_norm.split()) <= BARE_NONE_WORDS)
                or (asked == "rec_certifications" and _is_bare_none(clause.text.strip()))
            ):
                not_held = True
    # "not sure if required or nice to have", "i didnt say required!! i said not sure": unknown, whatever was named
    unsure_of_it = _UNSURE_IF_REQUIRED.search(raw_norm) or (
        _NOT_WHAT_I_SAID.search(raw_norm) and _UNSURE.search(raw_norm) and "requir" in raw_norm
    )
    if unsure_of_it:
        found["rec_requirement"] = UNKNOWN
    elif requirement_unknown and not required and not not_required:
        found["rec_requirement"] = UNKNOWN  # "we dont know yet what they require"
    elif asked == "rec_requirement" and not required and not not_required and not _NOT_WHAT_I_SAID.search(raw_norm):
        if _EITHER.search(raw_norm):
            found["rec_requirement"] = EITHER
        elif _BOTH.search(raw_norm):
            required = ["cmmi", "iso9001"]
    if unsure_of_it:
        pass
    elif len(set(required)) > 1 and _ONE_OF_THEM.search(raw_norm):
        found["rec_requirement"] = EITHER
    elif required:
        found["rec_requirement"] = _ordered(required)
    elif "rec_requirement" not in found:
        if not_required:
            found["rec_requirement"] = NONE
        elif asked == "rec_requirement" and is_skip(raw_norm):
            found["rec_requirement"] = UNKNOWN
        elif asked == "rec_requirement" and _is_bare_none(raw_norm):
            found["rec_requirement"] = NONE
    if held:
        found["rec_certifications"] = _ordered(held)
    elif not_held:
        found["rec_certifications"] = NONE
    elif asked == "rec_certifications" and is_skip(raw_norm):
        found["rec_certifications"] = UNKNOWN
    elif asked == "rec_certifications" and _is_bare_none(raw_norm):
        found["rec_certifications"] = NONE
    level = target_level(raw_norm)
    if level and ("cmmi" in keys_of(found.get("rec_requirement")) or found.get("rec_requirement") == EITHER):
        found["rec_target_level"] = level

    # size
    size = parse_size(raw_norm, bare_number=asked == "rec_size")
    if size and (size != UNKNOWN or asked == "rec_size"):
        found["rec_size"] = size

    sites = parse_sites(raw_norm)
    if sites:
        found["rec_sites"] = str(sites)

    # deadline and time pressure
    # "i heard you can get cmmi in like 6 weeks. true?": what was heard is no deadline of theirs
    own = " ".join(p for p in re.split(r"(?<=[.?!])\s+", raw_norm) if not _I_HEARD.search(p))
    months = deadline_months(own, asked=asked == "rec_timeline")
    if months is not None:
        found["rec_deadline_months"] = str(months)
        found["rec_timeline"] = timeline_from_months(months)
    else:
        timeline = parse_timeline(own, asked=asked == "rec_timeline") if own else None
        if timeline and (timeline != UNKNOWN or asked == "rec_timeline"):
            found["rec_timeline"] = timeline

    # goal
    goal = parse_goal(raw_norm, asked=asked == "rec_goal")
    if goal and (goal != UNKNOWN or asked == "rec_goal"):
        found["rec_goal"] = goal
    elif asked == "rec_goal" and (_EITHER.search(raw_norm) or _BOTH.search(raw_norm)):
        found["rec_goal"] = UNKNOWN  # "either one": no single main goal
    return found


# -- what was understood ---------------------------------------------------------
_TIMELINE_WORDS = {
    "urgent": "under time pressure now",
    "within_year": "within a year",
    "flexible": "no immediate time pressure",
}


def _names(store: KnowledgeStore, kind: str, keys: list[str]) -> str:
    names = []
    for key in keys:
        obj = (
            store.industry(key)
            if kind == "industry"
            else store.customer_type(key)
            if kind == "customer_type"
            else store.framework(key)
        )
        names.append(obj.name if obj else key)
    return " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]


def describe_found(store: KnowledgeStore, found: dict[str, str], lead: str = "Noted") -> str:
    """One short line of what a message was understood to say, for the form to
    show: "Noted: 30 staff, customers: Commercial / private sector, no certification
    yet." Only the slots in `found`; "" when nothing was understood."""
    parts = []
    size = found.get("rec_size")
    if size:
        parts.append("size not given" if size == UNKNOWN else f"{size.replace('-', '–')} staff")
    industry = found.get("rec_industry")
    if industry:
        parts.append(f"industry: {_names(store, 'industry', [industry])}")
    customers = found.get("rec_customers")
    if customers:
        parts.append(
            "customers: not sure"
            if customers == UNKNOWN
            else f"customers: {_names(store, 'customer_type', keys_of(customers))}"
        )
    requirement = found.get("rec_requirement")
    if requirement:
        level = found.get("rec_target_level")
        if requirement == NONE:
            parts.append("no contract requirement yet")
        elif requirement == UNKNOWN:
            parts.append("contract requirements: not sure")
        elif requirement == EITHER:
            parts.append("contracts accept either CMMI or ISO 9001")
        else:
            parts.append(
                f"contracts require {_names(store, 'framework', keys_of(requirement))}"
                + (f" (maturity level {level})" if level else "")
            )
    certifications = found.get("rec_certifications")
    if certifications:
        parts.append(
            "no certification yet"
            if certifications == NONE
            else "certifications: not sure"
            if certifications == UNKNOWN
            else f"already hold {_names(store, 'framework', keys_of(certifications))}"
        )
    if found.get("rec_sites"):
        parts.append(f"{found['rec_sites']} sites")
    months = found.get("rec_deadline_months")
    timeline = found.get("rec_timeline")
    if months:
        parts.append(f"deadline in {months} month{'s' if months != '1' else ''}")
    elif timeline:
        parts.append("timeline: not sure" if timeline == UNKNOWN else _TIMELINE_WORDS[timeline])
    goal = found.get("rec_goal")
    if goal:
        parts.append("goal: not sure" if goal == UNKNOWN else f"goal: {goal.replace('_', ' ')}")
    return f"{lead}: {', '.join(parts)}." if parts else ""


# Someone speaking about their own organization ("we're 45 people", "our
# customers", "I run a software shop"), as opposed to asking about others.
_FIRST_PERSON = re.compile(r"\b(?:we|we're|were|we've|our|ours|us|i|i'm|im|my|mine)\b")
# A sentence or clause that reads as a question: it starts like one ("and what about...",
# "is it...", "third, do we..."), or ends with a question mark. Shared with the NLU's splitting of questions.
# "third", "2nd": a numbered question's lead-in (the NLU splits messages at it too)
ORDINAL = r"(?:(?:first|second|third)(?:ly)?|[1-5](?:st|nd|rd|th))"
QUESTION_LIKE = re.compile(
    rf"^\W*(?:(?:and|so|ok|okay|but|then|also|well|realistically|realisticly|honestly|seriously|basically|"
    rf"{ORDINAL}|q?[1-5])\W+)*(?:what|what's|whats|how|is|isn't|are|aren't|can|could|"
    r"do|does|did|should|would|will|which|who|whom|whose|when|where|why|any|tell me|explain)\b|\?\s*$",
    re.I,
)


_FOLLOW_UP_LEAD = re.compile(r"^\W*(?:and|what about|how about)\s+\S", re.I)


def sentence_asks(sentence: str) -> bool:
    """The sentence asks something: it starts like a question, or ends with "?" and is
    longer than a hedged answer ("kind of both?", "cmmi?")."""
    bare = sentence.strip().rstrip("?! ")
    if "?" in sentence and _FOLLOW_UP_LEAD.match(bare):
        return True  # "and cmmi?", "what about as9100?": the last question asked of another subject
    return bool(QUESTION_LIKE.search(bare)) or ("?" in sentence and len(bare.split()) > HEDGED_WORDS)


_SENTENCE_WITH_END = re.compile(r"[^.!?\n]+[.!?\n]*")
# "clients is only small shops": a sentence that starts with the clients is about the user's
_GIVEN_IN_QUESTION = re.compile(
    r"\b(?:since|as|because|given(?: that)?|now that|considering)\s+((?:we|we're|we've|our)\b[^?.,;:]*)"
)
_CUSTOMERS_ARE = re.compile(r"\W*(?:clients?|customers?)\s+(?:is|are|r)\b")


# a sentence after one about the user that goes on about them: this short, or on their bids
FRAGMENT_WORDS = 5
_THEIR_BIDS = re.compile(r"\b(?:rfps?|tenders?|bids?|solicitations?|contracts?|clients?|customers?)\b")


def statements(
    store: KnowledgeStore,
    text: object,
    entities: Optional[list[dict]] = None,
    first_person: bool = False,
    asked: Optional[str] = None,
) -> dict[str, str]:
    """extract_profile over the statements of a message, leaving out its questions:
    in "we sell to retailers, nothing for government. do we need cmmi?" the
    question is not a requirement. first_person: only sentences about the user's
    own organization ("we", "our"), for messages outside the recommendation form,
    so "does the DoD require ML3?" records nothing. A size with its unit
    ("for 45 ppl") counts wherever it is. asked: the form's question just asked
    ("cmmi l3 for sure. btw is cmmi a certification?" answers it)."""
    raw = str(text or "")
    if not raw.strip() or raw.startswith("/"):
        return {}
    lowered = raw.lower()
    if _BUYER.search(lowered) and not asked:
        return {}  # the question part ("should we ask bidders for...") says who they are
    kept = []
    about_them = False  # the sentence before spoke of the user
    for sentence in _SENTENCE_WITH_END.findall(lowered):
        body = sentence.strip()
        # "we are NOT defense. federal civilian only.", "...some new rfps ask for iso 9001 too.":
        # a short fragment, or a word on their bids, goes on about them
        fragment = (
            about_them
            and (len(body.split()) <= FRAGMENT_WORDS or bool(_THEIR_BIDS.search(body)))
            and not QUESTION_LIKE.search(body)
        )
        # "15 ppl saas startup in pune": a sentence that gives a headcount describes the user too
        about_them = bool(body) and (
            not first_person
            or fragment
            or bool(_FIRST_PERSON.search(body))
            or bool(_CUSTOMERS_ARE.match(body))
            or bool(parse_size(body, bare_number=False))
        )
        if not about_them:
            continue
        # "we sell to retailers, nothing for government: which one should we do?" and
        # "we already have iso 9001, what about cmmi cost": the question parts go
        parts = re.split(r"(?<=[,:;])\s*", body)
        asking = [p for p in parts if QUESTION_LIKE.search(p.strip())]
        # "how long since we already have iso9k?": the reason a question gives is a statement
        given = [g.group(1) for p in asking for g in _GIVEN_IN_QUESTION.finditer(p)]
        statement = " ".join([*(p for p in parts if p not in asking), *given])
        if statement.strip(" ,:;"):
            kept.append(statement.strip(" ,:;") + ".")
    found = extract_profile(store, " ".join(kept), asked=asked) if kept else {}
    size = parse_size(lowered, bare_number=False)
    if size and size != UNKNOWN:
        found["rec_size"] = size
    return found


_RECOMMENDATION_REQUEST = re.compile(
    r"\bwhich (?:one|standard|framework|of (?:them|the two|these)|certification|path|option|first)\b"
    r"|\bwhat (?:should|shall|must|would|do|can) (?:we|i) (?:be )?(?:do|doing|pursue|go for|choose|pick|start with)\b"
    r"|\bwhich (?:should|shall|do|would) (?:we|i) (?:do|pursue|go for|go with|choose|pick|get|start with)\b"
    r"|\b(?:iso|iso 9001|9001|cmmi) or (?:iso|iso 9001|9001|cmmi)\b[^.!]{0,30}\?"
    r"|\bbest (?:path|option|way|approach|route|choice|plan)\b"
    r"|(?<!did you )\brecommend(?!ed)|\bsuggest(?!ed)|\badvi[cs]e (?:us|me)\b|\bhelp (?:me|us) (?:choose|decide)"
    r"|\bchange (?:your|the) (?:advice|recommendation)\b"
)
# "so what do you recommend now?", "does that change your advice?": asked of the user's case
_ASKS_YOUR_ADVICE = re.compile(
    r"\b(?:you (?:recommend|recomend|reccomend|recommand|suggest|advise)|your (?:advice|recommendation))\b"
)


_DECLINES_RECOMMENDATION = re.compile(
    r"\b(?:don'?t|do not|dont|doesn'?t|no|not)\s+(?:really\s+)?"
    r"(?:need|want|looking for|asking for|after|interested in)\s+"
    r"(?:a |any |your |the |more )?(?:recommendation|advice|form|questionnaire|questionary|questions|quiz|survey)\b"
    r"|\bno recommendation\b"
)


def is_buyer(text: object) -> bool:
    """ "help me choose which one to ask for", "we are the buyer": a buyer's choice of what to require
    of suppliers, not the recommendation for their own organization."""
    return bool(_BUYER.search(norm(text)))


def declines_recommendation(text: object) -> bool:
    """ "stop. i dont need a recommendation for us. just tell me: ..." """
    return bool(_DECLINES_RECOMMENDATION.search(str(text or "").lower()))


# "what is more quick and cheap, iso 9001 or cmmi?": a fact about the two, not the decision
_FACT_COMPARISON = re.compile(
    r"\b(?:which|what)(?: one)?(?: is| would be| will be)? (?:more |the |less )?(?:quick\w*|cheap\w*|fast\w*|"
    r"easier|expensive|longer|shorter|costlier)\b[^.?!]*\??"
)


def asks_for_recommendation(text: object) -> bool:
    """ "which one should we do?", "what you recommend?": the user wants the decision
    for their own organization (a "we" or "our" in the message)."""
    lowered = _FACT_COMPARISON.sub(" ", str(text or "").lower())
    return bool(
        _RECOMMENDATION_REQUEST.search(lowered) and (_FIRST_PERSON.search(lowered) or _ASKS_YOUR_ADVICE.search(lowered))
    )


# "we are a software house", "industry is aerospace": the user's own industry, not a client's
_OWN_INDUSTRY = re.compile(
    r"\b(?:we are|we're|we r|i am|i'm|our (?:company|firm|business|industry|sector) is|industry(?: is|:)|"
    r"sector(?: is|:)|we work in|we make|we build|we develop|we are in|we're in)\b"
)


def states_own_industry(text: object) -> bool:
    """The message says what industry the user's organization is in, in so many words."""
    return bool(_OWN_INDUSTRY.search(norm(text)))


def user_statements(store: KnowledgeStore, text: object, entities: Optional[list[dict]] = None) -> dict[str, str]:
    """What a message outside the recommendation form says about the user's own organization."""
    return statements(store, text, entities, first_person=True)
