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


@pytest.fixture
def admin(factory, db):
    """An administrator (username boss), committed."""
    user = factory.user("boss", role="admin")
    db.session.commit()
    return user


@pytest.fixture
def admin_client(client, auth, admin, office):
    """The test client, logged in as the administrator."""
    assert auth.login("boss").status_code == 302
    return client
