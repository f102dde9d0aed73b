"""Configuration in layers: these defaults, then KIOSK_* environment variables, then overrides.

Every setting below can be set from the environment by its name with a ``KIOSK_`` prefix, for
example ``KIOSK_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/kiosk``. Values are parsed
as JSON where they look like JSON (``KIOSK_DEMO_DATA=false``), as plain strings otherwise.
"""


class Config:
    # Database. None means an SQLite file in the instance folder (the embedded default).
    DATABASE_URL: str | None = None
    # Flask-SocketIO message queue (redis://...), needed when several server processes run.
    SOCKETIO_MESSAGE_QUEUE: str | None = None
    # "threading" is the safe default; "gevent" is the step up. Never eventlet (see README).
    SOCKETIO_ASYNC_MODE: str = "threading"
    # None means: generated once and kept in the instance folder.
    SECRET_KEY: str | None = None

    # Flask-Compress: pages, fragments, CSS and scripts go out gzipped (a kiosk's first load is
    # a third of its size); streamed responses (exports, audio) are left as they are.
    COMPRESS_STREAMS: bool = False
    # Brotli first, at quality 6: the kiosk's start screen is ~6 KB lighter than with zstd at
    # its default level (Chromium asks for br, zstd and gzip), for about 1 ms of CPU per script.
    COMPRESS_ALGORITHM: list[str] = ["br", "zstd", "gzip", "deflate"]
    COMPRESS_BR_LEVEL: int = 6

    # Interface languages offered, in the order the language switch shows them.
    LANGUAGES: list[str] = ["mk", "sq", "bg", "en", "tr"]
    DEFAULT_LANGUAGE: str = "mk"
    # Time zone for staff screens that show no particular office.
    TIMEZONE: str = "Europe/Skopje"
    # The office a bare "/" kiosk opens when the device has not been bound to one.
    DEFAULT_OFFICE: str | None = None
    # Load the demo municipality when `python -m kiosk` finds an empty database.
    DEMO_DATA: bool = True

    # Live pushes: "background" (a pusher thread per process folds bursts of changes into one
    # push per office every REALTIME_MIN_INTERVAL seconds at most; a clerk's action is pushed
    # by its request at once) or "inline" (every change pushed by the request itself: simpler
    # to test, slower under load).
    REALTIME_PUSH: str = "background"
    REALTIME_MIN_INTERVAL: float = 0.1

    # Seconds the kiosk shows a new ticket before returning to the start screen.
    KIOSK_TICKET_SECONDS: int = 20
    # Seconds without a touch before the kiosk asks "Are you still there?", and how long that
    # warning counts down (never fewer than 20: WCAG 2.2.1) before the kiosk returns to its
    # start screen in the office's first language with normal text size and contrast.
    KIOSK_IDLE_SECONDS: int = 90
    KIOSK_IDLE_WARNING_SECONDS: int = 30

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a clerk's screen stays open all day
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
