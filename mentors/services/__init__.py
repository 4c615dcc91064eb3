"""Writes for mentors, by topic: profiles (applications, pausing), mentorships (requests,
answers, capacity, expiry), feedback (comments and reviews on a mentee's plan).

Every function checks who may do what and raises ValidationError (a clear message for
the page) or PermissionDenied, and changes nothing when it refuses. Emails are composed
into the outbox in the same transaction and sent by a Celery task after the commit."""
