"""Users, roles, sign-in and the actor behind every request.

Every request is made by an authenticated user with a role and a stated purpose
(EES Art 9 and 46; DESIGN.md "Interfaces"). Sessions are signed tokens: they cost one
HMAC to check and survive a restart of the server.
"""
