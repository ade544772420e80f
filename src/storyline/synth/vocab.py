"""The project's own vocabularies (invented or generic names; no external data)."""

from __future__ import annotations

PLACES: tuple[tuple[str, str], ...] = (
    ("Valmora", "Estland"),
    ("Port Sarin", "Estland"),
    ("Kettering Bay", "Norland"),
    ("Aldhaven", "Norland"),
    ("Brisca", "Meridia"),
    ("San Olvera", "Meridia"),
    ("Tessaly", "Caldor"),
    ("Marrow Point", "Caldor"),
    ("Ostrava Nova", "Varenia"),
    ("Lindqvist", "Varenia"),
    ("Qarim", "Sahel Republic"),
    ("Dunmere", "Albion Isles"),
    ("Fenwick", "Albion Isles"),
    ("Koravi", "Tamaru"),
    ("Nisshin Bay", "Tamaru"),
    ("Puerto Alba", "Costa Verde"),
    ("Riverton", "Columbia Federation"),
    ("Greyhollow", "Columbia Federation"),
    ("Asterby", "Westmark"),
    ("Belhaven", "Westmark"),
    ("Zelenograd Sever", "Varenia"),
    ("Ibarra", "Costa Verde"),
    ("Monteluce", "Meridia"),
    ("Harlow Cross", "Norland"),
    ("Sundar", "Tamaru"),
    ("Kivu Lake", "Sahel Republic"),
)

FIRST_NAMES: tuple[str, ...] = (
    "Amara",
    "Jonas",
    "Priya",
    "Mateo",
    "Ingrid",
    "Kwame",
    "Lucia",
    "Tomasz",
    "Hana",
    "Omar",
    "Elena",
    "Rafael",
    "Sofia",
    "Dmitri",
    "Aiko",
    "Samuel",
    "Leila",
    "Viktor",
    "Nadia",
    "Pedro",
    "Grace",
    "Henrik",
    "Yusuf",
    "Marta",
    "Chen",
    "Farah",
    "Luca",
    "Zara",
    "Ivan",
    "Mei",
)

LAST_NAMES: tuple[str, ...] = (
    "Okafor",
    "Lindgren",
    "Raman",
    "Castillo",
    "Novak",
    "Mensah",
    "Ferreira",
    "Kowalski",
    "Tanaka",
    "Haddad",
    "Petrova",
    "Moreau",
    "Santos",
    "Volkov",
    "Nakamura",
    "Adeyemi",
    "Bakker",
    "Ortega",
    "Kaur",
    "Hughes",
    "Rossi",
    "Jensen",
    "Abebe",
    "Duarte",
    "Weber",
    "Silva",
    "Ibrahim",
    "Larsen",
    "Costa",
    "Brennan",
)

OFFICIAL_TITLES: tuple[str, ...] = (
    "interior minister",
    "regional governor",
    "mayor",
    "police chief",
    "health minister",
    "civil protection director",
    "government spokesperson",
    "fire service commander",
)

ORGANISATIONS: tuple[str, ...] = (
    "the National Disaster Agency",
    "the Red Crescent Society",
    "the Ministry of Transport",
    "the Electoral Commission",
    "the Supreme Court",
    "the Chamber of Commerce",
    "the Civil Liberties Union",
    "the Meteorological Office",
    "the Rail Safety Board",
    "the Consumer Protection Authority",
    "the Teachers' Union",
    "the Port Authority",
)

COMPANIES: tuple[str, ...] = (
    "Norvex",
    "Altura Systems",
    "Brightline Foods",
    "Kestrel Motors",
    "Helio Pharma",
    "Quanta Retail",
    "Solvane Energy",
    "Tidewater Bank",
    "Orbis Telecom",
    "Pinecrest Mining",
)

PRODUCTS: tuple[str, ...] = (
    "Nova X",
    "AirLite 3",
    "Pulse Pro",
    "Vector One",
    "Halo S",
    "Orion Mini",
    "Aero 5",
    "Zenith",
)

TEAMS: tuple[str, ...] = (
    "Valmora United",
    "Port Sarin Rovers",
    "Aldhaven City",
    "Brisca Athletic",
    "Tessaly FC",
    "Marrow Point Wanderers",
    "Koravi Stars",
    "Dunmere Town",
    "Riverton Rangers",
    "Asterby Lions",
)

PARTIES: tuple[str, ...] = (
    "the Progressive Alliance",
    "the National Union",
    "the Green Future Party",
    "the Liberal Democrats",
    "the People's Front",
    "the Reform Movement",
)

AGENCIES: tuple[str, ...] = (
    "Reuterline",
    "APX",
    "Agence Globale",
    "NewsWire International",
    "Pacifica Press",
)

WEEKDAYS: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)

# (outlet name, domain, header noise lines, footer noise lines)
OUTLETS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "The Daily Meridian",
        "dailymeridian.example",
        ("Advertisement", "Supported by"),
        ("Share this article", "Read more: {related}"),
    ),
    (
        "Evening Ledger",
        "eveningledger.example",
        ("Share this article", "Advertisement"),
        ("Copyright Evening Ledger. All rights reserved.",),
    ),
    (
        "Northern Courier",
        "northerncourier.example",
        ("Supported by",),
        ("Read more: {related}", "Sign up for our newsletter"),
    ),
    (
        "Global Times Post",
        "globaltimespost.example",
        ("Advertisement",),
        ("Follow us on social media", "Advertisement"),
    ),
    (
        "City Herald",
        "cityherald.example",
        ("Skip to main content", "Advertisement"),
        ("Read more: {related}",),
    ),
    (
        "The Observer Today",
        "observertoday.example",
        ("Supported by",),
        ("Share this article", "Comments are closed."),
    ),
    (
        "Metro Bulletin",
        "metrobulletin.example",
        ("Advertisement",),
        ("Read more: {related}", "Share this article"),
    ),
    (
        "Coastal Gazette",
        "coastalgazette.example",
        ("Subscribe now", "Supported by"),
        ("Advertisement",),
    ),
)

PHOTO_CREDITS: tuple[str, ...] = (
    "Photo: {agency}",
    "(Photo by {agency}/Getty)",
    "Image credit: {agency} file photo",
    "Photograph: {agency}",
)

RELATED: tuple[str, ...] = (
    "Markets close higher on tech rally",
    "Heatwave warnings extended",
    "Five things to watch this week",
    "How the budget affects you",
    "Opinion: the case for reform",
)
