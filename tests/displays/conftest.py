import pytest

from tests.conftest import AuthActions


@pytest.fixture
def office(factory, db):
    """A committed office 'centar' (mk, sq, en) with two counters, services BIRTH (A), TAX (E)."""
    office = factory.office()
    db.session.commit()
    return office


@pytest.fixture
def admin(app, factory, db, office):
    """A test client logged in as an administrator (its own cookie jar)."""
    factory.user("boss", password="admin-password-1", role="admin")
    db.session.commit()
    client = app.test_client()
    AuthActions(client).login("boss", "admin-password-1")
    return client
