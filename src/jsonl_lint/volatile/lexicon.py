"""Lexicons of the volatile-fact detector: cue patterns by category.

Every pattern is a regular-expression fragment. The detector joins all of them
into one compiled alternation (one pass per turn) and then filters each match
with context checks (sentence tense, arithmetic, anchors). Patterns are written
case-insensitively unless they use ``(?-i:...)`` for proper-noun capitals.
"""

from __future__ import annotations

# Why each category goes stale (used in messages).
REASONS: dict[str, str] = {
    "price": "prices and fees change",
    "rate": "exchange, interest and economic rates move from month to month",
    "market": "stock prices and valuations change by the minute",
    "office": "office holders and executives change with elections and appointments",
    "count": "populations, headcounts and user numbers change over time",
    "version": "a 'latest/current version' claim is outdated by the next release",
    "weather": "weather changes by the hour",
    "schedule": "schedules, opening hours and announced dates change",
    "wait": "waiting, processing and delivery times change with demand and staffing",
    "availability": "stock, sizes and where something is sold change from week to week",
    "record": "records, rankings and standings get broken and reshuffled",
    "as-of": "the claim is dated ('as of ...') and describes a moment that passes",
    "relative-time": "relative time ('today', 'currently', 'recently') ties the claim to when it was written",
    "question": "the question asks about the current state of the world, so any fixed answer goes stale",
}

CATEGORIES: tuple[str, ...] = tuple(REASONS)

# -- shared fragments -------------------------------------------------------------------

APPROX = r"(?:(?:about|around|approximately|roughly|nearly|almost|over|more than|less than|under|just|only|some|an estimated|estimated at|close to|upwards of|currently|now)\s+)*"
NUM = r"\d[\d,]*(?:\.\d+)?"
SCALE = r"(?:\s?(?:k|K|thousand|million|billion|trillion|mn|bn|m|M|B)\b)?"
MONEY = (
    rf"(?:(?:US|A|C|NZ|HK)?[$€£¥₹]\s?{NUM}{SCALE}"
    rf"|{NUM}{SCALE}\s?(?:dollars|euros|pounds|USD|EUR|GBP|JPY|CHF|yen|yuan|rupees|INR|bitcoins?)\b)"
)
MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
         r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
YEAR = r"(?:19|20)\d{2}"
CLOCK = r"\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)"
PROPER = r"(?-i:[A-Z][\w&.'+-]*)"
CURRENCY = (r"(?:(?:US|U\.S\.|Canadian|Australian|Swiss|British|Japanese|Chinese|Indian|Mexican|Brazilian)\s+)?"
            r"(?:dollar|euro|pound(?: sterling)?|sterling|yen|yuan|renminbi|franc|rupee|peso|real|won|rouble|ruble|lira|"
            r"krona|krone|zloty|rand|shekel|dirham|riyal|bitcoin)s?")
CURRENCY_CODE = r"(?:USD|EUR|GBP|JPY|CNY|RMB|CHF|INR|CAD|AUD|NZD|MXN|BRL|KRW|RUB|TRY|SEK|NOK|DKK|PLN|ZAR|HKD|SGD)"
# Keys of the currency cues; "real", "won", "rand" and "TRY" are left out: as English words they
# are too common to gate on, and rates quoted in them are rare.
CURRENCY_KEYS = ("dollar dollars euro euros pound pounds sterling yen yuan renminbi franc francs rupee rupees peso pesos "
                 "rouble roubles ruble rubles lira krona krone kronor kroner zloty shekel shekels dirham dirhams riyal "
                 "riyals bitcoin bitcoins")
CURRENCY_CODE_KEYS = "usd eur gbp jpy cny rmb chf inr cad aud nzd mxn brl krw rub sek nok dkk pln zar hkd sgd"
NUMBER_WORD = r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|sixty|ninety)"
DURATION = (rf"(?:(?:\d+(?:\.\d+)?|a|an|one|{NUMBER_WORD}|a few|several|a couple of)"
            rf"(?:\s?(?:-|–|to|or|and)\s?(?:\d+(?:\.\d+)?|{NUMBER_WORD}))?\s*"
            r"(?:business\s+|working\s+|calendar\s+|full\s+)?(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?)\b)")
AROUND = (r"(?:(?:about|around|approximately|roughly|up to|between|at least|at most|only|just|under|over|less than|"
          r"more than|an estimated|nearly|almost|usually|typically|currently|now)\s+)*")
# Services whose waiting or turnaround time a support answer quotes (not recipes or physics).
SERVICE = (r"(?:processing|shipping|delivery|deliveries|dispatch|approvals?|repairs?|refunds?|renewals?|applications?|"
           r"transfers?|deposits?|withdrawals?|payouts?|clearance|turnaround|responses?|replies|reply|orders?|returns?|"
           r"exchanges?|settlement|fulfil?lment|backlog|lead times?|waiting(?: times?)?|wait times?|(?<=the )wait|"
           r"(?<=a )wait|queue|hold times?|"
           r"(?:dispatch|delivery|shipping|processing|response|turnaround|wait) times?)")
SERVICE_KEYS = ("processing shipping delivery deliveries dispatch approval approvals repair repairs refund refunds renewal "
                "renewals application applications transfer transfers deposit deposits withdrawal withdrawals payout "
                "payouts clearance turnaround response responses replies reply order orders return returns exchange "
                "exchanges settlement fulfillment fulfilment backlog lead wait waiting queue hold")
COLOR = (r"(?:black|white|red|blue|green|yellow|gr[ae]y|silver|gold|rose gold|navy|pink|purple|orange|brown|beige|"
         r"olive|teal|cream|ivory|charcoal|graphite|midnight|starlight|space gr[ae]y)")
VARIANT = (rf"(?:(?:\d+|{NUMBER_WORD}|a dozen)\s+(?:different\s+)?(?:colou?rs?|sizes|finishes|styles|flavou?rs|versions|"
           r"models|capacities|shades|editions|options|configurations|lengths|widths)\b"
           r"|sizes?\s+(?:\d|XS\b|S\b|small\b)"
           rf"|{COLOR}(?:\s*,\s*(?:and\s+|or\s+)?{COLOR}|\s+(?:and|or)\s+{COLOR})+\b)")
PROPER_SEQ = rf"{PROPER}(?:\s+(?:of\s+|the\s+|and\s+|&\s+)?{PROPER}){{0,4}}"

TITLES = (
    r"(?:president|vice[- ]president|prime minister|chancellor|premier|CEO|chief executive(?: officer)?|"
    r"CFO|CTO|COO|chair(?:man|woman|person)?|head coach|governor|mayor|king|queen|monarch|pope|"
    r"secretary[- ]general|secretary of state|speaker of the house|chief justice|attorney general|"
    r"foreign minister|finance minister|managing director|executive director|general secretary|"
    r"leader|owner|dictator|supreme leader|emperor|manager|coach)"
)
# Superlatives for things people rank (not mountains or oceans).
RANKED_NOUNS = (
    r"(?:person|people|man|woman|individual|company|companies|corporation|brand|building|skyscraper|"
    r"employer|retailer|bank|app|apps|website|websites|social (?:network|media platform)|platform|movie|film|"
    r"song|album|artist|singer|band|rapper|athlete|player|team|club|video game|game|smartphone|phone|car|"
    r"automaker|carmaker|airline|airport|search engine|streaming service|cryptocurrency|YouTuber|channel|"
    r"TV show|show|series|book|novel|author|tech company|startup|billionaire|economy|economies)"
)
SUPERLATIVES = (
    r"(?:richest|wealthiest|most valuable|most popular|best[- ]selling|highest[- ]grossing|highest[- ]paid|"
    r"most[- ]followed|most[- ]subscribed|most[- ]streamed|most[- ]watched|most[- ]downloaded|"
    r"most[- ]visited|top[- ]selling|largest|biggest|tallest|fastest[- ]growing|leading|"
    r"top[- ]ranked|highest[- ]ranked)"
)
WORLD = r"(?:in the (?:world|US|U\.S\.|United States|UK|country|nation|industry|market)|in history|of all time|on (?:Earth|the planet)|today|right now|currently|globally|worldwide)"

# -- cue patterns by category --------------------------------------------------------------
# (category, strength, keys, pattern). "strong" cues stand alone; "anchored" cues need
# a name, a date or a present-time word in the sentence; "weak" cues need an anchor
# (a number, a name, a volatile noun). ``keys`` are "key:back" items: a lowercase
# word, symbol or phrase ("as_of" stands for "as of") of which every match contains
# at least one, and how many characters before that key a match may start. A turn
# without any key skips the pattern; otherwise the pattern is only tried (``match``)
# at token starts from ``back`` characters before each key occurrence up to the key.
PATTERNS: list[tuple[str, str, str, str]] = [
    # prices and fees
    ("price", "strong", "$:40 €:40 £:40 ¥:40 ₹:40 dollars:55 euros:55 pounds:55 usd:55 eur:55 gbp:55 jpy:55 chf:55 yen:55 yuan:55 rupees:55 inr:55 bitcoin:55 bitcoins:55",
     rf"\b(?:costs|is priced at|are priced at|priced at|sells for|sell for|retails for|retail for|charges|"
     rf"starts at|start at|starting at|is available for|are available for|goes for|go for|will set you back|"
     rf"is listed at|are listed at|is offered at|subscription is|plan is)\s+(?:from\s+)?{APPROX}{MONEY}"),
    ("price", "strong", "$:3 €:3 £:3 ¥:3 ₹:3 dollars:15 euros:15 pounds:15 usd:15 eur:15 gbp:15 jpy:15 chf:15 yen:15 yuan:15 rupees:15 inr:15 bitcoin:15 bitcoins:15",
     rf"{MONEY}\s*(?:/|per|a|an|each)\s*(?:month|mo|year|yr|annum|user|seat|night|gallon|liter|litre|"
     rf"barrel|ounce|oz|kWh|license|subscription|ride|trip)\b"),
    ("price", "strong", "price:0 prices:0 cost:0 costs:0 fee:0 fees:0 fare:0 fares:0 toll:0 premium:0 subscription:0 membership:0 tuition:0 rent:0 salary:0 salaries:0 wage:0 wages:0 admission:0 msrp:0 minimum:0 entry:0 ticket:0",
     rf"\b(?:price|prices|cost|costs|fee|fees|fare|fares|toll|premium|subscription|membership|tuition|rent|"
     rf"salary|salaries|wage|wages|minimum wage|admission|entry fee|ticket price|MSRP)\s+"
     rf"(?:(?:of|for|in|at)\s+(?:an?\s+|the\s+)?[\w'./ -]{{1,40}}?\s+)?(?:is|are|starts at|ranges from|stands at|"
     rf"sits at|has risen to|has fallen to|runs)\s+{APPROX}{MONEY}"),
    # rates
    ("rate", "strong", "exchange:0",
     r"\bexchange rate\s+(?:between|for|of|from)\b[^.\n]{0,60}?\b(?:is|stands at|sits at|currently|today)\b"),
    ("rate", "strong", " ".join(f"{k}:4" for k in (CURRENCY_KEYS + " " + CURRENCY_CODE_KEYS).split()),
     rf"\b(?:one|a|1)\s?(?:{CURRENCY}|{CURRENCY_CODE})\s?(?:is\s+(?:currently\s+|now\s+)?(?:worth|equal to|valued at|"
     rf"trading at|at)|equals|=|buys|gets you|converts to|is)\s?{APPROX}(?:[$€£¥]\s?)?\d"),
    ("rate", "strong", " ".join(f"{k}:18" for k in CURRENCY_KEYS.split()),
     rf"\b(?:the\s+)?{CURRENCY}\s+(?:is\s+|has\s+|was\s+)?(?:currently\s+|now\s+|just\s+)?(?:trading|trades|worth|"
     rf"valued|fallen|fell|risen|rose|weakened|strengthened|climbed|dropped|slipped|sitting|sits|standing|stands|"
     rf"hovering|hovers|changing hands)\s+(?:at|to|around|near|about|below|above|under|over)\s+{APPROX}(?:[$€£¥]\s?)?\d"),
    ("rate", "strong", " ".join(f"{k}:4" for k in CURRENCY_CODE_KEYS.split()),
     rf"(?-i:\b{CURRENCY_CODE}\s?/\s?{CURRENCY_CODE})\b[^.\n]{{0,20}}?\b(?:is|at|trades|trading|stands|=|of)\s*(?:at\s+)?{APPROX}\d"),
    ("rate", "strong", "interest:0 inflation:0 unemployment:0 mortgage:0 federal:0 fed:0 prime:0 base:0 policy:0 savings:0 deposit:0 lending:0 benchmark:0 repo:0 overnight:0 jobless:0 poverty:0 literacy:0 employment:0 birth:0 growth:0 vacancy:0 tax:0 vat:0 sales:0 income:0 corporate:0",
     rf"\b(?:interest|inflation|unemployment|mortgage|federal funds|fed funds|prime|base|policy|savings|deposit|lending|"
     rf"benchmark|repo|overnight|jobless|poverty|literacy|employment|birth|growth|vacancy|tax|VAT|sales tax|income tax|"
     rf"corporate tax)\s+rates?\s+(?:(?:in|of|for|on)\s+(?:the\s+)?[\w. ]{{1,30}}?\s+)?"
     rf"(?:(?:is|are|stands?|sits?|hovers?|hovering|remains?|has|have|of|at|around|near|currently|now|still|risen to|"
     rf"fallen to|reached|held at|been|sitting|standing)\s+)+{APPROX}{NUM}\s?(?:%|percent|per cent)"),
    ("rate", "strong", "apr:0 apy:0 annual:0 interest:0 yield:0",
     rf"\b(?:APR|APY|annual percentage (?:rate|yield)|interest rate|yield)\s+(?:of|is|at)\s+{APPROX}(?:up to\s+)?{NUM}\s?%"),
    ("rate", "strong", "apr:12 apy:12 interest:12 annual:12",
     rf"(?<!\bat )\b{NUM}\s?%\s?(?:APR|APY|p\.a\.|annual interest|interest|a year in interest|in interest)\b"),
    ("rate", "strong", "rate:36 rates:36",
     rf"\b(?:held|holds|kept|keeps|raised|cut|lowered|left|set|hiked)\s+(?:its\s+|the\s+|their\s+)?(?:benchmark\s+|policy\s+|"
     rf"key\s+|base\s+|main\s+)?(?:interest\s+)?rates?\s+(?:at|to|between|in a range of)\s+{NUM}"),
    ("rate", "strong", "yield:40 yields:40",
     rf"\b(?:Treasury|bond|gilt|bund|10-year|ten-year|2-year|two-year|30-year)\s+(?:note\s+|bond\s+)?yields?\s+"
     rf"(?:(?:is|are|stands?|sits?|hovers?|hovering|of|at|around|near|has|have|risen to|fallen to|currently|now)\s+)+{APPROX}{NUM}\s?%"),
    ("rate", "strong", "savings:0 cd:0 cds:0 certificate:0 certificates:0 money:0 deposit:0 deposits:0",
     rf"\b(?:(?:high-yield\s+)?savings accounts?|CDs?|certificates? of deposit|money market (?:accounts?|funds?)|deposits?)\b"
     rf"[^.\n]{{0,40}}?\b(?:pay|pays|paying|earn|earns|offer|offers|yield|yields|return|returns)\s+{APPROX}(?:up to\s+)?{NUM}\s?%"),
    ("rate", "strong", "gdp:0 inflation:0 cpi:0", rf"\b(?:GDP|inflation|CPI)\s+(?:of\s+[\w. ]{{1,30}}?\s+)?(?:is|stands at|grew by|is growing at)\s+{APPROX}(?:{MONEY}|{NUM}\s?(?:%|percent))"),
    # markets
    ("market", "strong", "price:6",
     r"\b(?:stock|share)\s+price\b[^.\n]{0,50}?\b(?:is|are|stands at|closed at|trades at|trading at|hit|currently)\s+"
     r"(?:(?:currently|now|at|about|around|roughly|approximately|over|under)\s+)*[$€£¥\d]"),
    ("market", "strong", "trading:25 trades:25 trade:25", r"\bshares?\s+(?:are\s+|is\s+)?(?:currently\s+)?trad(?:ing|es|e)\s+(?:at|around|near)\b"),
    ("market", "strong", "market:0 net:0 valuation:0",
     rf"\b(?:market (?:cap|capitalization|value|valuation)|net worth|valuation)\s+(?:of\s+[^.\n]{{1,40}}?\s+)?"
     rf"(?:is|stands at|of|exceeds|has reached|tops|sits at|is estimated at|is valued at)\s+{APPROX}(?:{MONEY}|{NUM}{SCALE})"),
    ("market", "strong", "valued:20 worth:20",
     rf"\b(?:is|are)\s+(?:currently\s+|now\s+)?(?:valued at|worth)\s+{APPROX}{MONEY}"),
    ("market", "strong", "bitcoin:0 ethereum:0 btc:0 eth:0 dogecoin:0 dow:0 nasdaq:0 ftse:0 nikkei:0 dax:0 gold:0 oil:0 crude:0 s&p:0",
     r"\b(?:Bitcoin|Ethereum|BTC|ETH|Dogecoin|Dow Jones|Dow|S&P 500|Nasdaq|FTSE(?: 100)?|Nikkei|DAX|gold|crude oil|oil)\b"
     r"[^.\n]{0,30}?\b(?:is (?:currently |now )?(?:trading|worth|valued|priced|at|hovering)|trades at|closed at|is up|is down)\b"),
    # office holders and executives
    ("office", "strong", "current:0 incumbent:0 reigning:0 serving:0", rf"\b(?:the\s+)?(?:current|incumbent|reigning|serving)\s+{TITLES}\b"),
    ("office", "strong", "president:0 presidents:0 vice:0 prime:0 minister:0 chancellor:0 premier:0 ceo:0 chief:0 cfo:0 cto:0 coo:0 chair:0 chairman:0 chairwoman:0 chairperson:0 coach:0 governor:0 mayor:0 king:0 queen:0 monarch:0 pope:0 secretary:0 speaker:0 justice:0 attorney:0 director:0 leader:0 owner:0 dictator:0 emperor:0 manager:0",
     rf"\b{TITLES}\s+of\s+(?:the\s+)?{PROPER_SEQ}\s+(?:is|remains|is currently|is now)\s+{PROPER}"),
    ("office", "strong", "president:60 presidents:60 vice:60 prime:60 minister:60 chancellor:60 premier:60 ceo:60 chief:60 cfo:60 cto:60 coo:60 chair:60 chairman:60 chairwoman:60 chairperson:60 coach:60 governor:60 mayor:60 king:60 queen:60 monarch:60 pope:60 secretary:60 speaker:60 justice:60 attorney:60 director:60 leader:60 owner:60 dictator:60 emperor:60 manager:60",
     rf"(?-i:\b(?!(?:As|The|If|In|At|On|For|When|While|And|But|So|This|That|Dear|Hello|Hi)\b)[A-Z][a-z]+(?:\s+[A-Z][a-z.]+){{1,3}})\s+(?:is|serves as|is serving as|remains|has been|is currently)\s+"
     rf"(?:the\s+)?(?:current\s+)?(?:co-?)?{TITLES}\s+(?:of|at)\s+(?:the\s+)?{PROPER}"),
    ("office", "strong", "president:50 presidents:50 vice:50 prime:50 minister:50 chancellor:50 premier:50 ceo:50 chief:50 cfo:50 cto:50 coo:50 chair:50 chairman:50 chairwoman:50 chairperson:50 coach:50 governor:50 mayor:50 king:50 queen:50 monarch:50 pope:50 secretary:50 speaker:50 justice:50 attorney:50 director:50 leader:50 owner:50 dictator:50 emperor:50 manager:50",
     rf"(?-i:\b(?!(?:As|The|If|In|At|On|For|When|While|And|But|So|This|That|Dear|Hello|Hi)\b)[A-Z][a-z]+(?:\s+[A-Z][a-z.]+){{1,3}}),\s+(?:the\s+)?(?:current\s+)?{TITLES}\s+(?:of|at)\s+(?:the\s+)?{PROPER}"),
    ("office", "strong", "ceo:15 president:15 prime:15 chancellor:15", rf"\b(?:led|run|headed|chaired|governed)\s+by\s+(?:CEO|President|Prime Minister|Chancellor)\s+{PROPER}"),
    # headcounts and populations
    ("count", "strong", "population:0",
     rf"\bpopulation\s+(?:of\s+[^.\n]{{1,40}}?\s+)?(?:is|stands at|exceeds|has reached|has grown to|tops|of|hovers around)\s+{APPROX}{NUM}"),
    ("count", "strong", "population:14", rf"\b(?:has|have|with)\s+a\s+population\s+of\s+{APPROX}{NUM}"),
    ("count", "strong", "home:3",
     rf"\bis\s+home\s+to\s+{APPROX}{NUM}{SCALE}\s+(?:people|inhabitants|residents|citizens)"),
    ("count", "anchored", "employees:60 staff:60 workers:60 users:60 subscribers:60 customers:60 members:60 followers:60 downloads:60 stores:60 locations:60 restaurants:60 branches:60 outlets:60 listeners:60 viewers:60 readers:60 accounts:60 installations:60 installs:60 clients:60 shareholders:60 franchises:60 offices:60",
     rf"\b(?:has|have|employs|employ|serves|boasts|counts|reaches|surpassed|exceeds|now has)\s+{APPROX}{NUM}{SCALE}\+?\s+"
     rf"(?:(?:monthly|daily|weekly|active|registered|paying|full-time|global|premium|total)\s+)*"
     rf"(?:employees|staff|workers|users|subscribers|customers|members|followers|downloads|stores|locations|"
     rf"restaurants|branches|outlets|listeners|viewers|readers|accounts|installations|installs|clients|"
     rf"shareholders|franchises|offices)\b"),
    ("count", "anchored", "monthly:20 daily:20 weekly:20 active:20",
     rf"\b{NUM}{SCALE}\+?\s+(?:(?:monthly|daily|weekly|active)\s+)+(?:users|subscribers|customers|listeners|viewers|players)\b"),
    # latest / newest / current version
    ("version", "strong", "latest:0 newest:0 recent:4 current:0",
     r"\b(?:latest|newest|most recent|current)\s+(?:[\w.+-]+\s+){0,2}?"
     r"(?:version|versions|release|releases|edition|model|models|generation|iteration|build|firmware|LTS|update|flagship)\b"),
    ("version", "strong", "latest:0 newest:0 recent:4", rf"\b(?:latest|newest|most recent)\s+(?:[a-z-]+\s+){{0,2}}?{PROPER}(?-i:(?=[\s,.;:!?)]|$))"),
    ("version", "strong", "version:50", rf"\b{PROPER}(?:\s+{PROPER}){{0,2}}\s+(?:is|are)\s+(?:now\s+|currently\s+)?(?:at\s+|on\s+)?(?:version|v)\s?\d"),
    ("version", "strong", "released:12 launched:12 announced:12 unveiled:12 introduced:12 shipped:12 rolled:12", r"\b(?:just|recently|newly)\s+(?:released|launched|announced|unveiled|introduced|shipped|rolled out)\b"),
    ("version", "weak", "latest:0 newest:0 recent:4", r"\b(?:latest|newest|most recent)\b"),
    # weather
    ("weather", "strong", "weather:0 forecast:0 temperature:0 temperatures:0 humidity:0 chance_of_rain:0 high_of:0 low_of:0",
     r"\b(?:weather|forecast|temperature|temperatures|humidity|chance of rain|high of|low of)\b[^.\n]{0,40}?"
     r"\b(?:today|tonight|tomorrow|this (?:morning|afternoon|evening|week|weekend)|right now|currently|at the moment)\b"),
    ("weather", "strong", "today:0 tonight:0 tomorrow:0 morning:5 afternoon:5 evening:5 weekend:5",
     r"\b(?:today|tonight|tomorrow|this (?:morning|afternoon|evening|weekend))(?:'s|’s)?\b[^.\n]{0,30}?"
     r"\b(?:weather|forecast|temperature|sunny|cloudy|overcast|rain|raining|snow|snowing|(?:rain|snow|scattered|light|heavy) showers|thunderstorms?|degrees)\b"),
    ("weather", "strong", "degrees:25 °:25", r"\bit(?:'s|’s| is)\s+(?:currently\s+|now\s+)?(?:about\s+|around\s+)?-?\d+\s?(?:°|degrees)"),
    # schedules and opening hours
    ("schedule", "strong", "open:4",
     rf"\b(?:is|are)\s+open\s+(?:daily\s+|every day\s+|from\s+|between\s+|(?:on\s+)?(?:Mondays?|Tuesdays?|Wednesdays?|"
     rf"Thursdays?|Fridays?|Saturdays?|Sundays?|weekdays|weekends)\b[^.\n]{{0,40}}?)?{CLOCK}"),
    ("schedule", "strong", "hours:15", r"\b(?:opening|business|operating|office|store|visiting|library|museum|park)\s+hours\s+(?:are|is)\b"),
    ("schedule", "strong", "opens:0 open:0 closes:0 close:0", rf"\b(?:opens|open|closes|close)\s+(?:at|from|until)\s+(?:{CLOCK}|midnight|noon)"),
    ("schedule", "strong", "departs:0 leaves:0 arrives:0 runs:0", rf"\b(?:departs|leaves|arrives|runs)\s+(?:at|every)\s+(?:{CLOCK}|\d+\s+minutes)"),
    ("schedule", "anchored", "scheduled:4 slated:4 set_to:4 expected:4 due_to:4 planned:4",
     r"\b(?:is|are)\s+(?:scheduled|slated|set|expected|due|planned)\s+to\s+(?:open|launch|release|be released|take place|"
     r"begin|start|close|debut|premiere|air|be held|arrive|ship|go on sale|end)\b"),
    ("schedule", "anchored", "next:4 upcoming:4 forthcoming:4",
     r"\b(?:the\s+)?(?:next|upcoming|forthcoming)\s+(?:presidential\s+|general\s+)?(?:election|elections|Olympics|Olympic Games|"
     r"World Cup|season|release|launch|iPhone|version|model|summit|Super Bowl|tournament|eclipse)\b"),
    # waiting, processing and delivery times
    ("wait", "strong", " ".join(f"{k}:0" for k in SERVICE_KEYS.split()),
     rf"\b{SERVICE}\b(?:\s+(?:to|for|in|at|from|of|on)\s+[\w '-]{{1,30}}?)?\s+"
     rf"(?:(?:usually|typically|normally|generally|currently|now|often|can|may|should|will|is|are)\s+)*"
     rf"(?:takes?|taking|lasts?|arrives? in|is|are|runs?|stands at|sits at)\s+{AROUND}{DURATION}"),
    ("wait", "strong", "processed:26 shipped:26 dispatched:26 delivered:26 refunded:26 approved:26 answered:26 credited:26 "
                       "issued:26 resolved:26 returned:26 handled:26 confirmed:26 activated:26 cleared:26 posted:26 paid:26",
     rf"\b(?:is|are|gets?|will be|should be|can be)\s+(?:(?:usually|typically|normally|generally|currently|often)\s+)?"
     rf"(?:processed|shipped|dispatched|delivered|refunded|approved|answered|credited|issued|resolved|returned|handled|"
     rf"confirmed|activated|cleared|posted|paid out)\s+(?:within|in|after)\s+{AROUND}{DURATION}"),
    ("wait", "strong", "ships:0 ship:0 dispatches:0 delivers:0 processes:0 clears:0 settles:0 responds:0 respond:0 "
                       "replies:0 reply:0 back:5",
     rf"\b(?:ships?|dispatche?s|delivers|processes|clears|settles|responds?|replies|reply|get back to you|hear back)\s+"
     rf"(?:to you\s+|from us\s+)?(?:within|in)\s+{AROUND}{DURATION}"),
    ("wait", "strong", "reply:20 response:20 answer:20 refund:20 delivery:20 decision:20 confirmation:20 callback:20",
     rf"\b(?:expect|receive|get)\s+(?:a|an|your|the)?\s*(?:reply|response|answer|refund|delivery|decision|confirmation|"
     rf"callback)\b[^.\n]{{0,20}}?\b(?:within|in)\s+{AROUND}{DURATION}"),
    ("wait", "strong", "takes:0 take:0",
     rf"\btakes?\s+{AROUND}{DURATION}\s+for\s+(?:a|an|the|your)?\s*{SERVICE}\b"),
    # stock and availability
    ("availability", "strong", "stock:30 sold:30 backorder:30 backordered:30 unavailable:30 available:30 discontinued:30 "
                               "sale:30 supply:30 print:30",
     r"\b(?:is|are|'s|’s|'re|’re|remains?)\s+(?:(?:currently|now|temporarily|still|back|all|already|completely|"
     r"unfortunately|also)\s+)*(?:in stock|out of stock|sold out|on backorder|backordered|"
     r"(?:unavailable|not available)(?=\s+(?:in|at|on|online|to order|for (?:purchase|order|sale|pre-?order|download|"
     r"delivery|pickup|booking)|until|right now|today|currently|anymore|any more)\b)|"
     r"no longer (?:available|sold|offered|in stock)|available (?:for (?:pre-?order|purchase|order|sale|"
     r"download)|to (?:order|buy|pre-?order))|on sale|discontinued|in short supply|out of print)\b"),
    ("availability", "strong", "stock:10 left:12 remaining:12",
     r"\b(?:back in stock|only\s+\d+\s+(?:left|remaining)(?:\s+in stock)?)\b"),
    ("availability", "strong", "available:20 offered:20 sold:20",
     rf"\b(?:is|are)\s+(?:currently\s+|now\s+|also\s+)?(?:available|offered|sold)\s+in\s+{VARIANT}"),
    ("availability", "strong", "comes:0", rf"\bcomes\s+in\s+{VARIANT}"),
    ("availability", "strong", "available:20 streaming:20",
     r"\b(?:is|are)\s+(?:currently\s+|now\s+|also\s+)?(?:available|streaming)\s+(?:exclusively\s+|only\s+)?"
     r"(?:on|at|from|through)\s+(?:all\s+|most\s+|select\s+|participating\s+|major\s+)?(?-i:[A-Z][\w&'.-]+)"),
    # records and standings
    ("record", "strong", "record:20 records:20",
     r"\b(?:world|all-time|Olympic|national|Guinness World)\s+records?\b[^.\n]{0,30}?\b(?:is|are|stands at|holder|holders|is held by)\b"),
    ("record", "strong", "record:30", r"\b(?:holds|hold|currently holds)\s+the\s+(?:current\s+)?(?:world|all-time|Olympic|national)\s+record\b"),
    ("record", "anchored", "record:30", r"\b(?:holds|hold|currently holds)\s+the\s+(?:current\s+)?record\b"),
    ("record", "strong", "current:0 reigning:0 defending:0",
     r"\b(?:current|reigning|defending)\s+(?:world\s+|national\s+|Olympic\s+|league\s+|NBA\s+|NFL\s+)?(?:champions?|title[- ]holders?|record[- ]holders?|No\.\s?1)\b"),
    ("record", "strong", "ranked:16", r"\b(?:is|are)\s+(?:currently\s+|now\s+)?ranked\s+(?:No\.?\s?|number\s+|#)?\d+"),
    ("record", "strong", "league:30 standings:30 table:30 rankings:30 charts:30 billboard:30 box_office:30 leaderboard:30", r"\b(?:currently\s+)?(?:leads|lead|tops|top|sits atop|is atop)\s+the\s+(?:league|standings|table|rankings|charts|Billboard|box office|leaderboard)\b"),
    ("record", "strong", "richest:36 wealthiest:36 valuable:36 popular:36 selling:36 grossing:36 paid:36 followed:36 subscribed:36 streamed:36 watched:36 downloaded:36 visited:36 largest:36 biggest:36 tallest:36 fastest:36 leading:36 ranked:36",
     rf"\b(?:is|are)\s+(?:currently\s+|now\s+)?(?:the\s+)?(?:world's\s+|world’s\s+)?{SUPERLATIVES}\s+(?:[\w-]+\s+){{0,2}}?{RANKED_NOUNS}\b"),
    ("record", "strong", "richest:22 wealthiest:22 valuable:22 popular:22 selling:22 grossing:22 paid:22 followed:22 subscribed:22 streamed:22 watched:22 downloaded:22 visited:22 largest:22 biggest:22 tallest:22 fastest:22 leading:22 ranked:22",
     rf"\bthe\s+(?:world's\s+|world’s\s+)?{SUPERLATIVES}\s+(?:[\w-]+\s+){{0,2}}?{RANKED_NOUNS}\s+(?:{WORLD}\s+)?(?:is|are)\b"),
    ("record", "strong", "populous:4 richest:4 wealthiest:4",
     r"\b(?:the\s+)?(?:most populous|richest|wealthiest)\s+(?:country|countries|city|cities|nation|state)\b"),
    ("record", "strong", "won:0 wins:0 winner:0 winners:0 champion:0 champions:0",
     r"\b(?:won|wins|winners? of|champions? of)\s+the\s+(?:last|latest|most recent|current|this year's|previous|recent)\s+\w+"),
    # dated statements
    ("as-of", "strong", "as_of:0",
     rf"\bas of\s+(?:(?:early|mid|late|the end of|the start of|the beginning of|the first half of)\s+)?"
     rf"(?:{MONTH}\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?(?:{YEAR}|Q[1-4]\s+{YEAR})\b"),
    ("as-of", "strong", "as_of:0",
     r"\bas of\s+(?:today|now|this (?:writing|year|month|week|morning)|writing|the time of writing|right now|yesterday|"
     r"last (?:year|month|week|night)|(?:my|the) (?:last|latest|most recent) (?:update|knowledge update|training|information|data|verified information)|"
     r"(?:my|the) knowledge cut-?off)"),
    ("as-of", "strong", "writing:25 press_time:12 as_we_speak:0 point_in_time:14 things_stand:10", r"\b(?:at the time of (?:this )?writing|at (?:the time of )?press time|as we speak|at this point in time|as things stand)\b"),
    # relative time
    ("relative-time", "weak", "currently:0 presently:0 nowadays:0 today:0 recently:0 lately:0 present:3 moment:7 now:9 days:6 year:14 month:14 week:14 season:5 quarter:5 date:8",
     r"\b(?:currently|at present|presently|at the moment|right now|as of now|these days|nowadays|"
     r"today|this (?:year|month|week|season|quarter)|so far this year|year to date|recently|lately|"
     r"this past (?:year|month|week)|last (?:week|month)|to date|up to now)\b"),
]

# Cues that make a user turn a question about the current state of the world.
# (category, keys, pattern); the generic "question word ... current" pattern comes
# last so a specific one names the phrase when both match.
QUESTION_PATTERNS: list[tuple[str, str, str]] = [
    ("question", "who:0", rf"\bwho(?:'s|’s| is| are| runs| leads| heads)\s+(?:the\s+)?(?:current\s+)?{TITLES}s?\s+(?:of|at|for)\b"),
    ("question", "how:0 what:0",
     r"\b(?:how much (?:does|do|is|are|will|would)\b[^?\n]{0,60}?\b(?:cost|costs|charge|price|fee)|"
     r"what(?:'s|’s| is| are)\s+the\s+(?:current\s+)?(?:price|prices|cost|fee|fees|fare|exchange rate|interest rate|"
     r"inflation rate|unemployment rate|stock price|share price|market cap|market capitalization|net worth|valuation)s?\s+(?:of|for|in|on|between)\b)"),
    ("question", "what:0 how:0 will:0", r"\b(?:what(?:'s|’s| is)\s+the\s+weather|how(?:'s|’s| is)\s+the\s+weather|will it (?:rain|snow)|what(?:'s|’s| is)\s+the\s+(?:temperature|forecast))\b"),
    ("question", "what:0 when:0", r"\b(?:what time (?:does|do|is|are)\b[^?\n]{0,50}?\b(?:open|close|start|leave|depart|arrive)|when (?:does|do)\b[^?\n]{0,40}?\b(?:open|close))\b"),
    ("question", "what:0 how:0", r"\b(?:what(?:'s|’s| is)\s+the\s+population\s+of|how many people live in|how many (?:employees|users|subscribers|customers) does)\b"),
    ("question", "who:0 what:0 which:0", rf"\b(?:who(?:'s|’s| is)|what(?:'s|’s| is)|which(?: \w+)? is)\s+the\s+(?:world's\s+)?{SUPERLATIVES}\s+(?:[\w-]+\s+){{0,2}}?{RANKED_NOUNS}\b"),
    ("question", "who:0", r"\bwho (?:won|is winning|holds|leads)\s+(?:the\s+)?(?:last|latest|most recent|this year's|current)?\b[^?\n]{0,40}?\b(?:election|cup|championship|title|record|league|series|bowl|award|race|tournament|oscar|grammy|prize)\b"),
    ("question", "what:0 who:0 how:0 when:0 which:0 where:0 is:0 are:0 tell:0 do:0 calculate:0 look:0",
     r"\b(?:what(?:'s|’s| is| are| was)|who(?:'s|’s| is| are)|how much|how many|how high|how low|when (?:is|does|do|are|will)|"
     r"which|where (?:is|can)|is there|are there|tell me|do you know|calculate|look up)\b"
     r"[^?.\n]{0,80}?\b(?:current|currently|latest|newest|most recent|right now|today|tonight|this (?:week|month|year|season|weekend)|"
     r"at the moment|these days|nowadays|upcoming|recent|recently|real[- ]time)\b"),
]

# Answers that decline or point elsewhere for current facts (not a stale claim).
DEFERRALS = (
    r"\b(?:I (?:don't|do not|cannot|can't|am unable to|'m unable to|am not able to|'m not able to)\s+(?:have\s+)?"
    r"(?:access|provide|browse|check|know|look up|give you (?:real-time|live|current))|real[- ]time (?:data|information|updates)|"
    r"up[- ]to[- ]date information|(?:as of|since) my (?:last|knowledge|training)|knowledge cut-?off|my training data|"
    r"I (?:recommend|suggest|would recommend) checking|please (?:check|visit|consult|refer to|provide|specify|tell me|share|"
    r"let me know|clarify)|(?:could|can|would) you (?:please )?(?:provide|specify|tell me|share|let me know|clarify)|"
    r"here(?:'s| is) a link|(?:check|visit|contact|call|consult|try|see) (?:with )?(?:the|a|an|their|its|your) [\w ,'-]{0,40}?"
    r"(?:website|site|page|office|department|agency|app|provider|authority|embassy|dealer|store|bank)\b|"
    r"(?:check|visit|consult) (?:the|a|an|their|its|your) (?:official|latest|website|local|current|most recent)|"
    r"may have changed|subject to change|for the most (?:current|up-to-date|recent|accurate)|I'm not sure|I am not sure)"
)

# Requests whose answer is invented or reworded, not stated as fact: fiction, role-play,
# marketing copy, and transformations of a given text. Time words there belong to the genre
# ("Today marks a milestone ...", "We recently launched ...").
CREATIVE = (
    r"\b(?:write|compose|create|generate|draft|make up|invent|come up with|tell|construct|produce|design)\b[^.?!\n]{0,80}?"
    r"\b(?:story|stories|poem|poems|song|lyrics|rap|verse|dialogues?|conversation|script|scene|tale|fable|letter|e-?mail|"
    r"advert|advertisement|ad|slogan|tagline|tweet|post|caption|speech|news (?:report|article|story|headline)|"
    r"press release|narrative|monologue|joke|haiku|limerick|sales pitch|pitch|commercial|blurb|product description|"
    r"review|diary|journal entry|announcement|newsletter|message|note|reminder|notice|memo|invitation|greeting|"
    r"profile|bio|biography|resume|cover letter)\b"
    r"|\b(?:rewrite|rephrase|paraphrase|reword|edit|revise|polish|shorten|summari[sz]e|translate|convert|make)\b[^.?!\n]{0,60}?"
    r"\b(?:sentence|text|paragraph|passage|article|following|given|this|it|input|statement|email|message|more)\b"
    r"|\b(?:using|based on|from|with|given)\s+(?:the\s+)?(?:information|data|details|input|facts|text)\s+"
    r"(?:provided|given|below|above)"
    r"|\b(?:examples?|samples?|templates?|mock|fictional|hypothetical|made-up|imaginary)\b"
    r"|\b(?:pretend|imagine|suppose)\s+(?:you are|you're|to be|that)\b|role-?play|\bact as\b"
    r"|\byou are (?:a|an|the|(?-i:[A-Z]))\w*\b(?! (?:helpful|harmless|honest|friendly|AI|assistant|language model|"
    r"chatbot|large language model)\b)"
)

# Common words that carry no content (for comparing an answer with its prompt).
STOP_WORDS = frozenset("""
a an the this that these those it its is are was were be been being am do does did to of in on at by for with from
as and or but so if then than there here i me my you your we our they them their he him his she her what which who
whom how why when where will would can could should shall may might must have has had not no yes very just also
""".split())

# Words that start sentences or are capitalised without naming anything.
NOT_NAMES = frozenset("""
a an the this that these those it its it's he she they we you i i'm i've i'd i'll my our your his her their there here
if in on for as at of to by from with without about after before during since until while when where what who whom whose
which why how and but or so because although though however also additionally furthermore moreover therefore thus
then first second third finally next lastly overall today currently recently now nowadays yes no not all some many most
each every any both few several one two three four five six seven eight nine ten dear hi hello thanks thank please
let let's make use try create write generate describe explain list give provide identify classify summarize rewrite
find choose select compare name tell answer consider imagine suppose assume step example note output input instruction
response question q a. q: a: mr mrs ms dr sir madam monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december is are was were do does did can
could should would will shall might must have has had be been being more less very just only even still such other
another same new old good great best better well much hence instead meanwhile similarly likewise unlike like despite
""".split())

# Words that make a weak time cue a claim about something that changes.
VOLATILE_WORDS = frozenset("""
price prices cost costs fee fees rate rates stock stocks shares market ceo president minister governor mayor
chancellor champion champions ranked ranking rankings population employees users subscribers customers version
release released launched announced unveiled election elections weather temperature forecast inflation
unemployment gdp pandemic war sales revenue valuation worth billion million trillion percent
""".split())
# Words that make a time-marked sentence a claim about the present state of something
# ("the pool is closed today", "we are currently hiring", "there is currently no cure").
STATE_WORDS = frozenset("""
open opens closed closes shut available unavailable down offline outage outages delayed delay delays cancelled canceled
suspended postponed blocked congested congestion traffic jammed flooded flooding crowded busy full booked sold stock
backorder backordered discount discounted sale promotion free special specials hiring recruiting accepting accept
accepts enrolling ships shipping delivering supports offers offering runs running operating operates serving taking
construction maintenance renovation renovations repair repairs closure closures experiencing shortage shortages
recession lockdown restrictions restricted ban banned allowed permitted legal illegal required mandatory limited only
beta preview testing trial trials invite pending negotiations talks leading leads trails ranked tied unbeaten injured
vacant queue queues wait longer progress
""".split())
# Words that make "today" mean "in our era" ("more people alive today than ever").
ERA_WORDS = frozenset("""
than ever history historically unlike compared contrast ancient centuries century decades ago past used once anymore
era generation generations counterparts modern medieval since remain remains continue continues legacy become became
becoming evolved grown grew changed transformed like
""".split())
# Words of generic or hedged statements, which a time word does not pin to a date.
HEDGE_WORDS = frozenset("could might may would generally usually typically often always tend tends".split())

# Words a deferring answer needs ("I don't have access ...", "please check ...").
DEFER_WORDS = frozenset("""
access provide browse check know look give real information last knowledge cutoff training recommend suggest
please visit consult refer changed subject most sure specify clarify tell share link contact call try see
""".split())
PAST_WORDS = frozenset("""
was were had did became founded born died sank fell ended began won lost invented discovered signed built
released launched elected served ruled reigned hit reached peaked closed
""".split())
ELECTRIC_WORDS = frozenset("""
circuit circuits resistor resistors voltage volt volts ampere amperes amp amps ohm ohms electric electrical
electron electrons battery batteries conductor ac dc river rivers ocean oceans stream streams water
""".split())
MATH_WORDS = frozenset("times multiply multiplied divide divided total altogether".split())
