"""Every kiosk screen carries the accessibility footer, the help dialog and the idle settings."""

import re

HX = {"HX-Request": "true"}


def idle_settings(html: str) -> dict:
    """The inactivity settings a kiosk page hands to static/js/kiosk.js."""
    body = re.search(r"<body[^>]*>", html).group(0)
    return dict(re.findall(r'data-(kiosk-home|idle-seconds|idle-warning-seconds)="([^"]*)"', body))


def test_the_start_screen_has_help_larger_text_and_high_contrast_buttons(client, office):
    html = client.get("/kiosk/centar?lang=en").get_data(as_text=True)

    footer = re.search(r'<footer class="k-footer">(.*?)</footer>', html, re.S).group(1)
    assert 'data-kiosk-open="k-help"' in footer and "Help" in footer
    assert 'data-kiosk-mode="large-text" aria-pressed="false"' in footer
    assert 'data-kiosk-mode="high-contrast" aria-pressed="false"' in footer
    assert '<dialog id="k-help"' in html and "How to use this kiosk" in html
    assert "Are you still there?" in html
    assert re.search(r'<script src="/static/js/kiosk\.js\?v=[0-9a-f]{12}" defer></script>', html)
    # the modes a citizen chose are on <html> before the first paint, without waiting for it
    head = html.split("</head>")[0]
    assert 'sessionStorage.getItem("kiosk.mode." + m)' in head


def test_idle_settings_come_from_the_config_and_the_reset_drops_the_language(app, client, office):
    app.config.update(KIOSK_IDLE_SECONDS=45, KIOSK_IDLE_WARNING_SECONDS=25)

    html = client.get("/kiosk/centar?lang=sq").get_data(as_text=True)

    assert idle_settings(html) == {
        "kiosk-home": "/kiosk/centar",
        "idle-seconds": "45",
        "idle-warning-seconds": "25",
    }
    assert re.search(r'class="k-idle-count">25<', html)


def test_the_warning_never_offers_less_than_20_seconds(app, client, office):
    app.config.update(KIOSK_IDLE_WARNING_SECONDS=5)

    html = client.get("/kiosk/centar").get_data(as_text=True)

    assert re.search(r'class="k-idle-count">20<', html)  # kiosk.js keeps 20 as well


def test_a_swapped_screen_leaves_the_footer_and_dialogs_where_they_are(client, office):
    html = client.get("/kiosk/centar?lang=en", headers=HX).get_data(as_text=True)

    assert 'id="screen"' in html
    assert "k-footer" not in html and "k-help" not in html and "<body" not in html
