"""The outgoing-mail outbox: every mail the portal sends is a row of ``OutgoingMail``.

See ``portal.mail.services`` for the rules (queue in the caller's transaction, claim with
``skip_locked``, send without holding a lock, retry transient errors, sweep stale claims).
"""
