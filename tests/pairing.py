"""Pair a screen with an office, as an administrator would, for browser tests and benches.

- ``pair_page(page, server, ...)``: the Playwright page opens /display/ and shows its code; an
  administrator (in a browser context of their own) types the code into /admin/devices; the
  page moves on to its screen by itself. This is the real UI, end to end.
- ``pair_token(server_url, ...)``: the same over plain HTTP, for clients that are not browsers
  (python-socketio displays in benches and scale-out tests): returns the device token to pass
  as ``auth={"office": ..., "view": "display", "token": token}``.

Both log in as the demo administrator ("admin").
"""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request

from kiosk.demo import DEMO_PASSWORDS

ADMIN = "admin"
DEVICE_COOKIE = "kiosk_device"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_CODE = re.compile(r'id="pairing-code".*?</p>', re.S)
_OFFICE_ID = r'<option value="(\d+)" data-slug="{slug}"'


def _url(server) -> str:
    return server if isinstance(server, str) else server.url


def pair_page(
    page,
    server,
    *,
    office: str = "centar",
    kind: str = "display",
    counter: int | None = None,
    name: str = "",
    layout: str = "auto",
    volume: int = 80,
    speech: bool = True,
    timeout: float = 10_000,
) -> None:
    """Pair the screen open in ``page`` through the real UI; return once it shows its screen."""
    base = _url(server)
    page.goto(f"{base}/display/")
    code = "".join(page.locator("#pairing-code .p-char").all_inner_texts())
    assert len(code) == 6, f"no pairing code on the screen: {code!r}"
    context = page.context.browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        admin = context.new_page()
        admin.goto(f"{base}/login?lang=en")
        admin.fill("#username", ADMIN)
        admin.fill("#password", DEMO_PASSWORDS[ADMIN])
        admin.get_by_role("button", name="Log in").click()
        admin.wait_for_url(re.compile(r"/(clerk|admin)/$"))
        admin.goto(f"{base}/admin/devices?lang=en")
        admin.fill("#pair-code", code)
        admin.check(f"#pair-kind-{kind}")
        office_id = admin.locator(f'#pair-office option[data-slug="{office}"]').get_attribute(
            "value"
        )
        admin.select_option("#pair-office", office_id)
        admin.fill("#pair-counter", str(counter or ""))
        admin.fill("#pair-name", name or f"{kind} {office}")
        admin.select_option("#pair-layout", layout)
        admin.fill("#pair-volume", str(volume))
        admin.set_checked("#pair-speech", speech)
        admin.get_by_role("button", name="Pair", exact=True).click()
        admin.wait_for_url(re.compile(r"/admin/devices$"))
    finally:
        context.close()
    target = (
        f"/display/{office}/counter/{counter}"
        if kind == "counter_display"
        else (f"/kiosk/{office}" if kind == "kiosk" else f"/display/{office}")
    )
    page.wait_for_url(re.compile(re.escape(target) + r"(\?.*)?$"), timeout=timeout)


def pair_token(
    server,
    *,
    office: str = "centar",
    kind: str = "display",
    counter: int | None = None,
    name: str = "",
    volume: int = 80,
    speech: bool = True,
) -> str:
    """Pair a new device over HTTP and return its token (the cookie a screen would keep)."""
    base = _url(server)
    screen_jar = http.cookiejar.CookieJar()
    screen = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(screen_jar))
    html = screen.open(f"{base}/display/", timeout=10).read().decode()
    code = re.sub(r"<[^>]+>|\s", "", _CODE.search(html).group(0).split(">", 1)[1])
    token = next(c.value for c in screen_jar if c.name == DEVICE_COOKIE)

    admin = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = admin.open(f"{base}/login", timeout=10).read().decode()
    admin.open(
        f"{base}/login",
        urllib.parse.urlencode(
            {
                "username": ADMIN,
                "password": DEMO_PASSWORDS[ADMIN],
                "csrf_token": _CSRF.search(page).group(1),
            }
        ).encode(),
        timeout=10,
    ).read()
    page = admin.open(f"{base}/admin/devices", timeout=10).read().decode()
    office_id = re.search(_OFFICE_ID.format(slug=re.escape(office)), page).group(1)
    data = {
        "csrf_token": _CSRF.search(page).group(1),
        "code": code,
        "kind": kind,
        "office": office_id,
        "counter": str(counter or ""),
        "name": name or f"{kind} {office}",
        "layout": "auto",
        "volume": str(volume),
    }
    if speech:
        data["speech"] = "1"
    answer = admin.open(f"{base}/admin/devices", urllib.parse.urlencode(data).encode(), timeout=10)
    assert answer.geturl().endswith("/admin/devices"), "pairing failed"
    return token
