"""The word lists and patterns the rule-based entity extractor reads (storyline.features.entities).

Data, not logic: words capitalized by position or convention, titles, cue words for the kind of
a name, countries and demonyms, and the phrase patterns. Kept apart so the rules read as rules.
"""

from __future__ import annotations

import re

# Words that are capitalized by position or convention, never names on their own.
_STOP = frozenset(
    """
    a an the this that these those there their they them then than he she it its his her hers we
    our us you your i me my mine who whom whose what when where why how which while after before
    but and or nor so yet for of in on at by to from with without into onto over under about as
    if because although though since until unless also still even just only not no yes all any
    some many most more much few several each every both either neither other another such same
    one two three four five six seven eight nine ten first second third last next old
    according meanwhile however moreover furthermore instead otherwise thus therefore already
    earlier later now today tonight yesterday tomorrow here again once twice perhaps maybe
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    mr mrs ms dr prof sir madam mister miss st
    president minister prime chancellor governor senator sen rep representative mayor chief
    king queen prince princess pope judge justice secretary general gen col lt sgt capt officer
    spokesman spokeswoman spokesperson director chairman chairwoman ceo head leader coach manager
    police officials official authorities experts residents witnesses critics analysts sources
    advertisement photo image video read share subscribe click related updated published posted
    attorney ombudsman envoy ambassador commissioner inspector
    tv gmt utc bst est edt pdt pst ceo cfo dl pm am id gdp faq url timeline profile latest
    is are was were be been being has have had do does did will would can could should may might
    must shall said says say told asked added noted according
    """.split()  # noqa: SIM905 - word lists read better as text
)
_TITLES = frozenset(
    """
    mr mrs ms dr prof sir dame lord lady president minister chancellor governor senator sen rep
    mayor judge justice secretary general gen col lt sgt capt coach manager captain striker
    forward defender midfielder goalkeeper ceo chairman chairwoman spokesman spokeswoman
    spokesperson director officer inspector inspector-general commissioner ambassador envoy
    ombudsman attorney gov dl qb lb wr te rb king queen prince princess
    pope bishop archbishop rev father sheikh premier chief leader star actor actress singer
    """.split()  # noqa: SIM905 - word lists read better as text
)
_ORG_WORDS = frozenset(
    """
    inc corp corporation co ltd llc plc group company bank party ministry department council
    university college school institute association agency committee commission court police
    army navy force forces union league federation club fc united city rovers athletic airlines
    airways motors pharma energy capital holdings partners foundation fund organisation
    organization office service services authority board parliament congress senate assembly
    government times post news press journal herald gazette tribune network media studios labs
    technologies systems hospital church
    """.split()  # noqa: SIM905 - word lists read better as text
)
_PLACE_WORDS = frozenset(
    """
    city county province state region district island islands bay river lake mountain mountains
    valley coast street road avenue square airport station harbour harbor port beach park
    village town peninsula gulf sea ocean strait desert
    """.split()  # noqa: SIM905 - word lists read better as text
)
_PLACE_PREP = frozenset({"in", "at", "near", "from", "to", "across", "outside", "inside", "into"})
_COUNTRIES = frozenset(
    """
    afghanistan albania algeria argentina armenia australia austria azerbaijan bangladesh belarus
    belgium bolivia bosnia brazil bulgaria cambodia cameroon canada chile china colombia congo
    croatia cuba cyprus czechia denmark ecuador egypt england estonia ethiopia finland france
    gambia georgia germany ghana greece guatemala haiti honduras hungary iceland india indonesia
    iran iraq ireland israel italy jamaica japan jordan kazakhstan kenya korea kosovo kuwait laos
    latvia lebanon libya lithuania malaysia mali mexico moldova mongolia morocco mozambique
    myanmar nepal netherlands nicaragua niger nigeria norway pakistan palestine panama paraguay
    peru philippines poland portugal qatar romania russia rwanda scotland senegal serbia
    singapore slovakia slovenia somalia spain sudan sweden switzerland syria taiwan tanzania
    thailand tunisia turkey uganda ukraine britain uruguay uzbekistan venezuela vietnam wales yemen
    zambia zimbabwe europe africa asia america americas antarctica oceania london paris berlin
    moscow beijing tokyo washington delhi madrid rome kyiv kiev istanbul cairo sydney toronto
    chicago boston seattle california texas florida york brussels geneva dubai mumbai
    """.split()  # noqa: SIM905 - word lists read better as text
)
_NATIONALITY_SUFFIX = re.compile(r"(?:an|ian|ese|ish|i)$")
# Demonyms that glue onto the name after them ("American Kevin King", "Australian Timothy
# Weeks"): split off, they are not part of the name.
_DEMONYMS = frozenset(
    """
    american australian british canadian chinese russian ukrainian syrian afghan german french
    italian spanish portuguese swedish norwegian danish finnish polish dutch belgian swiss
    austrian irish scottish welsh english indian pakistani iranian iraqi israeli palestinian
    lebanese egyptian turkish greek japanese korean vietnamese thai mexican brazilian
    argentine nigerian kenyan ethiopian african asian european arab saudi qatari emirati
    venezuelan colombian cuban haitian sudanese libyan yemeni ecuadorean ecuadorian
    """.split()  # noqa: SIM905 - word lists read better as text
)
# US party-and-state tags after a lawmaker's name: "(D-Minn.)", "R-W.Va.".
_PARTY_TAG = re.compile(r"^[DRI]-[A-Z]")

# A word of a name: "AT&T", "U.S." (and "U.S.-Mexico"), an abbreviated title, a capitalized
# word, or a middle initial followed by the rest of the name ("Patrick W. Carlineo").
_WORD = (
    r"[A-Z]{1,4}&[A-Z]{1,4}\b|(?:[A-Z]\.){2,}(?:-[A-Z][a-z]+\b)?"
    r"|(?:Mr|Mrs|Ms|Dr|Prof|St|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt)\."
    r"|[A-Z]\.(?=[ ][A-Z][a-z])|[A-Z][\w'\u2019.-]*[\w]|[A-Z]"
)
# One lower-case word joins two capitalized ones; "the" never does ("Polygraph.info the
# Russian ...", "Ivan Duarte of the Chamber of Commerce" is a person and an organisation);
# "am", "upon", "sur" join place names ("Braunau am Inn", "Newcastle upon Tyne").
_CONNECT = r"(?:of|de|del|da|di|du|des|van|von|der|la|le|al|bin|for|am|upon|sur|&)"
_PHRASE = re.compile(
    rf"(?<![\w'])(?:{_WORD})(?:(?:[ ](?:{_CONNECT}[ ])?)(?:{_WORD}))*"
)
_ACRONYM = re.compile(r"^(?:[A-Z]\.)+[A-Z]?$|^[A-Z][A-Z0-9&]{1,7}s?$")
_SENT_END = re.compile(r"[.!?\"':;\n(\[-]\s*$")
_QUOTE_AFTER_COMMA = re.compile(r",[\"'\u201d\u2019]+\s*$")
_SAID_AFTER = re.compile(r"^,?\s*(?:said|says|told|added|wrote|tweeted|who|,\s*\d{1,3},)")
