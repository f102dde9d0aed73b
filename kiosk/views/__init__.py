"""One blueprint per audience: kiosk, clerk, display, admin, api, and auth for staff logins."""
