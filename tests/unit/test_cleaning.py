import pytest

from briefing.script.cleaning import RULES, RULES_BY_NAME, clean

DROPPED = [
    ("newsletter-prompt", "Subscribe to our newsletter"),
    ("newsletter-prompt", "Sign up for our daily newsletter!"),
    ("newsletter-prompt", "Get the best stories delivered to your inbox."),
    ("newsletter-prompt", "Your weekly briefing of progressive news."),
    ("newsletter-prompt", "Your daily digest of world news"),
    ("newsletter-prompt", "Email address"),
    ("subscription-confirmation", "You have Successfully Subscribed!"),
    ("subscription-confirmation", "Thanks for signing up!"),
    ("subscription-confirmation", "Please check your inbox to confirm your subscription."),
    ("share-prompt", "Share this article"),
    ("share-prompt", "Share on Facebook"),
    ("share-prompt", "Follow us on Twitter"),
    ("share-prompt", "Click to share on WhatsApp (Opens in new window)"),
    ("share-prompt", "Tweet"),
    ("read-more", "Read more: Italy weighs its options in Libya"),
    ("read-more", "RELATED: Five things to know about Tobruk"),
    ("read-more", "See also"),
    ("read-more", "Continue reading"),
    ("photo-credit", "Photo: AP"),
    ("photo-credit", "Image by John Smith"),
    ("photo-credit", "(Photo by Mahmud Turkia/AFP via Getty Images)"),
    ("photo-credit", "Libyan fighters in Sirte. Reuters/Goran Tomasevic"),
    ("cookie-notice", "We use cookies to improve your experience. By continuing to use this site you agree."),
    ("cookie-notice", "Accept all cookies"),
    ("advertisement", "Advertisement"),
    ("advertisement", "Story continues below advertisement"),
    ("advertisement", "Story continues below gallery"),
    ("share-prompt", "Like this story? Share it with a friend!"),
    ("byline", "By a staff reporter"),
    ("byline", "Staff Reports"),
    ("byline", "From staff reports."),
    ("byline", "Compiled from staff and wire reports"),
    ("byline", "By Jane Doe and John de la Roe"),
    ("byline", "By SARAH EL-DEEB, Associated Press"),
    ("byline", "Reporting by Aidan Lewis; Editing by Alex Richardson"),
    ("photo-credit", "Main image credit: Getty"),
    ("rating-label", "Rating: Mostly False"),
    ("rating-label", "Pants on Fire!"),
    ("listen-prompt", "Listen: The Daily, on Spotify and Apple Podcasts"),
    ("listen-prompt", "Listen to this article"),
    ("shortcode", '[caption id="attachment_12" align="alignnone" width="640"]'),
    ("shortcode", '[gallery ids="1,2,3"] [/gallery]'),
    ("read-more", "DON'T MISS"),
    ("read-more", "China furious at Macron for Hong Kong protest jibe [INSIGHT]"),
    (
        "teaser",
        "A vida requer da gente otimismo e coragem para esperar o melhor e fazer o melhor acontecer. O pessimismo só "
        "faz …",
    ),
    ("timestamp", "Updated at 1:23 p.m."),
    ("timestamp", "segunda-feira, 22 de janeiro de 2018 às 0:13"),
    ("tags", "Tags"),
    ("tags", "05/10/2018 - Publicado por: Clarissa Borba - Categoria: Saúde - Tags: sad"),
    ("comments-prompt", "Tell us what YOU think..."),
    ("comments-prompt", "12 comments"),
    (
        "keyword-list",
        "calendario stock car 2018, stock car brasil, stock car cascavel, stock car interlagos, stock car taruma",
    ),
    (
        "promotion",
        "Get Motor Cycle Monthly delivered through your letterbox every month. 12 issues for £11.99. "
        "Click here for more information.",
    ),
    (
        "newsletter-prompt",
        "Start your day with the Opening Bell. The preferred reading of finance professionals. "
        "Sign up for the free daily newsletter.",
    ),
]

KEPT = [
    "From staff to chief executive: how she rose in ten years.",
    "By the numbers, the port grew by a fifth.",
    # Real sentences that mention the same words are not boilerplate.
    "The newspaper said its subscribers had doubled since it launched a newsletter on the war in Libya last year, "
    "a sign of how much readers wanted news from the front.",
    "Special units from France joined troops from Libya's parliament in Tobruk.",
    "Photographs of the raid were shared widely, and officials said they showed French troops at the base.",
    "He said he would follow the talks closely.",
    "Share prices fell sharply on Tuesday.",
    "Read the full report, which runs to 300 pages and was published by the United Nations on Monday, before judging "
    "it.",
    "By Monday, the city had run out of water.",
    "By then it was too late.",
    "The claim was false, officials said on Tuesday after a review of the footage.",
    "Listen to the mayor and you would think the crisis was over.",
    'He paused, then said: "I don\'t know..."',
    "Updated figures released on Monday by the statistics office showed unemployment had fallen for a third month, "
    "the longest run of falls since the financial crisis.",
    "Comments from the minister drew criticism from the opposition on Tuesday.",
    "Paris, London, Berlin, Rome and Madrid all reported record heat, and officials in each urged people to stay "
    "indoors.",
]


@pytest.mark.parametrize("rule, block", DROPPED)
def test_rule_drops_boilerplate(rule, block):
    kept, dropped = clean([block])
    assert kept == ()
    assert [d.rule for d in dropped] == [rule]


@pytest.mark.parametrize("block", KEPT)
def test_real_paragraphs_are_kept(block):
    kept, dropped = clean([block])
    assert kept == (block,) and dropped == ()


def test_every_rule_has_a_case_and_a_description():
    assert {rule for rule, _ in DROPPED} == set(RULES_BY_NAME)
    assert all(rule.description for rule in RULES)


def test_order_is_kept_and_only_chosen_rules_apply():
    blocks = ["First paragraph of the story.", "Advertisement", "Second paragraph of the story."]
    assert clean(blocks)[0] == ("First paragraph of the story.", "Second paragraph of the story.")
    only_share = tuple(rule for rule in RULES if rule.name == "share-prompt")
    assert clean(blocks, only_share)[0] == tuple(blocks)
