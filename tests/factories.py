"""Small builders for test data, and a helper that reads a CSRF token off a page."""

from __future__ import annotations

import re

from kiosk.models import (
    Counter,
    CounterService,
    Office,
    OfficeService,
    Organisation,
    Queue,
    Service,
    User,
)

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def csrf_token(client, url: str) -> str:
    """Fetch a page and return the CSRF token it carries."""
    html = client.get(url).get_data(as_text=True)
    match = _CSRF.search(html)
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


class Factory:
    """Build a small office: ``factory.office()`` gives counters, queues and services."""

    def __init__(self, session):
        self.session = session
        self._org = None

    def organisation(self) -> Organisation:
        if self._org is None:
            self._org = Organisation(
                slug="test-town", name={"mk": "Општина Тест", "en": "Test Town"}
            )
            self.session.add(self._org)
            self.session.flush()
        return self._org

    def office(
        self,
        slug: str = "centar",
        *,
        counters: int = 2,
        services: tuple[tuple[str, str], ...] = (("BIRTH", "A"), ("TAX", "E")),
        languages: tuple[str, ...] = ("mk", "sq", "en"),
        timezone: str = "Europe/Skopje",
    ) -> Office:
        """An office with numbered counters, one queue per prefix and the given services."""
        org = self.organisation()
        office = Office(
            organisation=org,
            slug=slug,
            name={"mk": f"Канцеларија {slug}", "sq": f"Zyra {slug}", "en": f"Office {slug}"},
            languages=list(languages),
            timezone=timezone,
        )
        self.session.add(office)
        for n in range(1, counters + 1):
            self.session.add(Counter(office=office, number=n, name={"mk": f"Шалтер {n}"}))
        queues: dict[str, Queue] = {}
        for position, (code, prefix) in enumerate(services):
            queue = queues.get(prefix)
            if queue is None:
                queue = queues[prefix] = Queue(office=office, prefix=prefix, name={"en": prefix})
                self.session.add(queue)
            service = (
                self.session.query(Service).filter_by(organisation=org, code=code).one_or_none()
            )
            if service is None:
                service = Service(
                    organisation=org,
                    code=code,
                    name={
                        "mk": f"Услуга {code}",
                        "sq": f"Shërbimi {code}",
                        "en": f"Service {code}",
                    },
                    short_name={"en": code.title()},
                )
                self.session.add(service)
            self.session.add(
                OfficeService(office=office, service=service, queue=queue, position=position)
            )
        self.session.flush()
        return office

    def service(self, office: Office, code: str) -> Service:
        return next(o.service for o in office.services if o.service.code == code)

    def counter(self, office: Office, number: int = 1) -> Counter:
        return next(c for c in office.counters if c.number == number)

    def serve_only(self, counter: Counter, *services: Service) -> None:
        """Restrict a counter to some services (the service x counter matrix)."""
        for rank, service in enumerate(services, start=1):
            self.session.add(CounterService(counter=counter, service=service, preference=rank))
        self.session.flush()
        self.session.expire(counter, ["matrix_row"])

    def user(
        self,
        username="clerk",
        password="clerk-password-1",
        role="clerk",
        office: Office | None = None,
    ) -> User:
        user = User(
            username=username,
            display_name=username.title(),
            role=role,
            office_id=office.id if office else None,
        )
        user.set_password(password)
        self.session.add(user)
        self.session.flush()
        return user
