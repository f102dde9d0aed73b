"""Domain errors. Each carries an English message id that the views translate for the user."""


def N_(message: str) -> str:
    """Mark a message for translation without translating it here (services know no locale)."""
    return message


class KioskError(Exception):
    """Base of the domain errors; ``message`` is a gettext message id, ``params`` fill it."""

    message = N_("The request could not be completed.")
    status = 409

    def __init__(self, message: str | None = None, **params):
        self.message = message or self.message
        self.params = params
        super().__init__(self.message % params if params else self.message)


class NotFound(KioskError):
    message = N_("Not found.")
    status = 404


class ServiceUnavailable(KioskError):
    message = N_("This service is not offered at this office.")
    status = 404


class ServiceNotOffered(KioskError):
    message = N_("This service is not offered today. Please ask at the information desk.")
    status = 409


class QueueEmpty(KioskError):
    message = N_("Nobody is waiting for the services of this counter.")


class IssuingStopped(KioskError):
    message = N_("No more tickets are issued today. Please come back during opening hours.")


class QueueFull(KioskError):
    message = N_("No more tickets can be issued in this queue today.")


class InvalidTransition(KioskError):
    message = N_("This ticket cannot be changed that way now.")


class TicketGone(InvalidTransition):
    message = N_("This ticket is no longer being served here: it was finished or moved"
                 " meanwhile, perhaps in another window. Nothing was done.")


class WrongCounter(KioskError):
    message = N_("This ticket is being served at another counter.")


class CounterTaken(KioskError):
    message = N_("%(name)s has taken over this counter, so nothing was done. Take it back from"
                 " the list of counters, or choose another counter.")


class InvalidInput(KioskError):
    message = N_("The request is not valid.")
    status = 400
