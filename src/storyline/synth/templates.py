"""Event templates per topic.

Each *slot* is one fact told as a sentence; its variants tell the same fact in different
words. Originals pick one variant per slot, revisions re-pick some (rewording), rewrites
re-pick all of them with another order — so facts survive while shingles do not.
Placeholders are keys of the per-story fact dict built by the generator.
"""

from __future__ import annotations

Slot = tuple[str, ...]

TOPICS: dict[str, tuple[Slot, ...]] = {
    "earthquake": (
        (
            "A magnitude {mag} earthquake struck near {place} on {day}, killing at least {n1} people and injuring {n2}, officials said.",
            "At least {n1} people died and {n2} were hurt when a {mag}-magnitude quake hit the {place} area on {day}.",
            "The death toll from {day}'s magnitude {mag} earthquake near {place} stands at {n1}, with {n2} injured, according to authorities.",
        ),
        (
            "The quake's epicentre was about {n3} kilometres from the city centre at a depth of {n4} kilometres.",
            "Seismologists placed the epicentre roughly {n3} km from {place}, {n4} km below the surface.",
            "According to {org}, the tremor originated {n4} kilometres underground, some {n3} km from the town.",
        ),
        (
            "Rescue teams were searching collapsed buildings for survivors through the night.",
            "Emergency crews worked overnight to pull people from the rubble of flattened homes.",
            "Search-and-rescue workers combed through debris after several apartment blocks collapsed.",
        ),
    ),
    "flood": (
        (
            "Flash floods swept through {place} on {day}, leaving {n1} people dead and forcing {n2} from their homes.",
            "At least {n1} people were killed and {n2} displaced after torrential rain flooded {place} on {day}.",
            "Floodwaters that engulfed {place} on {day} have killed {n1} people and displaced some {n2} residents.",
        ),
        (
            "More than {n3} millimetres of rain fell in {n4} hours, according to {org}.",
            "{org} recorded over {n3} mm of rainfall within {n4} hours.",
            "In just {n4} hours the region received more than {n3} millimetres of rain, forecasters said.",
        ),
        (
            "Roads and bridges were washed away, cutting off several villages.",
            "Several villages remained cut off after bridges and roads were destroyed.",
            "The water destroyed key bridges, isolating outlying communities.",
        ),
    ),
    "wildfire": (
        (
            "A wildfire near {place} has burned more than {n3} hectares since {day}, killing {n1} people.",
            "The blaze outside {place}, which broke out on {day}, has scorched over {n3} hectares and left {n1} dead.",
            "{n1} people have died in a fire that has consumed {n3} hectares around {place} since {day}.",
        ),
        (
            "About {n2} residents were ordered to evacuate as strong winds fanned the flames.",
            "Authorities told roughly {n2} people to leave their homes as gusts drove the fire forward.",
            "Evacuation orders covered some {n2} residents, with winds pushing the fire toward the town.",
        ),
        (
            "Some {n4} firefighters and {n5} aircraft were battling the blaze.",
            "The fire service deployed {n4} firefighters supported by {n5} water-bombing aircraft.",
            "{n5} aircraft and {n4} firefighters were tackling the fire, officials said.",
        ),
    ),
    "election": (
        (
            "Voters in {country} went to the polls on {day} in a closely watched election, with turnout at {n1} percent.",
            "Turnout reached {n1} percent as {country} voted on {day} in an election seen as a test for the government.",
            "{country} held a tightly contested election on {day}, and {n1} percent of voters cast ballots.",
        ),
        (
            "Preliminary results gave {party} {n2} of the {n3} seats in parliament.",
            "{party} won {n2} seats out of {n3}, early results showed.",
            "According to the first count, {party} secured {n2} of {n3} parliamentary seats.",
        ),
        (
            "{org} said counting would be completed within {n4} days.",
            "Final results are expected in {n4} days, {org} said.",
            "The count should be finished in {n4} days, according to {org}.",
        ),
    ),
    "football": (
        (
            "{team1} beat {team2} {n1}-{n2} on {day}, with {p2} scoring twice in front of {n3} fans in {place}.",
            "{p2} struck twice as {team1} defeated {team2} {n1}-{n2} in {place} on {day}, before a crowd of {n3}.",
            "A brace from {p2} gave {team1} a {n1}-{n2} win over {team2} on {day}, watched by {n3} spectators in {place}.",
        ),
        (
            "The result lifts {team1} to {ordinal} place in the league, {n4} points behind the leaders.",
            "{team1} moved up to {ordinal} in the table and now trail the leaders by {n4} points.",
            "With the victory, {team1} climb to {ordinal}, {n4} points off the top.",
        ),
        (
            "{team2} had a player sent off in the {n5}th minute.",
            "{team2} were reduced to ten men after a red card in the {n5}th minute.",
            "A {n5}th-minute sending-off left {team2} a man down.",
        ),
    ),
    "earnings": (
        (
            "{company} reported quarterly profit of {n1} million on {day}, up {n2} percent from a year earlier.",
            "Quarterly profit at {company} rose {n2} percent to {n1} million, the company said on {day}.",
            "{company} said on {day} that it earned {n1} million in the quarter, a {n2} percent increase year on year.",
        ),
        (
            "Revenue climbed to {n3} million, beating analysts' expectations.",
            "Sales reached {n3} million, ahead of market forecasts.",
            "The company's revenue of {n3} million topped what analysts had predicted.",
        ),
        (
            "Shares in {company} rose {n4} percent in early trading in {place}.",
            "{company} stock gained {n4} percent at the open in {place}.",
            "Investors in {place} pushed {company} shares up {n4} percent in morning trade.",
        ),
    ),
    "court": (
        (
            "{org} ruled on {day} that the government's {n1}-year ban on street protests was unconstitutional.",
            "The government's {n1}-year ban on street protests breaches the constitution, {org} decided on {day}.",
            "In a ruling on {day}, {org} struck down a {n1}-year ban on street demonstrations.",
        ),
        (
            "The judges voted {n2} to {n3} in favour of the ruling.",
            "The decision was reached by a {n2}-{n3} majority of the judges.",
            "A majority of {n2} judges backed the ruling, with {n3} dissenting.",
        ),
        (
            "The case was brought by {n4} activists arrested in {place} last year.",
            "The challenge came from {n4} campaigners detained in {place} a year ago.",
            "{n4} protesters who were arrested in {place} last year had filed the case.",
        ),
    ),
    "protest": (
        (
            "Tens of thousands of people marched through {place} on {day} to protest against rising fuel prices, and police said {n1} people were arrested.",
            "Police arrested {n1} people as tens of thousands protested fuel price increases in {place} on {day}.",
            "On {day}, a huge crowd took to the streets of {place} over fuel costs; {n1} arrests were made, according to police.",
        ),
        (
            "Organisers estimated the crowd at {n2}, while police put it at {n3}.",
            "Police counted {n3} demonstrators, though organisers claimed {n2}.",
            "The turnout was {n2} according to organisers and {n3} according to police.",
        ),
        (
            "At least {n4} officers were injured in clashes near the parliament building.",
            "Clashes near parliament left {n4} police officers hurt.",
            "{n4} officers suffered injuries during scuffles outside parliament.",
        ),
    ),
    "launch": (
        (
            "{company} unveiled its new {product} device at an event in {place} on {day}, priced at {n1} dollars.",
            "On {day}, {company} launched the {product} in {place} with a price tag of {n1} dollars.",
            "The {product}, revealed by {company} in {place} on {day}, will sell for {n1} dollars.",
        ),
        (
            "The company said it expects to ship {n2} thousand units in the first quarter.",
            "{company} aims to deliver {n2},000 units in the first three months.",
            "First-quarter shipments are forecast at {n2} thousand units, the firm said.",
        ),
        (
            "The device has a battery life of {n3} hours and goes on sale in {n4} countries.",
            "Sales start in {n4} countries, and the battery lasts {n3} hours, according to the company.",
            "It offers {n3} hours of battery life and will be available in {n4} markets.",
        ),
    ),
    "transport": (
        (
            "A passenger train derailed near {place} on {day}, killing {n1} people and injuring {n2}.",
            "{n1} people died and {n2} were injured when a train came off the tracks near {place} on {day}.",
            "The derailment of a passenger train outside {place} on {day} left {n1} dead and {n2} injured.",
        ),
        (
            "The train was carrying about {n3} passengers at the time.",
            "Around {n3} passengers were on board, the operator said.",
            "Roughly {n3} people were travelling on the train.",
        ),
        (
            "{org} has opened an investigation into the cause of the crash.",
            "The cause is being investigated by {org}.",
            "Investigators from {org} are examining what caused the accident.",
        ),
    ),
}

# Slots every topic can use: officials' quotes, response, context.
QUOTE_SLOTS: tuple[Slot, ...] = (
    (
        '"{quote1}", {t1} {p1} told reporters.',
        '{t1_cap} {p1} said: "{quote1}"',
        '"{quote1}", said {p1}, the {t1}.',
    ),
    (
        '"{quote2}", {p3} of {org} said.',
        '{p3}, speaking for {org}, said "{quote2}"',
        'According to {p3} of {org}, "{quote2}"',
    ),
)

CONTEXT_SLOTS: tuple[Slot, ...] = (
    (
        "The {t1} said more information would be released on {day2}.",
        "Officials promised further details by {day2}.",
        "An update is expected on {day2}, according to the {t1}.",
    ),
    (
        "It is the {ordinal2} such event in {country} this year.",
        "{country} has now seen {n6} similar events this year.",
        "This year alone, {country} has recorded {n6} comparable incidents.",
    ),
    (
        "Local media showed images of crowds gathering in the centre of {place}.",
        "Television footage showed people gathering in central {place}.",
        "Pictures broadcast locally showed crowds in the middle of {place}.",
    ),
    (
        "{org} said it had sent a team of {n7} staff to the area.",
        "A {n7}-strong team from {org} was sent to the scene.",
        "{org} deployed {n7} staff to the region, it said.",
    ),
    (
        "The opposition called for an independent review of the response.",
        "Opposition leaders demanded an independent inquiry into how the authorities responded.",
        "Critics in the opposition urged an independent review.",
    ),
    (
        "Residents described scenes of confusion in the hours that followed.",
        "People living nearby spoke of confusion in the following hours.",
        "Witnesses said the hours afterwards were chaotic.",
    ),
    (
        "The government said it would hold an emergency meeting on {day2}.",
        "An emergency cabinet meeting was called for {day2}.",
        "Ministers are to meet in emergency session on {day2}, the government said.",
    ),
    (
        "Neighbouring countries offered assistance, the foreign ministry said.",
        "Offers of help came from neighbouring states, according to the foreign ministry.",
        "The foreign ministry said several neighbours had offered support.",
    ),
    (
        "{p3} said {n8} people had contacted a hotline set up by the authorities.",
        "A hotline set up by the authorities received {n8} calls, {p3} said.",
        "According to {p3}, the official hotline had taken {n8} calls.",
    ),
    (
        "Analysts said the events could have lasting consequences for the region.",
        "Experts warned the consequences for the region could be long-lasting.",
        "The region may feel the effects for years, analysts said.",
    ),
    (
        "Schools in parts of {place} were closed on {day2}.",
        "Some schools in {place} stayed shut on {day2}.",
        "Parts of {place} saw schools closed on {day2}.",
    ),
    (
        "The {t1} thanked volunteers and emergency workers for their efforts.",
        "Volunteers and emergency staff were praised by the {t1}.",
        "Thanks were given by the {t1} to emergency workers and volunteers.",
    ),
)

QUOTES: tuple[str, ...] = (
    "We are doing everything we can to help those affected",
    "This is a difficult day for our whole community",
    "Our priority now is the safety of every resident",
    "We will learn the lessons of what happened here",
    "The response of our teams has been extraordinary",
    "Nobody should have to go through what these families have endured",
    "We expect the situation to improve over the coming days",
    "The numbers may still change as we receive more reports",
    "We have been preparing for this moment for months",
    "There will be a full and transparent investigation",
)

ORDINALS: tuple[str, ...] = ("second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
