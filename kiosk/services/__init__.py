"""The rules of the system, free of Flask: functions that take a session and flush."""
