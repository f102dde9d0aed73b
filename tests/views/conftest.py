import pytest


@pytest.fixture
def office(factory, db):
    """A committed office 'centar' with two counters and services BIRTH (A) and TAX (E)."""
    office = factory.office()
    db.session.commit()
    return office


@pytest.fixture
def clerk(factory, db, office):
    """A clerk of 'centar' (username clerk, password clerk-password-1), committed."""
    user = factory.user(office=office)
    db.session.commit()
    return user


@pytest.fixture
def csrf_app(app):
    """CSRF protection on, as in production (the default for every test app)."""
    assert app.config.get("WTF_CSRF_ENABLED", True)
    return app
