"""The query budget of the mentorship page, one number for every test that measures it:
its parts (the agreement, meetings, messages) each add their queries once, whatever the
mentorship holds."""

# The session, the user and the navigation (3); the mentorship with its people and the
# request's goals (2); the agreement's versions and their goals (2); the meetings and
# their proposed times (2).
MENTORSHIP_PAGE_BUDGET = 9
