"""The kiosk's on-screen keyboard and search in a real browser, at the kiosk's portrait size:
tapping letters finds services (in either script), keys are big enough to hit, and the
Cyrillic/Latin switch, backspace and clear work."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import KIOSK_VIEWPORT


@pytest.fixture
def search_page(shared_server, new_context):
    """The search screen of an office (centar: mk, sq, bg, en; haskovo: bg, en, tr), in
    Macedonian unless asked, on a touch screen."""

    def open_page(lang: str = "mk", office: str = "centar"):
        page = new_context(KIOSK_VIEWPORT, has_touch=True).new_page()
        page.goto(f"{shared_server.url}/kiosk/{office}/search?lang={lang}")
        expect(page.locator(".kb")).to_be_visible()
        return page

    return open_page


def tap_keys(page, letters: str) -> None:
    for letter in letters:
        page.locator(f'.kb-layout:not([hidden]) [data-kb-key="{letter}"]').tap()


@pytest.mark.browser
def test_tapping_cyrillic_letters_finds_the_service(search_page):
    page = search_page("mk")
    tap_keys(page, "извод")
    expect(page.locator("#k-search-input")).to_have_value("извод")
    expect(page.locator("#k-results mark").first).to_have_text("Извод")


@pytest.mark.browser
def test_latin_switch_types_latin_and_still_finds_cyrillic_names(search_page):
    page = search_page("mk")
    switch = page.locator("[data-kb-action=switch]")
    # The interface is in Macedonian here: the label is whichever the page was given.
    to_latin = switch.get_attribute("data-kb-label-latin")
    to_cyrillic = switch.get_attribute("data-kb-label-cyrillic")
    assert to_latin and to_cyrillic and to_latin != to_cyrillic
    expect(switch).to_have_attribute("aria-label", to_latin)
    switch.tap()
    expect(switch).to_have_attribute("aria-label", to_cyrillic)
    expect(page.locator('[data-kb-key="љ"]')).to_be_hidden()
    tap_keys(page, "izvot")  # with a typo
    expect(page.locator("#k-search-input")).to_have_value("izvot")
    expect(page.locator("#k-results .k-tile").first).to_contain_text("Извод")


@pytest.mark.browser
def test_backspace_space_and_clear_edit_the_query(search_page):
    page = search_page("en")
    field = page.locator("#k-search-input")
    tap_keys(page, "birtx")
    page.locator("[data-kb-action=backspace]").tap()
    tap_keys(page, "h")
    page.locator("[data-kb-action=space]").tap()
    tap_keys(page, "c")
    expect(field).to_have_value("birth c")
    expect(page.locator("#k-results .k-tile").first).to_contain_text("Birth")
    page.locator("[data-kb-action=clear]").tap()
    expect(field).to_have_value("")
    expect(page.locator("#k-results .k-tile")).to_have_count(0)


@pytest.mark.browser
@pytest.mark.parametrize(("lang", "letters"), [("sq", "ëç"), ("tr", "çğıöşü"), ("bg", "ъщя")])
def test_each_language_has_its_own_letters(search_page, lang, letters):
    page = search_page(lang, "haskovo" if lang == "tr" else "centar")
    for letter in letters:
        expect(page.locator(f'.kb-layout:not([hidden]) [data-kb-key="{letter}"]')).to_be_visible()
    if lang == "sq":
        expect(page.locator("[data-kb-action=switch]")).to_have_count(0)


@pytest.mark.browser
def test_every_key_is_a_large_touch_target_inside_the_screen(search_page):
    page = search_page("mk")
    sizes = page.eval_on_selector_all(
        ".kb .kb-key",
        "keys => keys.filter(k => k.offsetParent).map(k => {"
        " const r = k.getBoundingClientRect(); return [r.width, r.height, r.left, r.right]; })",
    )
    assert len(sizes) == 31 + 4  # the Macedonian alphabet, then switch, space, backspace, clear
    for width, height, left, right in sizes:
        assert width >= 80 and height >= 80
        assert left >= 0 and right <= KIOSK_VIEWPORT["width"]
